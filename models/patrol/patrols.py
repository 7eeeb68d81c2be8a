"""巡查日志 XC-…: one patrol with its findings (问题 — 处理措施 — 反馈结果) and, on an inspection patrol, each
premises visited. A finding is resolved on the spot, or becomes an event (SJ-), a hazard (YH-), a help
request (QZ-) or a dispute handed to the mediation centre (TJ-, through ``disputes.refer_from_grid``);
the finding keeps the uid and number of what it became, and that record points back to the finding.

``log_patrol`` validates everything first and writes the patrol, its findings, inspections and every
record they became in one transaction: a bad field anywhere writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Sequence

from models import codes, numbering, records
from models.accounts import User, require
from models.db import db, to_local, to_utc, utcnow
from models.errors import ValidationError
from models.mediation import disputes
from models.mediation.disputes import DisputeEntry
from models.patrol import events, grids, hazards, helps
from models.patrol.common import choice, count, day, local_today
from models.patrol.events import EventEntry
from models.patrol.hazards import HazardEntry
from models.patrol.helps import HelpEntry
from models.patrol.tables import (
    DISPUTE, EVENT, FINDING_CATEGORIES, FINDING_KINDS, HAZARD, HELP, INSPECTION_RESULTS, INSPECTION_TYPES,
    NIGHT_SHIFT, ON_SPOT, PATROL_TYPES, SHIFTS, WEATHER, Finding, Grid, Inspection, PatrolGrid, PatrolLog, Premises,
)
from models.search import SearchIndex, capped_count, json_list_holds, keyset_page, within
from models.validators import clean_text

PREFIX = "XC"
MAX_PARTICIPANTS = 200
HAZARD_RESULTS = ("发现隐患", "责令整改", "停业整顿")   # inspection results that come with hazards


@dataclass
class FindingEntry:
    kind: str
    category: str
    place: str
    problem: str
    measure: str = ""                    # 处理措施
    feedback: str = ""                   # 反馈结果
    grid: Grid | str | None = None       # default: the patrol's first grid
    event: EventEntry | None = None
    hazard: HazardEntry | None = None
    help: HelpEntry | None = None
    dispute: DisputeEntry | None = None
    dispute_note: str = ""


@dataclass
class InspectionEntry:
    premises: Premises
    result: str
    notes: str = ""
    hazards: Sequence[HazardEntry] = ()


@dataclass
class PatrolEntry:
    patrol_date: date
    shift: str
    start: time
    end: time                            # earlier than start: the patrol ended after midnight
    patrol_type: str
    grids: Sequence[Grid | str]
    route: str
    leader: str
    participants: Sequence[str] = ()     # names of the workers who took part; the leader is added if missing
    others: int | str = 0                # other participants counted, not named (police, volunteers …)
    weather: str = ""
    overview: str = ""                   # 巡查情况
    findings: Sequence[FindingEntry] = ()
    inspections: Sequence[InspectionEntry] = ()


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------

def _times(entry: PatrolEntry, today: date, now: datetime) -> tuple[datetime, datetime]:
    if not isinstance(entry.start, time):
        raise ValidationError("开始时间", "请填写开始时间。")
    if not isinstance(entry.end, time):
        raise ValidationError("结束时间", "请填写结束时间。")
    start = datetime.combine(entry.patrol_date, entry.start)
    end = datetime.combine(entry.patrol_date, entry.end)
    if end == start:
        raise ValidationError("结束时间", "结束时间不能与开始时间相同。")
    if end < start:
        end += timedelta(days=1)                     # a night patrol past midnight
    if to_utc(start) > now:
        raise ValidationError("开始时间", "开始时间不能晚于现在。")
    return to_utc(start), to_utc(end)


def _people(entry: PatrolEntry) -> tuple[str, list[str], int]:
    leader = clean_text(entry.leader, "带队人", 64, required=True)
    names = [leader]
    for i, name in enumerate(entry.participants, 1):
        name = clean_text(name, f"第 {i} 位参加人员", 64)
        if name and name not in names:
            names.append(name)
    if len(names) > MAX_PARTICIPANTS:
        raise ValidationError("参加人员", f"参加人员最多 {MAX_PARTICIPANTS} 人，其余请计入“其他参加人数”。")
    return leader, names, count(entry.others, "其他参加人数", 0, 10000)


def _finding_grid(actor: User, entry: FindingEntry, patrol_grids: list[Grid], label: str) -> Grid:
    if entry.grid in (None, ""):
        return patrol_grids[0]
    grid = grids.check_grid(actor, entry.grid, f"{label}的网格")
    if grid.id not in {g.id for g in patrol_grids}:
        raise ValidationError("网格", f"{label}的网格 {grid.code} 不在本次巡查的网格中。")
    return grid


def clean_finding(actor: User, entry: FindingEntry, index: int, patrol_grids: list[Grid], on: date) -> dict:
    """Everything a finding writes, checked: the finding's fields and the cleaned record it becomes."""
    label = f"第 {index} 条发现"
    kind = choice(entry.kind, FINDING_KINDS, f"{label}的处理方式")
    fields = {
        "kind": kind,
        "category": codes.check(FINDING_CATEGORIES, entry.category, f"{label}的问题类别"),
        "place": clean_text(entry.place, f"{label}的地点", 200, required=True),
        "problem": clean_text(entry.problem, f"{label}的问题", 4000, required=True, min_len=2),
        "measure": clean_text(entry.measure, f"{label}的处理措施", 4000, required=kind == ON_SPOT),
        "feedback": clean_text(entry.feedback, f"{label}的反馈结果", 4000),
    }
    grid = _finding_grid(actor, entry, patrol_grids, label)
    needed = {EVENT: ("event", "事件"), HAZARD: ("hazard", "隐患"), HELP: ("help", "求助"), DISPUTE: ("dispute", "纠纷")}
    for other, (attribute, name) in needed.items():
        given = getattr(entry, attribute) is not None
        if other == kind and not given:
            raise ValidationError(f"{label}的{name}信息", f"{label}按“{kind}”处理，请填写{name}信息。")
    plan: dict = {"fields": fields, "grid": grid}
    if kind == EVENT:
        plan["event"] = events.clean_event(entry.event, on)
    elif kind == HAZARD:
        plan["hazard"] = hazards.clean_hazard(entry.hazard, on, fields["place"], fields["problem"], label)
    elif kind == HELP:
        plan["help"] = helps.clean_help(entry.help, fields["problem"])
    elif kind == DISPUTE:
        # checked now so nothing is written if the parties are wrong; refer_from_grid checks it again
        disputes.clean_dispute(replace(entry.dispute, refused=False, refused_reason="", mediators=()), on,
                               source_fixed=disputes.GRID_SOURCE)
        plan["dispute"] = entry.dispute
        plan["note"] = clean_text(entry.dispute_note, f"{label}的上报说明", 200)
    return plan


