"""办件: intake at the window (受理 / 补正 / 不予受理), the life of a case, fees, ratings and the lists.

Life of a case::

    收件 ─┬─ 受理 ──────────► 已受理 ─► 办理中 ─► 已办结 (准予/不予) ─► 已出件
          ├─ 补正 ─► 待补正 ─(材料补齐)─► 已受理
          └─ 不予受理
    待补正 / 已受理 / 办理中 ─(申请人撤回)─► 已撤回

Every step runs in one transaction that re-reads the case (another window may have moved it),
refuses an impossible step with a message naming the case and its status, writes a ``CaseEvent``
and an audit line.  Numbers come from ``numbering`` inside the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation


from models import audit, numbering, records
from models.accounts import User, require
from models.db import db, locked, to_local, utcnow
from models.deadlines import DUE_SOON, DUE_TODAY, NO_DEADLINE, ON_TIME, OVERDUE, state_of  # noqa: F401 (re-exported)
from models.errors import ValidationError
from models.hall.calendar import work_calendar
from models.hall.catalogue import IMMEDIATE
from models.hall.tables import (
    ACCEPTED, BAD_RATING, CHANNELS, CHECKED, COMPLETED, CORRECTION, DECISIONS, DELIVERED, DELIVERIES,
    FINISHED_STATUSES, GRANTED, MISSING, OPEN_STATUSES, PROCESSING, RATING_LEVELS, RECEIVED, RECTIFY_WORKDAYS,
    REFUSED, REJECTED, STATUSES, WITHDRAWN, CaseEvent, CatalogueMatter, FeePaymentRecord, Rating, ServiceCase,
)
from models.hall.workdays import WorkCalendar
from models.people import RESIDENT_ID, Organisation, Person
from models.validators import clean_text
from models.search import FULL_ID_PERMISSION, SearchIndex, capped_count, keyset_page, within

CASE_PREFIX = "SL"
FEE_PREFIX = "SF"
PERMISSION = "hall.use"
CREDIT_CODE = "统一社会信用代码"
PAYMENT_METHODS = ("现金", "微信", "支付宝", "银行卡")
MAX_FEE_CENTS = 99_999_999_99
DUE_SOON_WORKDAYS = 2

ACCEPT, CORRECT, REJECT = "受理", "补正", "不予受理"
OUTCOMES = (ACCEPT, CORRECT, REJECT)


# --------------------------------------------------------------------------------------------
# Intake
# --------------------------------------------------------------------------------------------

@dataclass
class Intake:
    """What the clerk entered at the counter. ``materials``: material name → state (已收取 / 核验退还 / 缺)."""

    matter: CatalogueMatter | None
    applicant: Person | Organisation | None
    outcome: str = ACCEPT
    agent: Person | None = None
    channel: str = "窗口"
    delivery: str = "自取"
    delivery_address: str = ""
    materials: dict[str, str] = field(default_factory=dict)
    notes: str = ""
    reason: str = ""              # 补正说明 or 不予受理理由
    remedies: str = ""            # 不予受理: the applicant's remedies (default wording when blank)
    complete_now: bool = False    # 即办件: accept and finish in one step
    result_ref: str = ""          # 即办件 finished now: 结果文书/证照编号
    result_note: str = ""


def _local_day(moment: datetime) -> date:
    return to_local(moment).date()


_text = clean_text


def _materials(matter: CatalogueMatter, given: dict[str, str]) -> list[dict]:
    names = [m["name"] for m in matter.materials]
    unknown = [name for name in given if name not in names]
    if unknown:
        raise ValidationError("申请材料", f"“{unknown[0]}”不是事项“{matter.name}”的申请材料。")
    result = []
    for item in matter.materials:
        state = given.get(item["name"], MISSING)
        if state not in (RECEIVED, CHECKED, MISSING):
            raise ValidationError("申请材料", f"材料“{item['name']}”的状态“{state}”无效。")
        result.append({**item, "state": state})
    return result


def _applicant_fields(applicant) -> dict:
    if isinstance(applicant, Person):
        return {"applicant_kind": "个人", "applicant_uid": str(applicant.uid), "applicant_name": applicant.name,
                "applicant_id_type": applicant.id_type or RESIDENT_ID,
                "applicant_id_number": applicant.id_number or "", "applicant_phone": applicant.phone or "",
                "applicant_address": applicant.address or ""}
    return {"applicant_kind": "单位", "applicant_uid": str(applicant.uid), "applicant_name": applicant.name,
            "applicant_id_type": CREDIT_CODE, "applicant_id_number": applicant.credit_code or "",
            "applicant_phone": applicant.phone or "", "applicant_address": applicant.address or ""}


def clean_intake(intake: Intake) -> dict:
    """Check everything the clerk entered; the case's stored fields (without number and times)."""
    matter = intake.matter
    if matter is None:
        raise ValidationError("办理事项", "请选择办理事项。")
    if not matter.active or matter.deleted_at is not None:
        raise ValidationError("办理事项", f"事项“{matter.name}”已停用，不能受理。")
    if intake.applicant is None:
        raise ValidationError("申请人", "请选择或登记申请人。")
    if intake.applicant.deleted_at is not None:
        raise ValidationError("申请人", "该申请人记录已删除，请重新选择。")
    if intake.outcome not in OUTCOMES:
        raise ValidationError("受理结果", f"受理结果应为 {'、'.join(OUTCOMES)} 之一。")
    if intake.channel not in CHANNELS:
        raise ValidationError("受理渠道", f"受理渠道应为 {'、'.join(CHANNELS)} 之一。")
    agent = intake.agent
    if agent is not None:
        if agent.deleted_at is not None:
            raise ValidationError("代办人", "该代办人记录已删除，请重新选择。")
        if isinstance(intake.applicant, Person) and agent.id == intake.applicant.id:
            raise ValidationError("代办人", "代办人不能是申请人本人。")
    if intake.channel == "代办" and agent is None:
        raise ValidationError("代办人", "受理渠道为“代办”时，请选择代办人。")
    if intake.delivery not in DELIVERIES:
        raise ValidationError("结果送达", f"结果送达方式应为 {'、'.join(DELIVERIES)} 之一。")
    address = _text(intake.delivery_address, "邮寄地址", 200, required=intake.delivery == "邮寄", min_len=5)
    materials = _materials(matter, intake.materials)
    missing = [m["name"] for m in materials if m["state"] == MISSING]
    reason = _text(intake.reason, "不予受理理由" if intake.outcome == REJECT else "补正说明", 1000,
                   required=intake.outcome == REJECT, min_len=4 if intake.outcome == REJECT else 0)
    if intake.outcome == ACCEPT and missing:
        raise ValidationError("申请材料", f"材料未收齐（缺：{'、'.join(missing)}），不能受理；"
                                      "请勾选已收材料，或选择“补正”一次性告知所缺材料。")
    if intake.outcome == CORRECT and not missing and not reason:
        raise ValidationError("申请材料", "选择“补正”时，请在材料清单中标出所缺材料，或写明补正说明。")
    if intake.complete_now and (intake.outcome != ACCEPT or matter.kind != IMMEDIATE):
        raise ValidationError("当场办结", "只有即办件在受理时可以当场办结。")
    fields = {
        "matter_uid": str(matter.uid), "matter_code": matter.code, "matter_name": matter.name,
        "matter_class": matter.matter_class, "department": matter.department, "kind": matter.kind,
        "legal_days": matter.legal_days, "legal_days_unit": matter.legal_days_unit,
        "promised_days": matter.promised_days, "fee_cents": matter.fee_cents, "fee_basis": matter.fee_basis,
        "materials": materials, **_applicant_fields(intake.applicant),
        "channel": intake.channel, "delivery": intake.delivery, "delivery_address": address,
        "notes": _text(intake.notes, "备注", 500), "reason": reason,
        "remedies": _text(intake.remedies, "救济途径", 500) if intake.outcome == REJECT else "",
    }
    if agent is not None:
        fields.update(agent_uid=str(agent.uid), agent_name=agent.name, agent_id_type=agent.id_type or RESIDENT_ID,
                      agent_id_number=agent.id_number or "", agent_phone=agent.phone or "")
    if intake.complete_now:
        fields["result_ref"] = _text(intake.result_ref, "结果文书编号", 64)
        fields["result_note"] = _text(intake.result_note, "办理结果说明", 500)
    return fields


