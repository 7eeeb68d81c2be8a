"""统计报表的数字: for a period and a scope (one post, or every post at the town hall), each area's figures
as the seed report counts them, the same figures for the same period of the previous year (同比), the
shares behind them (by class, type, source, channel, outcome) and the bars by month.

Every figure is counted from the records here; nothing is typed in. The hall's cases are read from the day
summary (``summary.py``), everything else straight from its table. Only users with ``stats.view`` may
read statistics; the key-person figures are only computed for users who also hold ``patrol.sensitive``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Callable, Iterable

import peewee as pw

from models import codes
from models.accounts import User, require
from models.db import to_utc, utcnow
from models.stats import summary
from models.stats.periods import Period, change_text, percent_text

VIEW = "stats.view"
SENSITIVE = "patrol.sensitive"
HALL, MEDIATION, PATROL = "hall", "mediation", "patrol"
AREA_TITLES = {HALL: "一窗受理", MEDIATION: "矛盾纠纷调解", PATROL: "网格化管理与平安建设"}


# --- what a period's statistics hold -----------------------------------------------------------------

@dataclass
class Figure:
    key: str
    label: str
    value: float
    unit: str = "件"
    previous: float | None = None     # the same period of the previous year; None when it has no records
    percent: bool = False             # a rate (0–1), or None when there is nothing to divide by
    note: str = ""                    # how it is counted, for the reader

    @property
    def text(self) -> str:
        if self.percent:
            return percent_text(self.value)
        return f"{self.value:,.0f}{self.unit}"

    @property
    def previous_text(self) -> str:
        if self.previous is None:
            return "—"
        return percent_text(self.previous) if self.percent else f"{self.previous:,.0f}{self.unit}"

    @property
    def change(self) -> str:
        if self.percent and (self.value is None or self.previous is None):
            return ""
        return change_text(self.value, self.previous, self.unit, self.percent)

    def said(self) -> str:
        """The number as a sentence says it, with its 同比 in brackets when there is one: "73次（同比增长12%）"."""
        plain = percent_text(self.value) if self.percent else f"{self.value:.0f}{self.unit}"
        return f"{plain}（{self.change}）" if self.change else plain


@dataclass
class Share:
    """A breakdown (shares by type): (name, value, previous value or None) in order."""
    key: str
    title: str
    unit: str
    items: list[tuple[str, int, int | None]]

    @property
    def total(self) -> int:
        return sum(value for _name, value, _prev in self.items)


@dataclass
class Series:
    """Bars over the period (by month, or by day within one month), this year's and last year's."""
    key: str
    title: str
    unit: str
    labels: list[str]
    values: list[int]
    previous: list[int] | None = None


@dataclass
class Area:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    has_data: bool = False
    previous_has_data: bool = False

    def figure(self, key: str) -> Figure:
        for item in self.figures:
            if item.key == key:
                return item
        raise KeyError(key)

    def value(self, key: str):
        return self.figure(key).value

    def share(self, key: str) -> Share:
        for item in self.shares:
            if item.key == key:
                return item
        raise KeyError(key)


@dataclass
class Statistics:
    period: Period
    previous: Period
    post: str                 # "" = every post
    scope_label: str
    areas: list[Area]
    made_at: datetime
    made_by: str

    def area(self, key: str) -> Area:
        for item in self.areas:
            if item.key == key:
                return item
        raise KeyError(key)

    def text(self) -> str:
        """The sentences of every area, a paragraph each, for the office's word processor."""
        paragraphs = []
        for area in self.areas:
            if area.sentences:
                paragraphs.append(f"{area.title}：" + "".join(area.sentences))
        return "\n".join(paragraphs)


# --- scope -------------------------------------------------------------------------------------------

def posts() -> list[tuple[str, str]]:
    """The posts whose records this database holds, as (code, name): this post first by its own name."""
    from models import settings
    from models.mediation.tables import Dispute
    from models.patrol.tables import PatrolLog

    own = settings.post_code_or_blank()
    codes_seen = {own} if own else set()
    codes_seen |= {row.post for row in summary.HallDay.select(summary.HallDay.post).distinct()}
    for model in (Dispute, PatrolLog):
        codes_seen |= {row.post for row in model.select(model.post).distinct()}
    name = settings.get("post_name") or "本站点"
    return [(code, name if code == own else f"站点 {code}") for code in sorted(codes_seen, key=lambda c: (c != own, c))]


