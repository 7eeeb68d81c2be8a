"""矛盾调解: a dispute from registration (or a grid worker's report) through sessions to its outcome,
司法确认 and follow-up visits. Facts in ../shared/domain.md §2 (人民调解法 arts. 17, 28, 29, 33).

Every change happens in one transaction with its audit line; a step the case cannot take (a closed case,
a second extension) is refused with the case's number and status, and changes nothing. Mediators see
the cases assigned to them or registered by them, and referrals waiting to be taken on; users with
``mediation.all`` (the centre's lead, the admin) see every case.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Sequence

from models import accounts, audit, codes, numbering, records
from models.accounts import User, require
from models.db import db, locked, to_local, to_utc, utcnow
from models.deadlines import NO_DEADLINE, state_of
from models.errors import PermissionDenied, ValidationError
from models.hall.cases import parse_amount
from models.mediation.tables import (
    CHANNELS, CONFIRMATION_DAYS, DISPUTE_TYPES, DUE_SOON_DAYS, FIRST_FOLLOW_UP_DAYS, GENDERS,
    JOINT_BODIES, MAX_EXTENSION_DAYS, MEDIATING, ORAL, PERFORMANCE, REFERRED, REFUSED, RISK_COLOURS, ROUTES,
    SATISFACTION, SESSION_KINDS, SIDES, SOURCES, STATUSES, SUCCEEDED, TERMINATED, TIME_LIMIT_DAYS, WITHDRAWN, WRITTEN,
    AgreementTerm, Dispute, DisputeParty, FollowUp, MediationSession,
)
from models.people import Organisation, Person
from models.search import FULL_ID_PERMISSION, SearchIndex, capped_count, json_list_holds, keyset_page, within
from models.validators import clean_text

USE = "mediation.use"
ALL = "mediation.all"
REFER = "patrol.use"       # a grid worker hands a finding over
PREFIX = "TJ"
GRID_SOURCE, PETITION_SOURCE = "网格上报", "信访转入"


# --------------------------------------------------------------------------------------------
# Entries (what a form or another area hands in)
# --------------------------------------------------------------------------------------------

@dataclass
class PartyEntry:
    """A party: a registry record plus what the 申请书 asks. Blank fields are filled from the registry."""

    record: Person | Organisation
    side: str
    gender: str = ""
    ethnicity: str = ""
    age: int | None = None
    occupation: str = ""
    phone: str = ""
    address: str = ""
    representative: str = ""
    claims: str = ""


@dataclass
class DisputeEntry:
    parties: Sequence[PartyEntry]
    facts: str
    dispute_type: str
    source: str = "当事人申请"
    accepted_on: date | None = None
    amount: str | Decimal | None = None
    people_involved: int | None = None   # default: the number of parties
    village: str = ""
    risk_colour: str = ""
    channel: str = "人民调解"
    joint: Sequence[str] = ()
    mediators: Sequence[str] = ()        # usernames; the first leads
    refused: bool = False                # a party clearly refuses: recorded as 不予受理 (art. 17) …
    refused_reason: str = ""             # … with how they refused (a reason alone also means refused)


@dataclass
class SessionEntry:
    started_at: datetime                 # local time, as typed
    place: str
    mediators: str
    attendees: str
    content: str
    kind: str = "调解"
    ended_at: datetime | None = None
    recorder: str = ""
    agreed: str = ""
    next_step: str = ""


@dataclass
class TermEntry:
    content: str
    manner: str
    deadline: str
    place: str


@dataclass
class AgreementEntry:
    form: str = WRITTEN                  # 书面协议 / 口头协议
    terms: Sequence[TermEntry] = ()
    dispute_points: str = ""
    responsibilities: str = ""
    oral_text: str = ""                  # what the mediator recorded of an oral agreement (art. 28)
    agreed_on: date | None = None


@dataclass
class FollowUpEntry:
    visited_on: date
    visitor: str
    reason: str
    performed: str
    satisfaction: str
    remaining_risk: str = ""
    notes: str = ""
    next_visit: date | None = None


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------

def _choice(value: str, allowed: Sequence[str], label: str) -> str:
    value = (value or "").strip()
    if value not in allowed:
        raise ValidationError(label, f"请选择{label}（{'、'.join(allowed)}）。")
    return value


def _age(record: Person, on: date) -> int | None:
    born = record.birth_date
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def clean_party(entry: PartyEntry, on: date, index: int) -> dict:
    label = f"第 {index} 位当事人"
    record = entry.record
    if not isinstance(record, (Person, Organisation)) or record.id is None or record.deleted_at is not None:
        raise ValidationError("当事人", f"{label}须从人员库或单位库中选取。")
    side = _choice(entry.side, SIDES, f"{label}的身份")
    person = isinstance(record, Person)
    age = entry.age if entry.age not in (None, "") else (_age(record, on) if person else None)
    if age is not None:
        try:
            age = int(age)
        except (TypeError, ValueError):
            raise ValidationError("年龄", f"{label}（{record.name}）的年龄应为整数。") from None
        if not 0 <= age <= 130:
            raise ValidationError("年龄", f"{label}（{record.name}）的年龄应在 0 到 130 之间。")
    gender = (entry.gender or (record.gender if person else "")).strip()
    if gender and gender not in GENDERS:
        raise ValidationError("性别", f"{label}（{record.name}）的性别应为“男”或“女”。")
    return {
        "side": side, "kind": "个人" if person else "单位", "party_uid": str(record.uid), "name": record.name,
        "id_number": (record.id_number if person else record.credit_code) or "",
        "gender": gender if person else "",
        "ethnicity": clean_text(entry.ethnicity or (record.ethnicity if person else ""), "民族", 16),
        "age": age if person else None,
        "occupation": clean_text(entry.occupation, "职业或职务", 64),
        "phone": clean_text(entry.phone or record.phone, "联系方式", 32),
        "address": clean_text(entry.address or record.address, "住址", 200),
        "representative": clean_text(entry.representative or ("" if person else record.legal_rep), "法定代表人", 64),
        "claims": clean_text(entry.claims, f"{record.name}的申请事项", 2000),
    }


def _mediators(usernames: Sequence[str]) -> list[str]:
    chosen = []
    for name in usernames:
        user = accounts.get_user(name)
        if user is None or not user.active:
            raise ValidationError("调解员", f"没有名为“{name}”的在用账户。")
        if not user.can(USE):
            raise ValidationError("调解员", f"{user.display_name}没有矛盾调解权限，不能指派为调解员。")
        if name not in chosen:
            chosen.append(name)
    return chosen


def clean_dispute(entry: DisputeEntry, today: date, source_fixed: str | None = None) -> tuple[dict, list[dict]]:
    """Validate a registration without writing anything: (dispute fields, party rows)."""
    accepted_on = entry.accepted_on or today
    if not isinstance(accepted_on, date) or isinstance(accepted_on, datetime):
        raise ValidationError("受理日期", "受理日期无效。")
    if accepted_on > today:
        raise ValidationError("受理日期", "受理日期不能晚于今天。")
    parties = [clean_party(p, accepted_on, i) for i, p in enumerate(entry.parties, 1)]
    if len(parties) < 2:
        raise ValidationError("当事人", "纠纷至少要有两方当事人。")
    sides = {p["side"] for p in parties}
    if sides != set(SIDES):
        raise ValidationError("当事人", "请至少登记一位申请人和一位被申请人。")
    seen = set()
    for p in parties:
        if p["party_uid"] in seen:
            raise ValidationError("当事人", f"“{p['name']}”重复登记了。")
        seen.add(p["party_uid"])
    if entry.refused and not (entry.refused_reason or "").strip():
        raise ValidationError("不予受理的理由", "请写明当事人拒绝调解的情况（谁、何时、如何表示拒绝）。")
    source = source_fixed or _choice(entry.source, SOURCES, "案件来源")
    if source_fixed is None and source in (GRID_SOURCE, PETITION_SOURCE):
        raise ValidationError("案件来源", f"“{source}”的案件由网格上报或信访转办生成，不能直接登记。")
    amount = None
    if entry.amount not in (None, ""):
        amount = parse_amount(entry.amount, "涉及金额")
    involved = entry.people_involved if entry.people_involved not in (None, "") else len(parties)
    try:
        involved = int(involved)
    except (TypeError, ValueError):
        raise ValidationError("涉及人数", "涉及人数应为整数。") from None
    if involved < len(parties) or involved > 100000:
        raise ValidationError("涉及人数", f"涉及人数不能少于当事人数（{len(parties)}）。")
    joint = list(dict.fromkeys(entry.joint))
    for body in joint:
        _choice(body, JOINT_BODIES, "联合调解单位")
    fields = {
        "accepted_on": accepted_on, "source": source,
        "dispute_type": codes.check(DISPUTE_TYPES, entry.dispute_type, "纠纷类型"),
        "facts": clean_text(entry.facts, "纠纷简要情况", 20000, required=True, min_len=10),
        "amount_cents": amount, "people_involved": involved,
        "village": clean_text(entry.village, "所在村（社区）", 64),
        "risk_colour": codes.check(RISK_COLOURS, entry.risk_colour, "风险等级", required=False),
        "channel": _choice(entry.channel, CHANNELS, "调解类型"), "joint": joint,
        "mediators": _mediators(entry.mediators),
        "close_reason": clean_text(entry.refused_reason, "不予受理的理由", 1000, min_len=4),
    }
    return fields, parties


# --------------------------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------------------------

def _local_today(now: datetime) -> date:
    return to_local(now).date()


def _create(actor: User, fields: dict, parties: list[dict], status: str, now: datetime) -> Dispute:
    number = numbering.next_number(PREFIX, day=_local_today(now))
    closed = status == REFUSED
    dispute = records.create(
        actor, Dispute, f"登记调解案件 {number}（{status}）", number=number, status=status,
        registrar=actor.display_name,
        due_on=None if closed or status == REFERRED else fields["accepted_on"] + timedelta(days=TIME_LIMIT_DAYS),
        closed_on=fields["accepted_on"] if closed else None, **fields)
    for position, party in enumerate(parties):
        DisputeParty.create(dispute=dispute, position=position, post=dispute.post, created_by=actor.username, **party)
    SEARCH.write(dispute)
    return dispute


def register(actor: User, entry: DisputeEntry, now: datetime | None = None) -> Dispute:
    """受理登记: numbered TJ-POST-YYYYMMDD-NNNN; 调解中 with its 30-day limit, or 不予受理 when a party refuses."""
    require(actor, USE)
    now = now or utcnow()
    fields, parties = clean_dispute(entry, _local_today(now))
    if not fields["close_reason"] and not fields["mediators"]:
        fields["mediators"] = [actor.username]
    with db.atomic():
        return _create(actor, fields, parties, REFUSED if fields["close_reason"] else MEDIATING, now)


def refer_from_grid(actor: User, finding_uid: str, entry: DisputeEntry, note: str = "",
                    now: datetime | None = None) -> Dispute:
    """A grid worker's finding handed to the mediation centre (source 网格上报): the dispute waits as
    待受理 until a mediator takes it on. The patrol area keeps the returned case's ``uid`` with its
    finding; the case keeps ``finding_uid`` (``origin_uid``) — both records are linked."""
    require(actor, REFER)
    now = now or utcnow()
    finding_uid = clean_text(finding_uid, "巡查发现", 36, required=True)
    entry = replace(entry, refused=False, refused_reason="", mediators=())   # the caller's entry stays as it was
    fields, parties = clean_dispute(entry, _local_today(now), source_fixed=GRID_SOURCE)
    fields.update(origin_kind="patrol", origin_uid=finding_uid, origin_note=clean_text(note, "上报说明", 200))
    with db.atomic():
        return _create(actor, fields, parties, REFERRED, now)


def disputes_from_finding(finding_uid: str) -> list[Dispute]:
    """The cases a grid finding became (for the patrol area's side of the link)."""
    return list(Dispute.live().where(Dispute.origin_kind == "patrol", Dispute.origin_uid == finding_uid))


# --------------------------------------------------------------------------------------------
# Who sees what
# --------------------------------------------------------------------------------------------

def _has_mediator(username: str):
    """The case's list of mediators holds `username`."""
    return json_list_holds(Dispute.mediators, username)


def visible(actor: User):
    """The disputes the actor may see (query)."""
    require(actor, USE)
    query = Dispute.live()
    if actor.can(ALL):
        return query
    return query.where(_has_mediator(actor.username) | (Dispute.created_by == actor.username)
                       | (Dispute.status == REFERRED))


def _may_see(actor: User, dispute: Dispute) -> bool:
    return (actor.can(ALL) or actor.username in dispute.mediators or dispute.created_by == actor.username
            or dispute.status == REFERRED)


def get_dispute(actor: User, number: str, audited: bool = True) -> Dispute:
    """Open a case by its number; opening is audited (parties' personal data)."""
    require(actor, USE)
    dispute = Dispute.live().where(Dispute.number == (number or "").strip().upper()).first()
    if dispute is None:
        raise ValidationError("案件编号", f"没有编号为 {number} 的调解案件。")
    if not _may_see(actor, dispute):
        raise PermissionDenied(f"案件 {dispute.number} 不是分配给您的案件。")
    if audited:
        audit.log(actor.username, "view_sensitive", f"查看调解案件 {dispute.number}", dispute)
    return dispute


def parties(dispute: Dispute) -> list[DisputeParty]:
    return list(dispute.parties.where(DisputeParty.deleted_at.is_null()).order_by(DisputeParty.position))


def terms(dispute: Dispute) -> list[AgreementTerm]:
    return list(dispute.terms.where(AgreementTerm.deleted_at.is_null()).order_by(AgreementTerm.position))


def sessions(dispute: Dispute) -> list[MediationSession]:
    return list(dispute.sessions.where(MediationSession.deleted_at.is_null())
                .order_by(MediationSession.started_at, MediationSession.id))


def follow_ups(dispute: Dispute) -> list[FollowUp]:
    return list(dispute.follow_ups.where(FollowUp.deleted_at.is_null()).order_by(FollowUp.visited_on, FollowUp.id))


# --------------------------------------------------------------------------------------------
# Work on a case
# --------------------------------------------------------------------------------------------

STEPS = {
    "take_on": "受理", "session": "记录笔录", "extend": "延期", "agreement": "调解成功", "terminate": "终止调解",
    "withdraw": "撤回", "follow_up": "回访", "confirmation": "司法确认",
}


def allowed_steps(dispute: Dispute) -> dict[str, str]:
    """Each step of STEPS → "" when the case can take it now, else why not (for a button's tooltip).
    The step functions below enforce the same rules."""
    status = dispute.status
    why = {}
    for step in STEPS:
        if step == "take_on":
            ok = status == REFERRED
        elif step in ("session", "agreement", "terminate"):
            ok = status == MEDIATING
        elif step == "extend":
            ok = status == MEDIATING and not dispute.extended_days
            if status == MEDIATING and dispute.extended_days:
                why[step] = f"已延期过一次（{dispute.extended_days} 天），不能再延期。"
                continue
        elif step == "withdraw":
            ok = status in (REFERRED, MEDIATING)
        elif step == "follow_up":
            ok = status == SUCCEEDED
        else:
            ok = status == SUCCEEDED and dispute.agreement_form == WRITTEN
            if status == SUCCEEDED and not ok:
                why[step] = "口头协议不能申请司法确认。"
                continue
        why[step] = "" if ok else f"案件当前为“{status}”，不能{STEPS[step]}。"
    return why


def _begin(actor: User, dispute: Dispute, action: str, allowed: Sequence[str]) -> Dispute:
    """The case as it is now in the database, if the actor may work on it and it can take `action`."""
    require(actor, USE)
    fresh = locked(Dispute.select().where(Dispute.id == dispute.id, Dispute.deleted_at.is_null())).first()
    if fresh is None:
        raise ValidationError("案件", f"案件 {dispute.number} 已不存在。")
    if not _may_see(actor, fresh):
        raise PermissionDenied(f"案件 {fresh.number} 不是分配给您的案件。")
    if fresh.status not in allowed:
        raise ValidationError("状态", f"案件 {fresh.number} 当前为“{fresh.status}”，不能{action}。")
    return fresh


def _day(value, label: str, today: date, not_before: date | None = None) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError(label, f"请填写{label}。")
    if value > today:
        raise ValidationError(label, f"{label}不能晚于今天。")
    if not_before and value < not_before:
        raise ValidationError(label, f"{label}不能早于{not_before:%Y年%m月%d日}。")
    return value


def take_on(actor: User, dispute: Dispute, mediators: Sequence[str] = (), accepted_on: date | None = None,
            now: datetime | None = None) -> Dispute:
    """A referral (待受理) is taken on: 调解中 from `accepted_on`, with its mediators (default: the actor)."""
    now = now or utcnow()
    with db.atomic():
        fresh = _begin(actor, dispute, "受理", (REFERRED,))
        today = _local_today(now)
        day = _day(accepted_on or today, "受理日期", today, fresh.accepted_on)   # not before the report
        chosen = _mediators(mediators) or [actor.username]
        fresh.status, fresh.accepted_on, fresh.mediators = MEDIATING, day, chosen
        fresh.due_on = day + timedelta(days=TIME_LIMIT_DAYS)
        fresh.save()
        audit.log(actor.username, "update", f"受理网格上报的调解案件 {fresh.number}", fresh)
    return fresh


def assign(actor: User, dispute: Dispute, mediators: Sequence[str]) -> Dispute:
    """Change who mediates (the centre's lead or the admin)."""
    require(actor, ALL)
    with db.atomic():
        fresh = _begin(actor, dispute, "指派调解员", (REFERRED, MEDIATING))
        chosen = _mediators(mediators)
        if not chosen:
            raise ValidationError("调解员", "请至少指派一名调解员。")
        records.update(actor, fresh, {"mediators": chosen}, f"调解案件 {fresh.number}", {"mediators": "调解员"})
    return fresh


def add_session(actor: User, dispute: Dispute, entry: SessionEntry, now: datetime | None = None) -> MediationSession:
    """调解记录 or 调查记录 of a running case."""
    now = now or utcnow()
    kind = _choice(entry.kind, SESSION_KINDS, "记录类型")
    if not isinstance(entry.started_at, datetime):
        raise ValidationError("开始时间", "请填写开始时间。")
    if entry.started_at > to_local(now) + timedelta(minutes=5):
        raise ValidationError("开始时间", "开始时间不能晚于现在。")
    if entry.ended_at is not None and entry.ended_at < entry.started_at:
        raise ValidationError("结束时间", "结束时间早于开始时间。")
    fields = {
        "kind": kind,
        "place": clean_text(entry.place, "地点", 100, required=True),
        "mediators": clean_text(entry.mediators, "调解人员", 200, required=True),
        "attendees": clean_text(entry.attendees, "参加人员", 400, required=True),
        "recorder": clean_text(entry.recorder or actor.display_name, "记录人", 64, required=True),
        "content": clean_text(entry.content, "记录内容", 20000, required=True, min_len=10),
        "agreed": clean_text(entry.agreed, "达成的共识", 5000),
        "next_step": clean_text(entry.next_step, "下一步安排", 400),
    }
    with db.atomic():
        fresh = _begin(actor, dispute, f"记录{kind}", (MEDIATING,))
        if entry.started_at.date() < fresh.accepted_on:
            raise ValidationError("开始时间", f"开始时间早于受理日期（{fresh.accepted_on:%Y年%m月%d日}）。")
        started = to_utc(entry.started_at)
        ended = to_utc(entry.ended_at) if entry.ended_at else None
        session = MediationSession.create(dispute=fresh, started_at=started, ended_at=ended, post=fresh.post,
                                          created_by=actor.username, **fields)
        audit.log(actor.username, "create", f"调解案件 {fresh.number} 新增{kind}记录", session)
    return session


def extend(actor: User, dispute: Dispute, days: int, consent: str, now: datetime | None = None) -> Dispute:
    """One extension of up to 30 days, with both parties' consent recorded."""
    now = now or utcnow()
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError("延长天数", "延长天数应为整数。") from None
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError("延长天数", f"只能延长 1 到 {MAX_EXTENSION_DAYS} 天。")
    consent = clean_text(consent, "双方当事人同意延期的情况", 1000, required=True, min_len=6)
    with db.atomic():
        fresh = _begin(actor, dispute, "延期", (MEDIATING,))
        if fresh.extended_days:
            raise ValidationError("延长天数", f"案件 {fresh.number} 已经延期过一次（{fresh.extended_days} 天），不能再延期。")
        fresh.extended_days, fresh.extension_consent = days, consent
        fresh.due_on = fresh.due_on + timedelta(days=days)
        fresh.save()
        audit.log(actor.username, "update", f"调解案件 {fresh.number} 经双方同意延期 {days} 天，至 {fresh.due_on}", fresh)
    return fresh


def _close_day(value: date | None, fresh: Dispute, now: datetime, label: str) -> date:
    return _day(value or _local_today(now), label, _local_today(now), fresh.accepted_on)


def record_agreement(actor: User, dispute: Dispute, entry: AgreementEntry, now: datetime | None = None) -> Dispute:
    """调解成功: a written agreement (numbered terms, each with manner, deadline and place of performance;
    司法确认 may be applied for within 30 days) or an oral one the mediator records (art. 28)."""
    now = now or utcnow()
    form = _choice(entry.form, (WRITTEN, ORAL), "协议形式")
    rows = []
    if form == WRITTEN:
        if not entry.terms:
            raise ValidationError("协议条款", "书面协议至少要有一条协议内容。")
        for i, term in enumerate(entry.terms, 1):
            rows.append({
                "content": clean_text(term.content, f"第 {i} 条协议内容", 2000, required=True, min_len=4),
                "manner": clean_text(term.manner, f"第 {i} 条的履行方式", 200, required=True),
                "deadline": clean_text(term.deadline, f"第 {i} 条的履行期限", 100, required=True),
                "place": clean_text(term.place, f"第 {i} 条的履行地点", 200, required=True),
            })
        points = clean_text(entry.dispute_points, "争议事项", 5000, required=True, min_len=4)
        duties = clean_text(entry.responsibilities, "各方责任", 5000, required=True, min_len=4)
        oral = ""
    else:
        oral = clean_text(entry.oral_text, "口头协议内容", 5000, required=True, min_len=10)
        points = clean_text(entry.dispute_points, "争议事项", 5000)
        duties = clean_text(entry.responsibilities, "各方责任", 5000)
    with db.atomic():
        fresh = _begin(actor, dispute, "记录调解协议", (MEDIATING,))
        agreed_on = _close_day(entry.agreed_on, fresh, now, "协议日期")
        for position, row in enumerate(rows):
            AgreementTerm.create(dispute=fresh, position=position, post=fresh.post, created_by=actor.username, **row)
        fresh.status, fresh.closed_on, fresh.agreed_on = SUCCEEDED, agreed_on, agreed_on
        fresh.agreement_form, fresh.dispute_points, fresh.responsibilities, fresh.oral_agreement = form, points, duties, oral
        fresh.agreement_number = fresh.number.replace(f"{PREFIX}-", "XY-", 1) if form == WRITTEN else ""
        fresh.confirmation_due = agreed_on + timedelta(days=CONFIRMATION_DAYS) if form == WRITTEN else None
        fresh.follow_up_due = agreed_on + timedelta(days=FIRST_FOLLOW_UP_DAYS)
        fresh.due_on = None
        fresh.save()
        SEARCH.write(fresh)
        audit.log(actor.username, "update", f"调解案件 {fresh.number} 调解成功（{form}"
                  + (f"，{len(rows)} 条" if rows else "") + "）", fresh)
    return fresh


def terminate(actor: User, dispute: Dispute, reason: str, routes: Sequence[str], on: date | None = None,
              now: datetime | None = None) -> Dispute:
    """调解不成 → 终止调解, telling the parties the routes still open to them."""
    now = now or utcnow()
    reason = clean_text(reason, "终止调解的原因", 1000, required=True, min_len=4)
    told = list(dict.fromkeys(routes))
    if not told:
        raise ValidationError("告知途径", "请选择已告知当事人的途径（仲裁、行政、诉讼）。")
    for route in told:
        _choice(route, ROUTES, "告知途径")
    with db.atomic():
        fresh = _begin(actor, dispute, "终止调解", (MEDIATING,))
        fresh.closed_on = _close_day(on, fresh, now, "终止日期")
        fresh.status, fresh.close_reason, fresh.routes, fresh.due_on = TERMINATED, reason, told, None
        fresh.save()
        audit.log(actor.username, "update", f"调解案件 {fresh.number} 调解不成，终止调解：{reason}", fresh)
    return fresh


def withdraw(actor: User, dispute: Dispute, reason: str, on: date | None = None, now: datetime | None = None) -> Dispute:
    """撤回: the applicant withdraws (also a referral nobody has taken on yet)."""
    now = now or utcnow()
    reason = clean_text(reason, "撤回原因", 1000, required=True, min_len=2)
    with db.atomic():
        fresh = _begin(actor, dispute, "撤回", (REFERRED, MEDIATING))
        fresh.closed_on = _close_day(on, fresh, now, "撤回日期")
        fresh.status, fresh.close_reason, fresh.due_on = WITHDRAWN, reason, None
        fresh.save()
        audit.log(actor.username, "update", f"调解案件 {fresh.number} 撤回：{reason}", fresh)
    return fresh


def record_confirmation(actor: User, dispute: Dispute, result: str) -> Dispute:
    """司法确认的结果 for a written agreement."""
    result = clean_text(result, "司法确认结果", 1000, required=True, min_len=4)
    with db.atomic():
        fresh = _begin(actor, dispute, "记录司法确认", (SUCCEEDED,))
        if fresh.agreement_form != WRITTEN:
            raise ValidationError("司法确认结果", f"案件 {fresh.number} 是口头协议，不能申请司法确认。")
        records.update(actor, fresh, {"confirmation_result": result}, f"调解案件 {fresh.number}",
                       {"confirmation_result": "司法确认结果"})
    return fresh


def add_follow_up(actor: User, dispute: Dispute, entry: FollowUpEntry, now: datetime | None = None) -> FollowUp:
    """回访: was the agreement performed, are the parties satisfied, what risk remains; the next visit is
    due on `next_visit`, and none is due once it has been fully performed with no next visit set."""
    now = now or utcnow()
    today = _local_today(now)
    fields = {
        "visitor": clean_text(entry.visitor or actor.display_name, "回访人", 64, required=True),
        "reason": clean_text(entry.reason, "回访事由", 200, required=True),
        "performed": _choice(entry.performed, PERFORMANCE, "履行情况"),
        "satisfaction": _choice(entry.satisfaction, SATISFACTION, "当事人满意度"),
        "remaining_risk": clean_text(entry.remaining_risk, "遗留风险", 400),
        "notes": clean_text(entry.notes, "回访情况", 5000),
    }
    with db.atomic():
        fresh = _begin(actor, dispute, "回访", (SUCCEEDED,))
        visited = _day(entry.visited_on, "回访日期", today, fresh.closed_on)
        nxt = entry.next_visit
        if nxt is not None and (not isinstance(nxt, date) or nxt <= visited):
            raise ValidationError("下次回访日期", "下次回访日期应晚于本次回访日期。")
        if nxt is None and fields["performed"] != "全部履行":
            raise ValidationError("下次回访日期", "协议尚未全部履行，请定下次回访日期。")
        visit = FollowUp.create(dispute=fresh, visited_on=visited, next_visit=nxt, post=fresh.post,
                                created_by=actor.username, **fields)
        fresh.follow_up_due = nxt
        fresh.save()
        audit.log(actor.username, "create", f"调解案件 {fresh.number} 回访：{fields['performed']}，{fields['satisfaction']}",
                  visit)
    return visit


# --------------------------------------------------------------------------------------------
# Deadlines and the lists that watch them
# --------------------------------------------------------------------------------------------

def deadline(dispute: Dispute, today: date) -> tuple[int | None, str]:
    """(days left, state) of a running mediation (calendar days: 一个月内调结)."""
    if dispute.status != MEDIATING or dispute.due_on is None:
        return None, NO_DEADLINE
    left = (dispute.due_on - today).days
    return left, state_of(dispute.due_on, today, max(left, 0), DUE_SOON_DAYS)


def due_soon(actor: User, today: date) -> list[Dispute]:
    """即将到期 and overdue mediations, the most urgent first."""
    return list(visible(actor).where(Dispute.status == MEDIATING,
                                     Dispute.due_on <= today + timedelta(days=DUE_SOON_DAYS))
                .order_by(Dispute.due_on, Dispute.id))


def follow_ups_due(actor: User, today: date) -> list[Dispute]:
    """Agreements whose next 回访 is due by today."""
    return list(visible(actor).where(Dispute.status == SUCCEEDED, Dispute.follow_up_due <= today)
                .order_by(Dispute.follow_up_due, Dispute.id))


def confirmations_open(actor: User, today: date) -> list[Dispute]:
    """Written agreements still inside their 30 days for 司法确认, with no result recorded."""
    return list(visible(actor).where(Dispute.status == SUCCEEDED, Dispute.agreement_form == WRITTEN,
                                     Dispute.confirmation_due >= today, Dispute.confirmation_result == "")
                .order_by(Dispute.confirmation_due, Dispute.id))


def referrals(actor: User) -> list[Dispute]:
    return list(visible(actor).where(Dispute.status == REFERRED).order_by(Dispute.id))


# --------------------------------------------------------------------------------------------
# Search and lists
# --------------------------------------------------------------------------------------------

def _dispute_texts(get) -> tuple[str, str]:
    rows = DisputeParty.select(DisputeParty.name, DisputeParty.phone, DisputeParty.id_number).where(
        DisputeParty.dispute == get("id"), DisputeParty.deleted_at.is_null())
    names = " ".join(f"{p.name} {p.phone}".strip() for p in rows)
    text = " ".join(filter(None, (get("number"), get("agreement_number"), names, get("dispute_type"), get("village"))))
    return text, " ".join(p.id_number for p in rows if p.id_number)


SEARCH = SearchIndex(
    "dispute_search", Dispute, _dispute_texts,
    lambda n: Dispute.id.in_(DisputeParty.select(DisputeParty.dispute).where(DisputeParty.id_number == n)),
    (Dispute.number, Dispute.agreement_number), hint="请输入案件编号、当事人姓名、证件号码或电话。")


@dataclass
class DisputeFilter:
    text: str = ""
    statuses: tuple[str, ...] = ()
    dispute_type: str = ""
    source: str = ""
    risk_colour: str = ""
    date_from: date | None = None
    date_to: date | None = None
    mine: bool = False
    extra: dict = field(default_factory=dict)


def _filtered(actor: User, flt: DisputeFilter):
    query = visible(actor)
    for status in flt.statuses:
        _choice(status, STATUSES, "状态")
    if flt.statuses:
        query = query.where(Dispute.status.in_(flt.statuses))
    if flt.dispute_type:
        query = query.where(Dispute.dispute_type == flt.dispute_type)
    if flt.source:
        query = query.where(Dispute.source == flt.source)
    if flt.risk_colour:
        query = query.where(Dispute.risk_colour == flt.risk_colour)
    query = within(query, Dispute.accepted_on, flt.date_from, flt.date_to, "受理日期")
    if flt.mine:
        query = query.where(_has_mediator(actor.username))
    if flt.text.strip():
        query = query.where(SEARCH.condition(actor, flt.text))
    return query


def list_disputes(actor: User, flt: DisputeFilter, before_id: int | None = None, limit: int = 100) -> list[Dispute]:
    """One page, newest first (keyset paging, like the hall's cases)."""
    if flt.text.strip() and flt == DisputeFilter(text=flt.text) and actor.can(FULL_ID_PERMISSION):
        return SEARCH.page(actor, flt.text, before_id, limit, base=visible(actor))
    return keyset_page(_filtered(actor, flt), Dispute, before_id, limit)


def count_disputes(actor: User, flt: DisputeFilter, cap: int | None = None) -> int:
    return capped_count(_filtered(actor, flt), Dispute, cap)