def intake(actor: User, entry: Intake, now: datetime | None = None) -> ServiceCase:
    """收件: record the application and its outcome; the number is allocated in the same transaction."""
    require(actor, PERMISSION)
    fields = clean_intake(entry)
    now = now or utcnow()
    today = _local_day(now)
    status = {ACCEPT: ACCEPTED, CORRECT: CORRECTION, REJECT: REJECTED}[entry.outcome]
    with db.atomic():
        number = numbering.next_number(CASE_PREFIX, today)
        if status == ACCEPTED:
            fields["accepted_on"] = today
            fields["promised_date"] = work_calendar().add_workdays(today, fields["promised_days"])
        case = records.create(actor, ServiceCase, f"收件 {number} {fields['matter_name']}（{entry.outcome}）",
                              number=number, status=status, received_at=now, received_on=today,
                              clerk=actor.username, clerk_name=actor.display_name,
                              created_at=now, updated_at=now, **fields)
        _event(actor, case, entry.outcome, "", status, fields["reason"], now)
        if entry.complete_now:
            _finish(actor, case, GRANTED, fields.get("result_ref", ""), fields.get("result_note", ""), now)
        SEARCH.write(case)
    return case


# --------------------------------------------------------------------------------------------
# Lifecycle
# --------------------------------------------------------------------------------------------