def scope_label(post: str) -> str:
    if not post:
        return "全部站点"
    return dict(posts()).get(post, f"站点 {post}")


# --- counting ----------------------------------------------------------------------------------------

def _scoped(query, model, post: str):
    return query.where(model.post == post) if post else query


def _by_bucket(period: Period, days: Iterable[tuple[date, int]]) -> list[int]:
    buckets = period.buckets()
    values = [0] * len(buckets)
    index = 0
    for day, n in sorted(days):
        while index < len(buckets) and day > buckets[index][2]:
            index += 1
        if index < len(buckets) and day >= buckets[index][1]:
            values[index] += n
    return values


def _per_day(query, column) -> list[tuple[date, int]]:
    return [(_as_date(day), n) for day, n in query.select(column, pw.fn.COUNT(pw.SQL("*")))
            .group_by(column).tuples()]


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _utc_bounds(period: Period) -> tuple[datetime, datetime]:
    return (to_utc(datetime.combine(period.start, time.min)),
            to_utc(datetime.combine(period.end + timedelta(days=1), time.min)))


def _hall_counts(period: Period, post: str) -> dict:
    from models.hall.catalogue import MATTER_CLASSES
    from models.hall.tables import BAD_RATING, CHANNELS, ONLINE_CHANNEL, Rating

    classes, channels, statuses, days = Counter({c: 0 for c in MATTER_CLASSES}), Counter({c: 0 for c in CHANNELS}), Counter(), Counter()
    finished = on_time = 0
    rows = summary.hall_rows(period.start, period.end, post).select(
        summary.HallDay.day, summary.HallDay.matter_class, summary.HallDay.channel, summary.HallDay.status,
        summary.HallDay.on_time, summary.HallDay.cases).tuples()
    for day, matter_class, channel, status, punctual, n in rows:
        classes[matter_class] += n
        channels[channel] += n
        statuses[status] += n
        days[_as_date(day)] += n
        if punctual is not None:
            finished += n
            on_time += n * punctual
    first, last = _utc_bounds(period)
    ratings = _scoped(Rating.select(Rating.overall, pw.fn.COUNT(Rating.id))
                      .where(Rating.created_at >= first, Rating.created_at < last, Rating.deleted_at.is_null()),
                      Rating, post).group_by(Rating.overall).tuples()
    levels = Counter(dict(ratings))
    rated = sum(levels.values())
    good = sum(n for level, n in levels.items() if level > BAD_RATING)
    return {
        "accepted": sum(classes.values()), "classes": classes, "channels": channels, "statuses": statuses,
        "online": channels[ONLINE_CHANNEL], "finished": finished, "on_time": on_time,
        "on_time_rate": on_time / finished if finished else None, "rated": rated, "good": good,
        "bad": rated - good, "good_rate": good / rated if rated else None, "levels": levels,
        "series": _by_bucket(period, days.items()), "any": bool(sum(classes.values()) or rated),
    }