def clean_inspection(entry: InspectionEntry, index: int, on: date) -> dict:
    premises = entry.premises
    label = f"第 {index} 家检查场所"
    if not isinstance(premises, Premises) or premises.id is None or premises.deleted_at is not None:
        raise ValidationError("检查场所", f"{label}须从场所登记中选取。")
    if not premises.active:
        raise ValidationError("检查场所", f"{premises.name}已停业注销，不能登记检查。")
    result = choice(entry.result, INSPECTION_RESULTS, f"{premises.name}的检查结果")
    if result in HAZARD_RESULTS and not entry.hazards:
        raise ValidationError("隐患", f"{premises.name}的检查结果为“{result}”，请登记发现的隐患。")
    if result not in HAZARD_RESULTS and entry.hazards:
        raise ValidationError("检查结果", f"{premises.name}登记了隐患，检查结果不能为“{result}”。")
    found = [hazards.clean_hazard(h, on, premises.address, "", f"{premises.name}的第 {i} 项隐患")
             for i, h in enumerate(entry.hazards, 1)]
    return {"premises": premises, "result": result,
            "notes": clean_text(entry.notes, f"{premises.name}的检查情况", 2000), "hazards": found}


def clean_patrol(actor: User, entry: PatrolEntry, now: datetime) -> dict:
    today = local_today(now)
    on = day(entry.patrol_date, "巡查日期", today)
    shift = choice(entry.shift, SHIFTS, "班次")
    started_at, ended_at = _times(entry, today, now)
    patrol_type = codes.check(PATROL_TYPES, entry.patrol_type, "巡查类型")
    chosen: list[Grid] = []
    for item in entry.grids:
        grid = grids.check_grid(actor, item, "巡查网格")
        if grid.id not in {g.id for g in chosen}:
            chosen.append(grid)
    if not chosen:
        raise ValidationError("巡查网格", "请至少选择一个巡查网格。")
    leader, names, others = _people(entry)
    weather = (entry.weather or "").strip()
    if weather and weather not in WEATHER:
        raise ValidationError("天气", f"请选择天气（{'、'.join(WEATHER)}）。")
    if entry.inspections and patrol_type not in INSPECTION_TYPES:
        raise ValidationError("检查场所", f"只有{'、'.join(INSPECTION_TYPES)}登记逐家检查的场所。")
    seen = set()
    for inspection in entry.inspections:
        premises_id = getattr(inspection.premises, "id", None)
        if premises_id in seen:
            raise ValidationError("检查场所", f"{inspection.premises.name}在本次巡查中登记了两次。")
        seen.add(premises_id)
    return {
        "fields": {"patrol_date": on, "shift": shift, "started_at": started_at, "ended_at": ended_at,
                   "patrol_type": patrol_type, "grid_codes": [g.code for g in chosen],
                   "route": clean_text(entry.route, "巡查地点或路线", 2000, required=True, min_len=2),
                   "leader": leader, "participants": names, "others": others, "person_times": len(names) + others,
                   "weather": weather, "overview": clean_text(entry.overview, "巡查情况", 8000),
                   "recorder": actor.username},
        "grids": chosen,
        "findings": [clean_finding(actor, f, i, chosen, on) for i, f in enumerate(entry.findings, 1)],
        "inspections": [clean_inspection(x, i, on) for i, x in enumerate(entry.inspections, 1)],
    }


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