# action → (statuses it may start from, status it leads to)
TRANSITIONS = {
    "补正受理": ((CORRECTION,), ACCEPTED),
    "送后台办理": ((ACCEPTED,), PROCESSING),
    "办结": ((ACCEPTED, PROCESSING), COMPLETED),
    "出件": ((COMPLETED,), DELIVERED),
    "撤回": ((CORRECTION, ACCEPTED, PROCESSING), WITHDRAWN),
}


def allowed_actions(case: ServiceCase) -> list[str]:
    """The steps the case can take now (for the buttons)."""
    return [action for action, (sources, _) in TRANSITIONS.items() if case.status in sources]


def _event(actor: User, case: ServiceCase, action: str, before: str, after: str, note: str, now: datetime):
    CaseEvent.create(case=case, post=case.post, created_by=actor.username, created_at=now, updated_at=now,
                     action=action, from_status=before, to_status=after, actor_name=actor.display_name, note=note)


def _locked_case(case: ServiceCase) -> ServiceCase | None:
    """Inside the transaction: the live case as stored now, locked until the transaction ends (``locked``)."""
    return locked(ServiceCase.select().where(ServiceCase.id == case.id, ServiceCase.deleted_at.is_null())).first()


def _begin(actor: User, case: ServiceCase, action: str) -> ServiceCase:
    """Inside the transaction: the case as stored now, checked that it may take this step."""
    require(actor, PERMISSION)
    fresh = _locked_case(case)
    if fresh is None:
        raise ValidationError("办件", f"办件 {case.number} 不存在或已删除。")
    sources, _ = TRANSITIONS[action]
    if fresh.status not in sources:
        raise ValidationError("办件状态", f"办件 {fresh.number} 当前状态为“{fresh.status}”，不能{action}。"
                                        f"（“{action}”只适用于状态为{'、'.join(sources)}的办件）")
    return fresh


def _move(actor: User, case: ServiceCase, action: str, note: str, now: datetime, **changes) -> ServiceCase:
    before = case.status
    after = TRANSITIONS[action][1]
    for key, value in changes.items():
        setattr(case, key, value)
    case.status = after
    case.updated_at = now
    case.save()
    _event(actor, case, action, before, after, note, now)
    audit.log(actor.username, "update", f"办件 {case.number}：{action}（{before}→{after}）"
              + (f"，{note}" if note else ""), case)
    return case


def resume(actor: User, case: ServiceCase, received: dict[str, str], note: str = "",
           now: datetime | None = None) -> ServiceCase:
    """补正受理: the missing materials arrived; the case is accepted today and its promise starts."""
    now = now or utcnow()
    with db.atomic():
        case = _begin(actor, case, "补正受理")
        materials = []
        for item in case.materials:
            state = received.get(item["name"], item["state"])
            if state not in (RECEIVED, CHECKED, MISSING):
                raise ValidationError("申请材料", f"材料“{item['name']}”的状态“{state}”无效。")
            materials.append({**item, "state": state})
        missing = [m["name"] for m in materials if m["state"] == MISSING]
        if missing:
            raise ValidationError("申请材料", f"仍缺材料：{'、'.join(missing)}。材料补齐后才能受理。")
        today = _local_day(now)
        due = work_calendar().add_workdays(today, case.promised_days)
        case = _move(actor, case, "补正受理", _text(note, "说明", 500), now,
                     materials=materials, accepted_on=today, promised_date=due)
        SEARCH.write(case)
    return case