def _mediation_counts(period: Period, post: str) -> dict:
    from models.mediation.tables import (
        CHANNELS, PETITION_FORMS, REFERRED, SOURCES, STATUSES, SUCCEEDED, Dispute, Petition,
        RiskMeeting,
    )

    disputes = _scoped(Dispute.select().where(Dispute.deleted_at.is_null(), Dispute.status != REFERRED,
                                              Dispute.accepted_on.between(period.start, period.end)), Dispute, post)
    types = Counter({name: 0 for name in codes.names("dispute_type")})
    sources, channels = Counter({s: 0 for s in SOURCES}), Counter({c: 0 for c in CHANNELS})
    outcomes = Counter({s: 0 for s in STATUSES if s != REFERRED})
    joint = 0
    for dispute_type, source, channel, status, together in disputes.select(
            Dispute.dispute_type, Dispute.source, Dispute.channel, Dispute.status, Dispute.joint).tuples():
        types[dispute_type] += 1
        sources[source] += 1
        channels[channel] += 1
        outcomes[status] += 1
        joint += bool(together)
    total = sum(outcomes.values())
    petitions = _scoped(Petition.select().where(Petition.deleted_at.is_null(),
                                                Petition.received_on.between(period.start, period.end)), Petition, post)
    forms, visitors, count = Counter({f: 0 for f in PETITION_FORMS}), 0, 0
    for form, people in petitions.select(Petition.form, Petition.visitors).tuples():
        forms[form] += 1
        visitors += people
        count += 1
    meetings = _scoped(RiskMeeting.select().where(RiskMeeting.deleted_at.is_null(),
                                                  RiskMeeting.held_on.between(period.start, period.end)),
                       RiskMeeting, post).count()
    return {
        "disputes": total, "types": types, "sources": sources, "channels": channels, "outcomes": outcomes,
        "succeeded": outcomes[SUCCEEDED], "success_rate": outcomes[SUCCEEDED] / total if total else None,
        "joint": joint, "petitions": count, "visitors": visitors, "forms": forms, "meetings": meetings,
        "series": _by_bucket(period, _per_day(disputes, Dispute.accepted_on)),
        "any": bool(total or count or meetings),
    }


