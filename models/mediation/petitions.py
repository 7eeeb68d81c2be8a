"""信访: the petition register (XF-POST-YYYYMMDD-NNNN) and the centre's risk-assessment meetings (风险研判会).

A petition is registered (来访 / 来信 / 网上 / 电话, with how many came: the seed counts both cases and
visitor person-times), assigned to a department with a reply deadline, replied to, and closed with its
result and the petitioner's satisfaction. One that is really a dispute is turned into a dispute case
(source 信访转入), both records linked.

A risk meeting records who met, the cases it assessed (each with a risk colour and an opinion) and the
decisions taken — who is responsible, by when; a decision stays on the open list until marked done.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Sequence

from models import audit, codes, numbering, records
from models.accounts import User, require
from models.db import db, locked, to_local, to_utc, utcnow
from models.deadlines import NO_DEADLINE, state_of
from models.errors import ValidationError
from models.mediation import disputes
from models.mediation.disputes import PETITION_SOURCE, USE, DisputeEntry, PartyEntry
from models.mediation.tables import (
    ASSIGNED, MEDIATING, PETITION_CLOSED, PETITION_FORMS, PETITION_REPLY_DAYS, REGISTERED, REPLIED, RISK_COLOURS,
    SATISFACTION, Dispute, Petition, PetitionReply, Petitioner, RiskAssessment, RiskDecision, RiskMeeting,
)
from models.people import Organisation, Person
from models.search import SearchIndex, capped_count, keyset_page
from models.validators import clean_text

PREFIX = "XF"
DUE_SOON_DAYS = 7


@dataclass
class PetitionEntry:
    petitioners: Sequence[Person | Organisation]
    matter: str
    form: str = "来访"
    visitors: int | None = None          # default: the number of petitioners (one for a letter or a call)
    request: str = ""
    received_at: datetime | None = None  # local time; default now
    department: str = ""
    reply_days: int = PETITION_REPLY_DAYS


def _local_now(now: datetime) -> datetime:
    return to_local(now)


def clean_petition(entry: PetitionEntry, now_local: datetime) -> tuple[dict, list[dict]]:
    form = (entry.form or "").strip()
    if form not in PETITION_FORMS:
        raise ValidationError("信访形式", f"请选择信访形式（{'、'.join(PETITION_FORMS)}）。")
    received = entry.received_at or now_local
    if not isinstance(received, datetime):
        raise ValidationError("登记时间", "请填写登记时间。")
    if received > now_local + timedelta(minutes=5):
        raise ValidationError("登记时间", "登记时间不能晚于现在。")
    people = []
    for i, record in enumerate(entry.petitioners, 1):
        if not isinstance(record, (Person, Organisation)) or record.id is None or record.deleted_at is not None:
            raise ValidationError("信访人", f"第 {i} 位信访人须从人员库或单位库中选取。")
        person = isinstance(record, Person)
        people.append({"kind": "个人" if person else "单位", "party_uid": str(record.uid), "name": record.name,
                       "id_number": (record.id_number if person else record.credit_code) or "",
                       "phone": record.phone or "", "address": record.address or ""})
    if not people:
        raise ValidationError("信访人", "请至少登记一位信访人。")
    if len({p["party_uid"] for p in people}) != len(people):
        raise ValidationError("信访人", "同一位信访人重复登记了。")
    visitors = entry.visitors if entry.visitors not in (None, "") else (len(people) if form == "来访" else 1)
    try:
        visitors = int(visitors)
    except (TypeError, ValueError):
        raise ValidationError("来访人数", "来访人数应为整数。") from None
    if not 1 <= visitors <= 1000:
        raise ValidationError("来访人数", "来访人数应在 1 到 1000 之间。")
    try:
        reply_days = int(entry.reply_days)
    except (TypeError, ValueError):
        raise ValidationError("答复期限", "答复期限应为天数。") from None
    if not 1 <= reply_days <= 90:
        raise ValidationError("答复期限", "答复期限应在 1 到 90 天之间。")
    department = clean_text(entry.department, "承办单位", 64)
    fields = {
        "form": form, "visitors": visitors, "received_at": to_utc(received), "received_on": received.date(),
        "matter": clean_text(entry.matter, "信访事项", 5000, required=True, min_len=6),
        "request": clean_text(entry.request, "信访诉求", 5000),
        "department": department, "reply_due": received.date() + timedelta(days=reply_days),
        "status": ASSIGNED if department else REGISTERED,
    }
    return fields, people


def register(actor: User, entry: PetitionEntry, now: datetime | None = None) -> Petition:
    require(actor, USE)
    now = now or utcnow()
    fields, people = clean_petition(entry, _local_now(now))
    with db.atomic():
        number = numbering.next_number(PREFIX, day=fields["received_on"])
        petition = records.create(actor, Petition, f"登记信访 {number}（{fields['form']}，{fields['visitors']} 人）",
                                  number=number, registrar=actor.display_name, **fields)
        for position, person in enumerate(people):
            Petitioner.create(petition=petition, position=position, post=petition.post, created_by=actor.username,
                              **person)
        SEARCH.write(petition)
    return petition


def _fresh(actor: User, petition: Petition, action: str, allowed: Sequence[str]) -> Petition:
    require(actor, USE)
    fresh = locked(Petition.select().where(Petition.id == petition.id, Petition.deleted_at.is_null())).first()
    if fresh is None:
        raise ValidationError("信访", f"信访 {petition.number} 已不存在。")
    if fresh.status not in allowed:
        raise ValidationError("状态", f"信访 {fresh.number} 当前为“{fresh.status}”，不能{action}。")
    return fresh


def assign(actor: User, petition: Petition, department: str) -> Petition:
    department = clean_text(department, "承办单位", 64, required=True)
    with db.atomic():
        fresh = _fresh(actor, petition, "交办", (REGISTERED, ASSIGNED))
        fresh.department, fresh.status = department, ASSIGNED
        fresh.save()
        audit.log(actor.username, "update", f"信访 {fresh.number} 交办{department}", fresh)
    return fresh


def reply(actor: User, petition: Petition, content: str, replied_on: date | None = None,
          now: datetime | None = None) -> PetitionReply:
    now = now or utcnow()
    today = _local_now(now).date()
    content = clean_text(content, "答复内容", 5000, required=True, min_len=6)
    day = replied_on or today
    with db.atomic():
        fresh = _fresh(actor, petition, "答复", (REGISTERED, ASSIGNED, REPLIED))
        if not isinstance(day, date) or day > today or day < fresh.received_on:
            raise ValidationError("答复日期", "答复日期应在登记日期和今天之间。")
        answer = PetitionReply.create(petition=fresh, replied_on=day, replied_by=actor.display_name, content=content,
                                      post=fresh.post, created_by=actor.username)
        fresh.status = REPLIED
        fresh.save()
        audit.log(actor.username, "create", f"信访 {fresh.number} 答复", answer)
    return answer


def close(actor: User, petition: Petition, result: str, satisfaction: str, on: date | None = None,
          now: datetime | None = None) -> Petition:
    now = now or utcnow()
    today = _local_now(now).date()
    result = clean_text(result, "办理结果", 5000, required=True, min_len=4)
    if satisfaction not in SATISFACTION:
        raise ValidationError("信访人满意度", f"请选择信访人满意度（{'、'.join(SATISFACTION)}）。")
    with db.atomic():
        fresh = _fresh(actor, petition, "办结", (REPLIED,))
        day = on or today
        if not isinstance(day, date) or day > today or day < fresh.received_on:
            raise ValidationError("办结日期", "办结日期应在登记日期和今天之间。")
        fresh.status, fresh.result, fresh.satisfaction, fresh.closed_on = PETITION_CLOSED, result, satisfaction, day
        fresh.save()
        audit.log(actor.username, "update", f"信访 {fresh.number} 办结（{satisfaction}）", fresh)
    return fresh


def to_dispute(actor: User, petition: Petition, entry: DisputeEntry, now: datetime | None = None) -> Dispute:
    """Turn a petition into a dispute case (source 信访转入); both keep the other's uid."""
    now = now or utcnow()
    entry = replace(entry, refused=False, refused_reason="")   # the caller's entry stays as it was
    with db.atomic():
        fresh = _fresh(actor, petition, "转为调解案件", (REGISTERED, ASSIGNED, REPLIED))
        if fresh.dispute_uid:
            raise ValidationError("信访", f"信访 {fresh.number} 已经转为调解案件。")
        fields, parties = disputes.clean_dispute(entry, _local_now(now).date(), source_fixed=PETITION_SOURCE)
        if not fields["mediators"]:
            fields["mediators"] = [actor.username]
        fields.update(origin_kind="petition", origin_uid=str(fresh.uid), origin_note=f"由信访 {fresh.number} 转入")
        dispute = disputes._create(actor, fields, parties, MEDIATING, now)
        fresh.dispute_uid = str(dispute.uid)
        fresh.save()
        audit.log(actor.username, "update", f"信访 {fresh.number} 转为调解案件 {dispute.number}", fresh)
    return dispute