def send_to_back_office(actor: User, case: ServiceCase, note: str = "", now: datetime | None = None) -> ServiceCase:
    """送后台办理: handed to the department that decides."""
    now = now or utcnow()
    with db.atomic():
        case = _begin(actor, case, "送后台办理")
        return _move(actor, case, "送后台办理", _text(note or f"送{case.department}", "说明", 500), now)


def _finish(actor: User, case: ServiceCase, decision: str, result_ref: str, result_note: str, now: datetime):
    return _move(actor, case, "办结", f"{decision}" + (f"，{result_note}" if result_note else ""), now,
                 decision=decision, result_ref=result_ref, result_note=result_note,
                 completed_at=now, completed_on=_local_day(now))


def complete(actor: User, case: ServiceCase, decision: str, result_ref: str = "", result_note: str = "",
             now: datetime | None = None) -> ServiceCase:
    """办结: the decision (准予 / 不予) with its document's number; 不予 needs its reason."""
    if decision not in DECISIONS:
        raise ValidationError("办理结果", "请选择办理结果：准予 或 不予。")
    result_ref = _text(result_ref, "结果文书编号", 64)
    result_note = _text(result_note, "不予理由" if decision == REFUSED else "办理结果说明", 500,
                        required=decision == REFUSED, min_len=4 if decision == REFUSED else 0)
    now = now or utcnow()
    with db.atomic():
        case = _begin(actor, case, "办结")
        return _finish(actor, case, decision, result_ref, result_note, now)


def deliver(actor: User, case: ServiceCase, note: str = "", now: datetime | None = None) -> ServiceCase:
    """出件: the result handed to the applicant, or posted (the note holds the tracking number)."""
    now = now or utcnow()
    with db.atomic():
        case = _begin(actor, case, "出件")
        note = _text(note, "邮寄单号" if case.delivery == "邮寄" else "出件说明", 200,
                     required=case.delivery == "邮寄")
        return _move(actor, case, "出件", note, now, delivered_at=now, delivery_note=note)


def withdraw(actor: User, case: ServiceCase, reason: str, now: datetime | None = None) -> ServiceCase:
    """撤回: the applicant takes the application back."""
    reason = _text(reason, "撤回原因", 500, required=True, min_len=2)
    now = now or utcnow()
    with db.atomic():
        case = _begin(actor, case, "撤回")
        return _move(actor, case, "撤回", reason, now, reason=reason)


def get_case(actor: User, number: str) -> ServiceCase:
    require(actor, PERMISSION)
    case = ServiceCase.live().where(ServiceCase.number == (number or "").strip().upper()).first()
    if case is None:
        raise ValidationError("办件编号", f"找不到办件 {number}。")
    return case


def events(case: ServiceCase) -> list[CaseEvent]:
    return list(CaseEvent.live().where(CaseEvent.case == case).order_by(CaseEvent.created_at, CaseEvent.id))


# --------------------------------------------------------------------------------------------
# Deadlines
# --------------------------------------------------------------------------------------------

def deadline(case: ServiceCase, today: date, calendar: WorkCalendar | None = None) -> tuple[int | None, str]:
    """(working days left, state) for a running promise; (None, "") when nothing is running."""
    if case.status not in OPEN_STATUSES or case.promised_date is None:
        return None, NO_DEADLINE
    left = (calendar or work_calendar()).workdays_left(today, case.promised_date)
    return left, state_of(case.promised_date, today, left, DUE_SOON_WORKDAYS)


def _open():
    return ServiceCase.live().where(ServiceCase.status.in_(OPEN_STATUSES))


def due_today(actor: User, today: date) -> list[ServiceCase]:
    require(actor, PERMISSION)
    return list(_open().where(ServiceCase.promised_date == today).order_by(ServiceCase.id))


def overdue(actor: User, today: date) -> list[ServiceCase]:
    require(actor, PERMISSION)
    return list(_open().where(ServiceCase.promised_date < today).order_by(ServiceCase.promised_date, ServiceCase.id))


# --------------------------------------------------------------------------------------------
# Fees
# --------------------------------------------------------------------------------------------

def parse_amount(text, label: str = "收费金额") -> int:
    """Yuan as typed ("40", "12.5", "¥1,005.00") → 分; a clear message for anything else."""
    raw = str(text if text is not None else "").strip().replace(",", "").replace("，", "").lstrip("¥￥")
    if raw.endswith("元"):
        raw = raw[:-1]
    if not raw:
        raise ValidationError(label, f"请填写{label}。")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(label, f"{label}应为数字（元），如 40 或 12.50。") from None
    if not amount.is_finite():
        raise ValidationError(label, f"{label}应为数字（元）。")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValidationError(label, f"{label}最多精确到分（两位小数）。")
    cents = int(cents)
    if cents <= 0:
        raise ValidationError(label, f"{label}必须大于零。")
    if cents > MAX_FEE_CENTS:
        raise ValidationError(label, f"{label}超出范围（最多 99,999,999.99 元）。")
    return cents