def _write_finding(actor: User, patrol: PatrolLog, plan: dict, position: int, now: datetime) -> Finding:
    fields, grid = plan["fields"], plan["grid"]
    finding = records.create(actor, Finding, f"巡查 {patrol.number} 第 {position + 1} 条发现（{fields['kind']}）",
                             patrol=patrol, position=position, **fields)
    target = None
    on = patrol.patrol_date
    if fields["kind"] == EVENT:
        target = events.create(actor, plan["event"], finding, grid, fields["category"], fields["place"],
                               fields["problem"], patrol.started_at, on, now)
    elif fields["kind"] == HAZARD:
        target = hazards.create(actor, plan["hazard"], on, finding=finding, grid=grid)
    elif fields["kind"] == HELP:
        target = helps.create(actor, plan["help"], on, finding=finding, grid=grid)
    elif fields["kind"] == DISPUTE:
        target = disputes.refer_from_grid(actor, str(finding.uid), plan["dispute"],
                                          plan["note"] or f"巡查 {patrol.number}：{fields['place']}", now=now)
    if target is not None:
        finding.target_uid, finding.target_number = str(target.uid), target.number
        finding.save()
    return finding


def _write_inspection(actor: User, patrol: PatrolLog, plan: dict, position: int, patrol_grids: list[Grid]) -> Inspection:
    premises = plan["premises"]
    inspection = records.create(actor, Inspection, f"巡查 {patrol.number} 检查{premises.name}：{plan['result']}",
                                patrol=patrol, premises=premises, position=position, result=plan["result"],
                                notes=plan["notes"])
    grid = next((g for g in patrol_grids if g.id == premises.grid_id), patrol_grids[0])
    for fields in plan["hazards"]:
        hazards.create(actor, fields, patrol.patrol_date, inspection=inspection, premises=premises, grid=grid)
    return inspection