def _patrol_counts(period: Period, post: str, sensitive: bool) -> dict:
    from models.patrol.tables import (
        CARE_ACTIVE, DRUG, EVENT_OPEN, HELP_CLOSED, HZ_CLEARED, KEY_CATEGORIES, NIGHT_SHIFT, REHAB_STAGES,
        CareSubject, Grid, GridEvent, GridMember, Hazard, HelpRequest, Inspection, KeyPerson, KeyVisit, PatrolLog,
        Premises,
    )

    start, end = period.start, period.end
    logs = _scoped(PatrolLog.select().where(PatrolLog.deleted_at.is_null(), PatrolLog.patrol_date.between(start, end)),
                   PatrolLog, post)
    types = Counter({name: 0 for name in codes.names("patrol_type")})
    night = night_people = people = 0
    for patrol_type, shift, person_times in logs.select(PatrolLog.patrol_type, PatrolLog.shift,
                                                        PatrolLog.person_times).tuples():
        types[patrol_type] += 1
        people += person_times
        if shift == NIGHT_SHIFT:
            night += 1
            night_people += person_times
    helps = _scoped(HelpRequest.select().where(HelpRequest.deleted_at.is_null(),
                                               HelpRequest.asked_on.between(start, end)), HelpRequest, post)
    events = _scoped(GridEvent.select().where(GridEvent.deleted_at.is_null(),
                                              GridEvent.reported_on.between(start, end)), GridEvent, post)
    inspections = {}
    for key in (False, True):
        visits = _scoped(Inspection.select(Inspection.id).join(PatrolLog).switch(Inspection).join(Premises)
                         .where(Inspection.deleted_at.is_null(), PatrolLog.deleted_at.is_null(),
                                PatrolLog.patrol_date.between(start, end), Premises.key_venue == key), Inspection, post)
        found = Hazard.select().where(Hazard.deleted_at.is_null(), Hazard.inspection.in_(visits))
        inspections[key] = {
            "premises": visits.select(pw.fn.COUNT(Inspection.premises.distinct())).scalar() or 0,
            "visits": visits.count(), "hazards": found.count(),
            "cleared": found.where(Hazard.status == HZ_CLEARED).count(),
        }
    hazards = _scoped(Hazard.select().where(Hazard.deleted_at.is_null(), Hazard.found_on.between(start, end)),
                      Hazard, post)
    hazard_types = Counter({name: 0 for name in codes.names("hazard_category")})
    for (category,) in hazards.select(Hazard.category).tuples():
        hazard_types[category] += 1
    grids = _scoped(Grid.select(Grid.id).where(Grid.deleted_at.is_null(), Grid.active == True), Grid, post)  # noqa: E712
    grid_count = grids.count()
    staffed = (GridMember.select(pw.fn.COUNT(GridMember.grid.distinct()))
               .where(GridMember.deleted_at.is_null(), GridMember.grid.in_(grids)).scalar() or 0)
    care = _scoped(CareSubject.select(CareSubject.colour, pw.fn.COUNT(CareSubject.id)).where(
        CareSubject.deleted_at.is_null(), CareSubject.listed_on <= end,
        (CareSubject.status == CARE_ACTIVE) | (CareSubject.removed_on >= start)), CareSubject, post)
    colours = Counter({name: 0 for name in codes.names("care_colour")})
    colours.update(dict(care.group_by(CareSubject.colour).tuples()))
    counts = {
        "patrols": sum(types.values()), "types": types, "night": night, "night_people": night_people,
        "people": people, "helps": helps.count(), "helps_closed": helps.where(HelpRequest.status == HELP_CLOSED).count(),
        "events": events.count(), "events_closed": events.where(GridEvent.status.not_in(EVENT_OPEN)).count(),
        "shop_premises": inspections[False]["premises"], "shop_visits": inspections[False]["visits"],
        "shop_hazards": inspections[False]["hazards"], "key_venues": inspections[True]["premises"],
        "key_visits": inspections[True]["visits"], "key_hazards": inspections[True]["hazards"],
        "hazards": hazards.count(), "hazards_cleared": hazards.where(Hazard.status == HZ_CLEARED).count(),
        "hazard_types": hazard_types, "grids": grid_count, "staffed": staffed,
        "coverage": staffed / grid_count if grid_count else None, "care": sum(colours.values()), "colours": colours,
        "series": _by_bucket(period, _per_day(logs, PatrolLog.patrol_date)),
        "night_series": _by_bucket(period, _per_day(logs.where(PatrolLog.shift == NIGHT_SHIFT), PatrolLog.patrol_date)),
    }
    counts["any"] = bool(counts["patrols"] or counts["helps"] or counts["events"] or counts["hazards"])
    if sensitive:
        persons = _scoped(KeyPerson.select(KeyPerson.category, KeyPerson.stage).where(
            KeyPerson.deleted_at.is_null(), KeyPerson.listed_on <= end,
            KeyPerson.released_on.is_null() | (KeyPerson.released_on >= start)), KeyPerson, post)
        categories, rehab = Counter({c: 0 for c in KEY_CATEGORIES}), 0
        for category, stage in persons.tuples():
            categories[category] += 1
            rehab += category == DRUG and stage in REHAB_STAGES
        counts.update(key_categories=categories, key_persons=sum(categories.values()), rehab=rehab,
                      key_visits_made=_scoped(KeyVisit.select().where(KeyVisit.deleted_at.is_null(),
                                                                      KeyVisit.visited_on.between(start, end)),
                                              KeyVisit, post).count())
    return counts


# --- assembling an area ------------------------------------------------------------------------------

class _Builder:
    def __init__(self, area: Area, now: dict, before: dict | None, period: Period):
        self.area, self.now, self.before, self.period = area, now, before, period

    def figure(self, key: str, label: str, unit: str = "件", source: str | None = None, percent: bool = False,
               note: str = "") -> Figure:
        source = source or key
        previous = self.before[source] if self.before is not None else None
        item = Figure(key, label, self.now[source], unit, previous, percent, note)
        self.area.figures.append(item)
        return item

    def part(self, key: str, label: str, source: str, name: str, unit: str = "件") -> Figure:
        """One entry of a breakdown as a figure of its own (e.g. the cases of one class)."""
        previous = self.before[source][name] if self.before is not None else None
        item = Figure(key, label, self.now[source][name], unit, previous)
        self.area.figures.append(item)
        return item

    def share(self, key: str, title: str, unit: str = "件", source: str | None = None) -> Share:
        now = self.now[source or key]
        before = self.before[source or key] if self.before is not None else None
        names = list(now) + [name for name in (before or {}) if name not in now]
        items = [(name, now.get(name, 0), before.get(name, 0) if before is not None else None) for name in names]
        item = Share(key, title, unit, items)
        self.area.shares.append(item)
        return item

    def series(self, key: str, title: str, unit: str = "件", source: str = "series") -> None:
        self.area.series.append(Series(key, title, unit, [label for label, _a, _b in self.period.buckets()],
                                       self.now[source], self.before[source] if self.before is not None else None))