def record_fee(actor: User, case: ServiceCase, amount, method: str, note: str = "",
               now: datetime | None = None) -> FeePaymentRecord:
    """一窗收费: take a fee for the case; a numbered 收费收据 prints from the record."""
    require(actor, PERMISSION)
    cents = parse_amount(amount)
    if method not in PAYMENT_METHODS:
        raise ValidationError("支付方式", f"请选择支付方式：{'、'.join(PAYMENT_METHODS)}。")
    note = _text(note, "备注", 200)
    now = now or utcnow()
    with db.atomic():
        fresh = _locked_case(case)
        if fresh is None or fresh.status in (REJECTED, WITHDRAWN, CORRECTION):
            status = fresh.status if fresh else "已删除"
            raise ValidationError("办件状态", f"办件 {case.number} 当前为“{status}”，不能收费。")
        receipt_no = numbering.next_number(FEE_PREFIX, _local_day(now))
        payment = FeePaymentRecord.create(
            post=fresh.post, created_by=actor.username, created_at=now, updated_at=now, case=fresh,
            receipt_no=receipt_no, amount_cents=cents, method=method, payer_name=fresh.applicant_name,
            clerk_name=actor.display_name, basis=fresh.fee_basis, note=note)
        audit.log(actor.username, "create",
                  f"收费 {receipt_no}：办件 {fresh.number}，{Decimal(cents) / 100:.2f} 元，{method}", payment)
    return payment


def fees(case: ServiceCase) -> list[FeePaymentRecord]:
    return list(FeePaymentRecord.live().where(FeePaymentRecord.case == case).order_by(FeePaymentRecord.id))


def get_fee(actor: User, receipt_no: str) -> FeePaymentRecord:
    require(actor, PERMISSION)
    payment = FeePaymentRecord.live().where(FeePaymentRecord.receipt_no == (receipt_no or "").strip().upper()).first()
    if payment is None:
        raise ValidationError("收据编号", f"找不到收据 {receipt_no}。")
    return payment


# --------------------------------------------------------------------------------------------
# 好差评
# --------------------------------------------------------------------------------------------

