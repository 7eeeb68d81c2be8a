"""The hall's printed documents, built from a case: 受理通知书, 补正材料通知书, 不予受理通知书, 收费收据, 办结通知书.

``render(actor, kind, number, paper)`` gives the PDF; ``log_print`` writes the audit line once the
document has really left the window (printed or saved), marking a second print as 重打.
"""

from __future__ import annotations

from decimal import Decimal

from documents import hall as docs
from models import accounts, settings
from models.accounts import User, require
from models.printouts import Printable, log_print  # noqa: F401 (the hall's callers use them from here)
from models.db import to_local
from models.errors import ValidationError
from models.hall import cases
from models.hall.tables import (
    COMPLETED, CORRECTION, DELIVERED, MISSING, RECEIVED, REJECTED, CaseEvent, FeePaymentRecord, ServiceCase,
)

KINDS = {
    "receipt": "受理通知书",
    "correction": "补正材料通知书",
    "rejection": "不予受理通知书",
    "fee": "收费收据",
    "completion": "办结通知书",
}
# What people type on the command line → the layout keys of documents.layout.
PAPER_ALIASES = {"a4": "A4", "a5": "A5", "roll80": "80mm", "80mm": "80mm"}


def paper_key(paper: str | None) -> str:
    """A paper name as typed (a4, a5, roll80, 80mm, A5 …) → layout key; None → the office's setting."""
    if not paper:
        return settings.get("receipt_format") or "A4"
    key = PAPER_ALIASES.get(paper.strip().lower())
    if key is None:
        raise ValidationError("纸张", f"未知的纸张格式“{paper}”，可选：a4、a5、roll80。")
    return key


def office() -> docs.Office:
    values = settings.get_all()
    return docs.Office(town=values["town_name"], district=values["district"], post_name=values["post_name"],
                       hall_phone=values["hall_phone"])


def _clerk_phone(username: str) -> str:
    user = accounts.get_user(username)
    return (user.phone or "") if user is not None else ""


def _clerk(case: ServiceCase) -> str:
    """李秀英, or 李秀英（3号窗口） when the clerk has said which window they sit at."""
    window = settings.window_of(case.clerk)
    return f"{case.clerk_name}（{window}）" if window else case.clerk_name


def _applicant(case: ServiceCase) -> docs.Party:
    return docs.Party(name=case.applicant_name, id_label=case.applicant_id_type, id_number=case.applicant_id_number,
                      phone=case.applicant_phone, address=case.applicant_address)


def _agent(case: ServiceCase) -> docs.Party | None:
    if not case.agent_name:
        return None
    return docs.Party(name=case.agent_name, id_label=case.agent_id_type, id_number=case.agent_id_number,
                      phone=case.agent_phone)


def _material(item: dict) -> docs.ReceiptMaterial:
    return docs.ReceiptMaterial(name=item["name"], form=item["form"], copies=item["copies"],
                                received=item["state"] == RECEIVED, note=item.get("note", ""))


def intake_document(case: ServiceCase) -> docs.IntakeDocument:
    given = tuple(_material(m) for m in case.materials if m["state"] != MISSING)
    missing = tuple(_material(m) for m in case.materials if m["state"] == MISSING)
    return docs.IntakeDocument(
        number=case.number, office=office(), matter_name=case.matter_name, matter_code=case.matter_code,
        applicant=_applicant(case), agent=_agent(case), channel=case.channel, delivery=case.delivery,
        delivery_address=case.delivery_address, accepted_at=to_local(case.received_at),
        clerk_name=_clerk(case), clerk_phone=_clerk_phone(case.clerk), legal_days=case.legal_days,
        legal_days_unit=case.legal_days_unit, promised_days=case.promised_days, promised_date=case.promised_date,
        fee=Decimal(case.fee_cents) / 100, materials=given, missing=missing, reason=case.reason,
        remedies=case.remedies)


def completion_document(case: ServiceCase) -> docs.CompletionDocument:
    return docs.CompletionDocument(
        number=case.number, office=office(), matter_name=case.matter_name, matter_code=case.matter_code,
        applicant=_applicant(case), accepted_at=to_local(case.received_at), completed_at=to_local(case.completed_at),
        decision=case.decision, result_ref=case.result_ref, result_note=case.result_note, remedies="",
        delivery=case.delivery, delivery_address=case.delivery_address, clerk_name=_clerk(case),
        clerk_phone=_clerk_phone(case.clerk), promised_date=case.promised_date)


def fee_document(payment: FeePaymentRecord) -> docs.FeePayment:
    case = payment.case
    return docs.FeePayment(
        receipt_no=payment.receipt_no, case_number=case.number, matter_name=case.matter_name,
        payer=_applicant(case), amount=Decimal(payment.amount_cents) / 100, method=payment.method,
        paid_at=to_local(payment.created_at), clerk_name=payment.clerk_name, basis=payment.basis, note=payment.note)


def _was_corrected(case: ServiceCase) -> bool:
    return CaseEvent.live().where(CaseEvent.case == case, CaseEvent.action == "补正").exists()


def render(actor: User, kind: str, number: str, paper: str | None = None) -> Printable:
    """The PDF of one document. ``number``: the case's 受理编号 (for a fee, a 收据编号 or the case's number)."""
    require(actor, cases.PERMISSION)
    if kind not in KINDS:
        raise ValidationError("文书", f"未知的文书“{kind}”，可选：{'、'.join(KINDS)}。")
    key = paper_key(paper)
    title = KINDS[kind]
    if kind == "fee":
        number = (number or "").strip().upper()
        if number.startswith(cases.FEE_PREFIX + "-"):
            payment = cases.get_fee(actor, number)
        else:
            paid = cases.fees(cases.get_case(actor, number))
            if not paid:
                raise ValidationError("办件编号", f"办件 {number} 没有收费记录。")
            payment = paid[-1]
        pdf = docs.fee_receipt(fee_document(payment), office(), key)
        return Printable(kind, f"{title} {payment.receipt_no}", f"{title}-{payment.receipt_no}.pdf", payment, pdf)
    case = cases.get_case(actor, number)
    if kind == "receipt":
        if case.accepted_on is None:
            raise ValidationError("文书", f"办件 {case.number} 尚未受理（{case.status}），没有受理通知书。")
        pdf = docs.acceptance_receipt(intake_document(case), key)
    elif kind == "correction":
        if case.status != CORRECTION and not _was_corrected(case):
            raise ValidationError("文书", f"办件 {case.number} 没有补正告知，没有补正材料通知书。")
        pdf = docs.correction_notice(intake_document(case), key)
    elif kind == "rejection":
        if case.status != REJECTED:
            raise ValidationError("文书", f"办件 {case.number} 未被不予受理（{case.status}），没有不予受理通知书。")
        pdf = docs.rejection_notice(intake_document(case), key)
    else:
        if case.status not in (COMPLETED, DELIVERED):
            raise ValidationError("文书", f"办件 {case.number} 尚未办结（{case.status}），没有办结通知书。")
        pdf = docs.completion_notice(completion_document(case), key)
    return Printable(kind, f"{title} {case.number}", f"{title}-{case.number}.pdf", case, pdf)


def documents_for(case: ServiceCase) -> list[str]:
    """The kinds that can be printed for this case now, in the order they arose."""
    kinds = []
    if case.status == CORRECTION or _was_corrected(case):
        kinds.append("correction")
    if case.status == REJECTED:
        kinds.append("rejection")
    if case.accepted_on is not None:
        kinds.append("receipt")
    if cases.fees(case):
        kinds.append("fee")
    if case.status in (COMPLETED, DELIVERED):
        kinds.append("completion")
    return kinds