def dispute_of(petition: Petition) -> Dispute | None:
    if not petition.dispute_uid:
        return None
    return Dispute.live().where(Dispute.uid == petition.dispute_uid).first()


def petitioners(petition: Petition) -> list[Petitioner]:
    return list(petition.petitioners.where(Petitioner.deleted_at.is_null()).order_by(Petitioner.position))


def replies(petition: Petition) -> list[PetitionReply]:
    return list(petition.replies.where(PetitionReply.deleted_at.is_null())
                .order_by(PetitionReply.replied_on, PetitionReply.id))


def party_entries(petition: Petition) -> list[PartyEntry]:
    """The petitioners as applicants of a dispute case (the form adds the other side)."""
    entries = []
    for p in petitioners(petition):
        model = Person if p.kind == "个人" else Organisation
        record = model.live().where(model.uid == p.party_uid).first()
        if record is not None:
            entries.append(PartyEntry(record, "申请人"))
    return entries


def deadline(petition: Petition, today: date) -> tuple[int | None, str]:
    """(days left, state) until the reply is due, while no reply has been given."""
    if petition.status not in (REGISTERED, ASSIGNED) or petition.reply_due is None:
        return None, NO_DEADLINE
    left = (petition.reply_due - today).days
    return left, state_of(petition.reply_due, today, max(left, 0), DUE_SOON_DAYS)