def log_patrol(actor: User, entry: PatrolEntry, now: datetime | None = None) -> PatrolLog:
    """Write a patrol with everything it found, numbered XC-POST-YYYYMMDD-NNNN, in one transaction."""
    require(actor, grids.USE)
    now = now or utcnow()
    plan = clean_patrol(actor, entry, now)
    with db.atomic():
        number = numbering.next_number(PREFIX, day=plan["fields"]["patrol_date"])
        patrol = records.create(actor, PatrolLog, f"{plan['fields']['shift']}巡查 {number}（{plan['fields']['patrol_type']}）",
                                number=number, **plan["fields"])
        for grid in plan["grids"]:
            PatrolGrid.create(patrol=patrol, grid=grid, post=patrol.post, created_by=actor.username)
        for position, finding in enumerate(plan["findings"]):
            _write_finding(actor, patrol, finding, position, now)
        for position, inspection in enumerate(plan["inspections"]):
            _write_inspection(actor, patrol, inspection, position, plan["grids"])
        SEARCH.write(patrol)
    return patrol


def add_finding(actor: User, patrol: PatrolLog, entry: FindingEntry, now: datetime | None = None) -> Finding:
    """A finding recorded after the patrol was saved (the worker remembered one, or it was reported later)."""
    require(actor, grids.USE)
    now = now or utcnow()
    with db.atomic():
        fresh = grids.fresh_in_scope(visible(actor), patrol, "巡查")
        patrol_grids = patrol_grids_of(fresh)
        last = len(findings(fresh))
        plan = clean_finding(actor, entry, last + 1, patrol_grids, fresh.patrol_date)
        finding = _write_finding(actor, fresh, plan, last, now)
        SEARCH.write(fresh)
    return finding


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

def visible(actor: User):
    """Patrols in the actor's grids or written by them (every patrol with ``patrol.all``)."""
    require(actor, grids.USE)
    query = PatrolLog.live()
    if actor.can(grids.ALL):
        return query
    in_grids = PatrolGrid.select(PatrolGrid.patrol).where(PatrolGrid.grid.in_(grids.own_grid_ids(actor.username)))
    return query.where(PatrolLog.id.in_(in_grids) | (PatrolLog.recorder == actor.username))


def get_patrol(actor: User, number: str) -> PatrolLog:
    return grids.by_number(visible(actor), PatrolLog, number, "巡查编号", "巡查日志")


def patrol_grids_of(patrol: PatrolLog) -> list[Grid]:
    return list(Grid.select().join(PatrolGrid).where(PatrolGrid.patrol == patrol).order_by(PatrolGrid.id))


def findings(patrol: PatrolLog) -> list[Finding]:
    return list(patrol.findings.where(Finding.deleted_at.is_null()).order_by(Finding.position, Finding.id))


def inspections(patrol: PatrolLog) -> list[Inspection]:
    return list(patrol.inspections.where(Inspection.deleted_at.is_null()).order_by(Inspection.position))


def hazards_of_inspection(inspection: Inspection):
    return list(inspection.hazards.where(hazards.Hazard.deleted_at.is_null()).order_by(hazards.Hazard.id))


def target_of(finding: Finding):
    """The event, hazard, help request or dispute a finding became (None for one resolved on the spot)."""
    if not finding.target_uid:
        return None
    model = {EVENT: events.GridEvent, HAZARD: hazards.Hazard, HELP: helps.HelpRequest,
             DISPUTE: disputes.Dispute}.get(finding.kind)
    return model.get_or_none(model.uid == finding.target_uid) if model else None