def _area(key: str, now: dict, before: dict, period: Period) -> tuple[Area, _Builder]:
    area = Area(key, AREA_TITLES[key], has_data=now["any"], previous_has_data=before["any"])
    return area, _Builder(area, now, before if before["any"] else None, period)


def _hall_area(period: Period, previous: Period, post: str) -> Area:
    now, before = _hall_counts(period, post), _hall_counts(previous, post)
    area, b = _area(HALL, now, before, period)
    b.figure("accepted", "受理办件")
    b.part("approval", "许可等行政审批事项", "classes", "行政审批")
    b.part("service", "社保等行政服务事项", "classes", "行政服务")
    b.part("other", "婚姻登记等其他事项", "classes", "其他")
    b.figure("online", "全程网办受理事项", note="渠道为渝快办网办的受理办件")
    b.figure("finished", "办结", note="本期受理、已办结或已出件的办件")
    b.figure("on_time_rate", "按时办结率", percent=True, note="在承诺日期内办结的办件占已办结办件的比例")
    b.figure("rated", "收到办事评价", unit="条")
    b.figure("good_rate", "好评率", percent=True, note="“基本满意”及以上的评价占全部评价的比例")
    b.figure("bad", "差评", unit="条")
    b.share("classes", "受理办件按事项类别")
    b.share("channels", "受理办件按受理渠道")
    b.series("accepted", "受理办件")
    f = area.figure
    area.sentences.append(
        f"累计办理各类许可等行政审批事项{f('approval').said()}，办理社保等行政服务事项{f('service').said()}，"
        f"婚姻登记等其他事项{f('other').said()}。")
    area.sentences.append(f"做深做实全程网办事项，受理事项{f('online').said()}。")
    if now["finished"]:
        area.sentences.append(f"办结{f('finished').said()}，按时办结率{f('on_time_rate').said()}。")
    if now["rated"]:
        area.sentences.append(f"收到办事评价{f('rated').said()}，好评率{f('good_rate').said()}。")
    return area


def _mediation_area(period: Period, previous: Period, post: str) -> Area:
    now, before = _mediation_counts(period, post), _mediation_counts(previous, post)
    area, b = _area(MEDIATION, now, before, period)
    b.figure("meetings", "召开风险研判会", unit="次")
    b.figure("visitors", "接访群众", unit="人次", note="信访登记的来访人数之和")
    b.figure("disputes", "调处矛盾纠纷", note="本期受理调解的纠纷（不含待受理的移交）")
    b.figure("succeeded", "调解成功")
    b.figure("success_rate", "调解成功率", percent=True, note="调解成功的纠纷占本期受理调解纠纷的比例")
    b.figure("joint", "“一庭两所”联调")
    b.figure("petitions", "办理各类信访案件")
    b.share("types", "纠纷按类型")
    b.share("sources", "纠纷按来源")
    b.share("channels", "纠纷按调解渠道")
    b.share("outcomes", "纠纷按结果")
    b.share("forms", "信访按形式")
    b.series("disputes", "调处矛盾纠纷")
    f = area.figure
    area.sentences.append(
        f"召开风险研判会{f('meetings').said()}，接访群众{f('visitors').said()}，调处矛盾纠纷{f('disputes').said()}，"
        f"办理各类信访案件{f('petitions').said()}。")
    if now["succeeded"] or now["success_rate"] is not None:
        area.sentences.append(f"其中调解成功{f('succeeded').said()}，调解成功率{f('success_rate').said()}。")
    return area