def replies_due(actor: User, today: date) -> list[Petition]:
    require(actor, USE)
    return list(Petition.live().where(Petition.status.in_((REGISTERED, ASSIGNED)),
                                      Petition.reply_due <= today + timedelta(days=DUE_SOON_DAYS))
                .order_by(Petition.reply_due, Petition.id))


def get_petition(actor: User, number: str) -> Petition:
    require(actor, USE)
    petition = Petition.live().where(Petition.number == (number or "").strip().upper()).first()
    if petition is None:
        raise ValidationError("信访编号", f"没有编号为 {number} 的信访。")
    audit.log(actor.username, "view_sensitive", f"查看信访 {petition.number}", petition)
    return petition


def _petition_texts(get) -> tuple[str, str]:
    rows = Petitioner.select(Petitioner.name, Petitioner.phone, Petitioner.id_number).where(
        Petitioner.petition == get("id"), Petitioner.deleted_at.is_null())
    names = " ".join(f"{p.name} {p.phone}".strip() for p in rows)
    return (" ".join(filter(None, (get("number"), names, get("department"), get("form")))),
            " ".join(p.id_number for p in rows if p.id_number))


SEARCH = SearchIndex(
    "petition_search", Petition, _petition_texts,
    lambda n: Petition.id.in_(Petitioner.select(Petitioner.petition).where(Petitioner.id_number == n)),
    (Petition.number,), hint="请输入信访编号、信访人姓名、证件号码或电话。")


def list_petitions(actor: User, text: str = "", statuses: Sequence[str] = (), before_id: int | None = None,
                   limit: int = 100) -> list[Petition]:
    require(actor, USE)
    query = Petition.live()
    if statuses:
        query = query.where(Petition.status.in_(tuple(statuses)))
    if text.strip():
        query = query.where(SEARCH.condition(actor, text))
    return keyset_page(query, Petition, before_id, limit)


def count_petitions(actor: User, text: str = "", statuses: Sequence[str] = (), cap: int | None = None) -> int:
    require(actor, USE)
    query = Petition.live()
    if statuses:
        query = query.where(Petition.status.in_(tuple(statuses)))
    if text.strip():
        query = query.where(SEARCH.condition(actor, text))
    return capped_count(query, Petition, cap)


# --------------------------------------------------------------------------------------------
# Risk-assessment meetings
# --------------------------------------------------------------------------------------------

@dataclass
class AssessmentEntry:
    risk_colour: str
    opinion: str
    dispute: Dispute | None = None
    petition: Petition | None = None


@dataclass
class DecisionEntry:
    content: str
    responsible: str
    due_on: date | None = None


@dataclass
class MeetingEntry:
    held_on: date
    chair: str
    attendees: str
    place: str = ""
    minutes: str = ""
    assessments: Sequence[AssessmentEntry] = ()
    decisions: Sequence[DecisionEntry] = ()