def finding_of(uid: str) -> Finding | None:
    """The finding a record came from (a dispute keeps it as ``origin_uid``)."""
    return Finding.get_or_none(Finding.uid == uid) if uid else None


def local_times(patrol: PatrolLog) -> str:
    """"20:00—23:30" (or "22:00—次日01:30") as the log prints it."""
    start, end = to_local(patrol.started_at), to_local(patrol.ended_at)
    tail = f"{end:%H:%M}" if end.date() == start.date() else f"次日{end:%H:%M}"
    return f"{start:%H:%M}—{tail}"


def worker_patrols(actor: User, display_name: str, username: str, first: date, last: date) -> list[PatrolLog]:
    """The patrols a worker led, joined or recorded between two dates, oldest first (the monthly log book)."""
    query = visible(actor).where(PatrolLog.patrol_date.between(first, last),
                                 json_list_holds(PatrolLog.participants, display_name)
                                 | (PatrolLog.recorder == username))
    return list(query.order_by(PatrolLog.started_at, PatrolLog.id))


# --------------------------------------------------------------------------------------------
# Search and lists
# --------------------------------------------------------------------------------------------

def _patrol_texts(get) -> tuple[str, str]:
    places = [f.place for f in Finding.select(Finding.place).where(Finding.patrol == get("id"),
                                                                    Finding.deleted_at.is_null())]
    return " ".join(filter(None, (get("number"), get("patrol_type"), " ".join(get("grid_codes") or []),
                                  get("route"), " ".join(get("participants") or []), " ".join(places)))), ""


SEARCH = SearchIndex("patrol_search", PatrolLog, _patrol_texts, None, (PatrolLog.number,),
                     hint="请输入巡查编号、地点、路线或参加人员。")


@dataclass
class PatrolFilter:
    text: str = ""
    patrol_type: str = ""
    shift: str = ""
    grid_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    with_findings: bool = False
    extra: dict = field(default_factory=dict)


def _filtered(actor: User, flt: PatrolFilter):
    query = visible(actor)
    if flt.patrol_type:
        query = query.where(PatrolLog.patrol_type == flt.patrol_type)
    if flt.shift:
        query = query.where(PatrolLog.shift == choice(flt.shift, SHIFTS, "班次"))
    if flt.grid_id:
        query = query.where(PatrolLog.id.in_(PatrolGrid.select(PatrolGrid.patrol).where(PatrolGrid.grid == flt.grid_id)))
    query = within(query, PatrolLog.patrol_date, flt.date_from, flt.date_to, "巡查日期")
    if flt.with_findings:
        query = query.where(PatrolLog.id.in_(Finding.select(Finding.patrol).where(Finding.deleted_at.is_null())))
    if flt.text.strip():
        query = query.where(SEARCH.condition(actor, flt.text))
    return query


def list_patrols(actor: User, flt: PatrolFilter, before_id: int | None = None, limit: int = 100) -> list[PatrolLog]:
    return keyset_page(_filtered(actor, flt), PatrolLog, before_id, limit)


def count_patrols(actor: User, flt: PatrolFilter, cap: int | None = None) -> int:
    return capped_count(_filtered(actor, flt), PatrolLog, cap)


def finding_counts(patrol_ids: Sequence[int]) -> dict[int, int]:
    """patrol id → its number of findings (for a list page, in one query)."""
    import peewee as pw

    rows = (Finding.select(Finding.patrol, pw.fn.COUNT(Finding.id).alias("n"))
            .where(Finding.patrol.in_(list(patrol_ids)), Finding.deleted_at.is_null()).group_by(Finding.patrol))
    return {row.patrol_id: row.n for row in rows}


def is_night(patrol: PatrolLog) -> bool:
    return patrol.shift == NIGHT_SHIFT