def _level(value, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in RATING_LEVELS:
        raise ValidationError(label, f"请为{label}选择一个等级（非常满意 … 非常不满意）。")
    return value


def rate(actor: User, case: ServiceCase, overall: int, efficiency: int | None = None,
         competence: int | None = None, attitude: int | None = None, comment: str = "",
         now: datetime | None = None) -> Rating:
    """好差评 at completion. 不满意 or worse opens a rectification item due in 15 working days."""
    require(actor, PERMISSION)
    overall = _level(overall, "整体评价")
    levels = {name: _level(overall if value is None else value, label) for name, value, label in (
        ("efficiency", efficiency, "办事效率"), ("competence", competence, "业务水平"), ("attitude", attitude, "服务态度"))}
    bad = overall <= BAD_RATING
    comment = _text(comment, "评价内容", 500, required=bad)
    now = now or utcnow()
    with db.atomic():
        fresh = _locked_case(case)
        if fresh is None or fresh.status not in FINISHED_STATUSES:
            status = fresh.status if fresh else "已删除"
            raise ValidationError("办件状态", f"办件 {case.number} 当前为“{status}”，办结后才能评价。")
        if Rating.live().where(Rating.case == fresh).exists():
            raise ValidationError("评价", f"办件 {fresh.number} 已经评价过。")
        due = work_calendar().add_workdays(_local_day(now), RECTIFY_WORKDAYS) if bad else None
        rating = Rating.create(post=fresh.post, created_by=actor.username, created_at=now, updated_at=now,
                               case=fresh, overall=overall, comment=comment, rectify_due=due, **levels)
        audit.log(actor.username, "create", f"办件 {fresh.number} 评价：{RATING_LEVELS[overall]}"
                  + (f"，整改期限 {due:%Y-%m-%d}" if due else ""), rating)
    return rating


def rating_of(case: ServiceCase) -> Rating | None:
    return Rating.live().where(Rating.case == case).first()


def open_rectifications(actor: User) -> list[Rating]:
    """差评整改 not yet closed, earliest due first."""
    require(actor, PERMISSION)
    return list(Rating.live().join(ServiceCase)
                .where(Rating.rectify_due.is_null(False), Rating.rectified_at.is_null())
                .order_by(Rating.rectify_due, Rating.id))


def close_rectification(actor: User, rating: Rating, result: str, now: datetime | None = None) -> Rating:
    """整改结果: what was done about the complaint; the item leaves the list."""
    require(actor, PERMISSION)
    result = _text(result, "整改结果", 1000, required=True, min_len=4)
    now = now or utcnow()
    with db.atomic():
        fresh = locked(Rating.select().where(Rating.id == rating.id)).get()
        if fresh.rectify_due is None:
            raise ValidationError("整改", "这条评价不是差评，无需整改。")
        if fresh.rectified_at is not None:
            raise ValidationError("整改", "这条差评已经整改完毕。")
        fresh.rectified_at, fresh.rectified_by, fresh.rectify_result = now, actor.display_name, result
        fresh.save()
        audit.log(actor.username, "update", f"办件 {fresh.case.number} 差评整改完毕：{result}", fresh)
    return fresh


# --------------------------------------------------------------------------------------------
# Search and lists
# --------------------------------------------------------------------------------------------

def _case_texts(get) -> tuple[str, str]:
    text = " ".join(filter(None, (get("number"), get("applicant_name"), get("applicant_phone"), get("agent_name"),
                                  get("agent_phone"), get("matter_name"))))
    return text, " ".join(filter(None, (get("applicant_id_number"), get("agent_id_number"))))


SEARCH = SearchIndex("case_search", ServiceCase, _case_texts,
                     lambda n: (ServiceCase.applicant_id_number == n) | (ServiceCase.agent_id_number == n),
                     (ServiceCase.number,), hint="请输入办件编号、姓名、证件号码或电话。")


def search_texts(case) -> tuple[tuple[str, str], tuple[str, str]]:
    """What the two search indexes hold for a case (a model or a row dict)."""
    return SEARCH.rows_for(case)


@dataclass
class CaseFilter:
    """What a list shows. Dates are local; ``mine``: the actor's own cases; ``today``: received today."""

    text: str = ""
    statuses: tuple[str, ...] = ()
    matter_class: str = ""
    matter_code: str = ""
    channel: str = ""
    date_from: date | None = None
    date_to: date | None = None
    overdue_on: date | None = None      # only cases overdue on this day
    mine: bool = False


def _filtered(actor: User, flt: CaseFilter):
    require(actor, PERMISSION)
    query = ServiceCase.live()
    for status in flt.statuses:
        if status not in STATUSES:
            raise ValidationError("状态", f"未知的办件状态“{status}”。")
    if flt.statuses:
        query = query.where(ServiceCase.status.in_(flt.statuses))
    if flt.matter_class:
        query = query.where(ServiceCase.matter_class == flt.matter_class)
    if flt.matter_code:
        query = query.where(ServiceCase.matter_code == flt.matter_code)
    if flt.channel:
        query = query.where(ServiceCase.channel == flt.channel)
    query = within(query, ServiceCase.received_on, flt.date_from, flt.date_to, "受理日期")
    if flt.overdue_on:
        query = query.where(ServiceCase.status.in_(OPEN_STATUSES), ServiceCase.promised_date < flt.overdue_on)
    if flt.mine:
        query = query.where(ServiceCase.clerk == actor.username)
    if flt.text.strip():
        query = query.where(SEARCH.condition(actor, flt.text))
    return query


def list_cases(actor: User, flt: CaseFilter, before_id: int | None = None, limit: int = 100) -> list[ServiceCase]:
    """One page, newest first; pass the last row's id as ``before_id`` for the next page (keyset paging)."""
    if flt.text.strip() and flt == CaseFilter(text=flt.text) and actor.can(FULL_ID_PERMISSION):
        require(actor, PERMISSION)
        return SEARCH.page(actor, flt.text, before_id, limit)
    return keyset_page(_filtered(actor, flt), ServiceCase, before_id, limit)


def count_cases(actor: User, flt: CaseFilter, cap: int | None = None) -> int:
    """How many cases the filter shows; with ``cap``, counting stops past it (returns cap + 1), so a
    one-character search over a million cases answers at once ("超过 10,000 件")."""
    return capped_count(_filtered(actor, flt), ServiceCase, cap)