def _patrol_area(period: Period, previous: Period, post: str, sensitive: bool) -> Area:
    now, before = _patrol_counts(period, post, sensitive), _patrol_counts(previous, post, sensitive)
    now["any"] = now["any"] or bool(now["care"] or now["grids"])
    area, b = _area(PATROL, now, before, period)
    # the grids as they are now: there is no record of last year's staffing to compare with
    b.figure("coverage", "专兼职网格员覆盖率", percent=True, note="有网格员的网格占全部网格的比例（当前）").previous = None
    b.figure("patrols", "巡查", unit="次")
    b.figure("night", "组织夜间巡逻", unit="次")
    b.figure("night_people", "参加夜间巡逻", unit="人次")
    b.figure("helps", "受理群众求助")
    b.figure("events", "上报网格事件")
    b.figure("shop_visits", "沿街门面消防安全检查", unit="家次")
    b.figure("shop_hazards", "排查整治隐患", unit="起", note="门面检查中发现的隐患")
    b.figure("key_venues", "检查的重点场所", unit="个")
    b.figure("key_visits", "重点场所检查", unit="次")
    b.figure("key_hazards", "限时整改隐患", unit="处", note="重点场所检查中发现的隐患")
    b.figure("hazards", "发现隐患", unit="处")
    b.figure("hazards_cleared", "隐患整改销号", unit="处")
    b.figure("care", "关爱帮扶特殊群体", unit="人", note="期间在册的关爱帮扶对象")
    if sensitive:
        b.figure("key_persons", "在管重点人员", unit="人")
        b.figure("rehab", "跟踪管理戒毒康复人员", unit="人")
        b.figure("key_visits_made", "重点人员走访", unit="次")
        b.share("key_categories", "重点人员按类别", unit="人")
    else:
        area.notes.append("重点人员的数字只对有“查看重点人员”权限的用户显示。")
    b.share("types", "巡查按类型", unit="次")
    b.share("hazard_types", "隐患按类别", unit="处")
    b.share("colours", "关爱帮扶对象按四色等级", unit="人")
    b.series("patrols", "巡查", unit="次")
    b.series("night", "夜间巡逻", unit="次", source="night_series")
    f = area.figure
    if now["grids"]:
        area.sentences.append(f"实现专兼职网格员覆盖率{f('coverage').said()}。")
    if sensitive:
        from models.patrol.tables import CULT, DRUG, MENTAL
        kinds = now["key_categories"]
        area.sentences.append(
            f"管控严重精神障碍患者{kinds[MENTAL]}名，做好{kinds[CULT]}名邪教重点人员的帮教工作；"
            f"建立{kinds[DRUG]}名吸毒人员管理台账，跟踪管理戒毒康复人员{f('rehab').said()}。")
    area.sentences.append(
        f"组织夜间巡逻{f('night').said()}，参加巡逻{f('night_people').said()}，受理群众求助{f('helps').said()}。")
    if now["shop_visits"]:
        area.sentences.append(
            f"开展沿街门面消防安全检查{f('shop_visits').said()}，排查整治隐患{f('shop_hazards').said()}。")
    if now["key_visits"]:
        area.sentences.append(
            f"对辖区KTV、酒吧、网吧等{f('key_venues').said()}重点场所检查{f('key_visits').said()}，"
            f"限时整改隐患{f('key_hazards').said()}。")
    if now["care"]:
        area.sentences.append(
            f"推行“四色”管理，为空巢老人、留守儿童、残疾人等特殊群体{f('care').said()}提供关爱帮扶。")
    return area


def compute(actor: User, period: Period, post: str = "", progress: Callable[[int, int], None] | None = None,
            areas: Iterable[str] = (HALL, MEDIATION, PATROL)) -> Statistics:
    """The statistics of a period for one post (or every post, ``post=""``). Brings the hall's day summary up
    to date first (``progress(done, total)`` reports that, the only long part after an upgrade)."""
    require(actor, VIEW)
    summary.refresh(progress)
    previous = period.previous_year()
    builders = {HALL: lambda: _hall_area(period, previous, post),
                MEDIATION: lambda: _mediation_area(period, previous, post),
                PATROL: lambda: _patrol_area(period, previous, post, actor.can(SENSITIVE))}
    return Statistics(period, previous, post, scope_label(post), [builders[key]() for key in areas],
                      utcnow(), actor.display_name)