def hold_meeting(actor: User, entry: MeetingEntry, now: datetime | None = None) -> RiskMeeting:
    """Record a 风险研判会 with the cases it assessed and the decisions it took."""
    require(actor, USE)
    now = now or utcnow()
    today = _local_now(now).date()
    if not isinstance(entry.held_on, date) or entry.held_on > today:
        raise ValidationError("会议日期", "会议日期不能为空，也不能晚于今天。")
    fields = {"held_on": entry.held_on, "chair": clean_text(entry.chair, "主持人", 64, required=True),
              "attendees": clean_text(entry.attendees, "参会人员", 400, required=True),
              "place": clean_text(entry.place, "会议地点", 100), "minutes": clean_text(entry.minutes, "会议纪要", 10000)}
    assessed = []
    for i, item in enumerate(entry.assessments, 1):
        if (item.dispute is None) == (item.petition is None):
            raise ValidationError("研判案件", f"第 {i} 项研判须对应一件调解案件或一件信访。")
        assessed.append({"dispute": item.dispute, "petition": item.petition,
                         "risk_colour": codes.check(RISK_COLOURS, item.risk_colour, f"第 {i} 项的风险等级"),
                         "opinion": clean_text(item.opinion, f"第 {i} 项的研判意见", 2000, required=True, min_len=4)})
    decided = []
    for i, item in enumerate(entry.decisions, 1):
        if item.due_on is not None and (not isinstance(item.due_on, date) or item.due_on < entry.held_on):
            raise ValidationError("完成时限", f"第 {i} 项决定的完成时限早于会议日期。")
        decided.append({"content": clean_text(item.content, f"第 {i} 项决定", 2000, required=True, min_len=4),
                        "responsible": clean_text(item.responsible, f"第 {i} 项决定的责任人", 64, required=True),
                        "due_on": item.due_on})
    if not assessed and not decided:
        raise ValidationError("研判案件", "请至少登记一项研判案件或一项会议决定。")
    with db.atomic():
        meeting = records.create(actor, RiskMeeting, f"风险研判会（{entry.held_on:%Y-%m-%d}，{len(assessed)} 件，"
                                 f"{len(decided)} 项决定）", **fields)
        for row in assessed:
            RiskAssessment.create(meeting=meeting, post=meeting.post, created_by=actor.username, **row)
            target = row["dispute"] and Dispute.get_by_id(row["dispute"].id)   # as it is now, not a stale copy
            if target is not None and target.status == MEDIATING and target.risk_colour != row["risk_colour"]:
                records.update(actor, target, {"risk_colour": row["risk_colour"]},
                               f"调解案件 {target.number}（风险研判会）", {"risk_colour": "风险等级"})
        for row in decided:
            RiskDecision.create(meeting=meeting, post=meeting.post, created_by=actor.username, **row)
    return meeting


def open_decisions(actor: User) -> list[RiskDecision]:
    require(actor, USE)
    return list(RiskDecision.live().where(RiskDecision.done_on.is_null())
                .order_by(RiskDecision.due_on.asc(nulls="LAST"), RiskDecision.id))


def finish_decision(actor: User, decision: RiskDecision, note: str, on: date | None = None,
                    now: datetime | None = None) -> RiskDecision:
    require(actor, USE)
    now = now or utcnow()
    today = _local_now(now).date()
    note = clean_text(note, "落实情况", 2000, required=True, min_len=4)
    with db.atomic():
        fresh = RiskDecision.get_by_id(decision.id)
        if fresh.done_on is not None:
            raise ValidationError("落实情况", "这项决定已经落实。")
        day = on or today
        if not isinstance(day, date) or day > today or day < fresh.meeting.held_on:
            raise ValidationError("落实日期", "落实日期应在会议日期和今天之间。")
        fresh.done_on, fresh.done_note = day, note
        fresh.save()
        audit.log(actor.username, "update", f"风险研判会决定落实：{note}", fresh)
    return fresh


def meetings(actor: User, year: int | None = None) -> list[RiskMeeting]:
    require(actor, USE)
    query = RiskMeeting.live()
    if year:
        query = query.where(RiskMeeting.held_on.between(date(year, 1, 1), date(year, 12, 31)))
    return list(query.order_by(RiskMeeting.held_on.desc(), RiskMeeting.id.desc()))
