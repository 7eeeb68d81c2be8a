"""The mediation centre's printed documents, built from its records (documents/mediation.py lays them out).

``render(actor, kind, number, item=None)`` gives the PDF of one document of a dispute (TJ-…) or a
petition (XF-…); ``item`` picks which 调解/调查笔录 or 回访记录 (1 = the first; default the latest).
A document the case does not have yet (an agreement before one was reached, a closing report of an
open case) is a clear error. ID numbers print in full only for users allowed to see them.
"""

from __future__ import annotations

from decimal import Decimal

from documents import mediation as docs
from models import codes, settings
from models.accounts import User
from models.db import to_local
from models.errors import ValidationError
from models.mediation import disputes, petitions
from models.mediation.tables import (
    CLOSED_STATUSES, REFUSED, RISK_COLOURS, SUCCEEDED, TERMINATED, WITHDRAWN, WRITTEN, Dispute, Petition,
)
from models.people import shown_id
from models.printouts import Printable

KINDS = {
    "application": "人民调解申请书",
    "registration": "人民调解受理登记表",
    "rights": "人民调解权利义务告知书",
    "record": "调解笔录",
    "agreement": "人民调解协议书",
    "followup": "回访记录",
    "closing": "人民调解案件结案报告表",
    "petition": "信访登记表",
}
OUTCOMES = {SUCCEEDED: "调解成功", TERMINATED: "调解不成（终止调解）", WITHDRAWN: "撤回", REFUSED: "不予受理"}


def committee() -> docs.Committee:
    values = settings.get_all()
    return docs.Committee(name=f"{values['town_name']}人民调解委员会", town=values["town_name"],
                          district=values["district"], phone=values["hall_phone"])


def _display_names(usernames) -> tuple[str, ...]:
    from models import accounts

    names = []
    for name in usernames:
        user = accounts.get_user(name)
        names.append(user.display_name if user else name)
    return tuple(names)


def _party(actor: User, row) -> docs.DisputeParty:
    person = row.kind == "个人"
    return docs.DisputeParty(
        side=getattr(row, "side", "信访人"), name=row.name, kind="person" if person else "organisation",
        gender=getattr(row, "gender", ""), ethnicity=getattr(row, "ethnicity", ""), age=getattr(row, "age", None),
        occupation=getattr(row, "occupation", ""), phone=row.phone, address=row.address,
        id_text=shown_id(actor, row.id_number) if person else row.id_number,
        representative=getattr(row, "representative", ""), claims=getattr(row, "claims", ""))


def dispute_document(actor: User, dispute: Dispute) -> docs.DisputeDocument:
    visits = disputes.follow_ups(dispute)
    return docs.DisputeDocument(
        number=dispute.number, committee=committee(), accepted_on=dispute.accepted_on, source=dispute.source,
        dispute_type=dispute.dispute_type, parties=tuple(_party(actor, p) for p in disputes.parties(dispute)),
        facts=dispute.facts, channel=dispute.channel, joint=tuple(dispute.joint),
        amount=None if dispute.amount_cents is None else Decimal(dispute.amount_cents) / 100,
        people_involved=dispute.people_involved, village=dispute.village, risk_colour=dispute.risk_colour,
        risk_meaning=codes.meaning_of(RISK_COLOURS, dispute.risk_colour) if dispute.risk_colour else "",
        risk_scale=tuple(codes.names(RISK_COLOURS)) or docs.RISK_COLOURS,
        mediators=_display_names(dispute.mediators), registrar=dispute.registrar,
        agreement_number=dispute.agreement_number, dispute_points=dispute.dispute_points,
        responsibilities=dispute.responsibilities,
        terms=tuple(docs.Term(t.content, t.manner, t.deadline, t.place) for t in disputes.terms(dispute)),
        agreed_on=dispute.agreed_on, outcome=OUTCOMES.get(dispute.status, ""),
        agreement_form=dispute.agreement_form, closed_on=dispute.closed_on,
        close_reason=dispute.close_reason or (f"双方当事人达成口头协议，由人民调解员记录：{dispute.oral_agreement}"
                                              if dispute.oral_agreement else ""),
        routes=tuple(dispute.routes),
        judicial_confirmation=dispute.confirmation_result,
        performance=visits[-1].performed if visits else "")


def petition_document(actor: User, petition: Petition) -> docs.PetitionDocument:
    linked = petitions.dispute_of(petition)
    return docs.PetitionDocument(
        number=petition.number, committee=committee(), received_at=to_local(petition.received_at),
        form=petition.form, visitors=petition.visitors,
        petitioners=tuple(_party(actor, p) for p in petitions.petitioners(petition)),
        matter=petition.matter, request=petition.request, department=petition.department,
        reply_due=petition.reply_due, replies=tuple(f"{r.replied_on:%Y年%m月%d日}：{r.content}"
                                                    for r in petitions.replies(petition)),
        result=petition.result, satisfaction=petition.satisfaction, registrar=petition.registrar,
        dispute_number=linked.number if linked else "")


def _pick(items: list, item: int | None, what: str, number: str):
    if not items:
        raise ValidationError("文书", f"案件 {number} 还没有{what}。")
    if item is None:
        return items[-1]
    if not 1 <= item <= len(items):
        raise ValidationError("序号", f"案件 {number} 共有 {len(items)} 份{what}，没有第 {item} 份。")
    return items[item - 1]


def render(actor: User, kind: str, number: str, item: int | None = None) -> Printable:
    """The PDF of one document (``number``: TJ-… for a dispute's documents, XF-… for a petition)."""
    if kind not in KINDS:
        raise ValidationError("文书", f"未知的文书“{kind}”，可选：{'、'.join(KINDS)}。")
    title = KINDS[kind]
    if kind == "petition":
        petition = petitions.get_petition(actor, number)
        pdf = docs.petition_registration(petition_document(actor, petition))
        return Printable(kind, f"{title} {petition.number}", f"{title}-{petition.number}.pdf", petition, pdf)
    dispute = disputes.get_dispute(actor, number, audited=False)   # the print itself is audited
    doc = dispute_document(actor, dispute)
    if kind == "application":
        pdf = docs.application(doc)
    elif kind == "registration":
        pdf = docs.registration(doc)
    elif kind == "rights":
        pdf = docs.rights_notice(doc)
    elif kind == "record":
        session = _pick(disputes.sessions(dispute), item, "调解或调查笔录", dispute.number)
        title = f"{session.kind}笔录"
        pdf = docs.session_record(doc, docs.SessionRecord(
            kind=session.kind, started_at=to_local(session.started_at), ended_at=to_local(session.ended_at),
            place=session.place, mediators=tuple(session.mediators.split("、")),
            attendees=tuple(session.attendees.split("、")), recorder=session.recorder, content=session.content,
            agreed=session.agreed, next_step=session.next_step))
    elif kind == "agreement":
        if dispute.status != SUCCEEDED or dispute.agreement_form != WRITTEN:
            state = dispute.agreement_form if dispute.status == SUCCEEDED else dispute.status
            raise ValidationError("文书", f"案件 {dispute.number} 没有书面调解协议（{state}），不能打印调解协议书。")
        pdf = docs.agreement(doc)
    elif kind == "followup":
        visit = _pick(disputes.follow_ups(dispute), item, "回访记录", dispute.number)
        pdf = docs.followup_record(doc, docs.FollowUpRecord(
            visited_on=visit.visited_on, visitor=visit.visitor, reason=visit.reason, performed=visit.performed,
            satisfaction=visit.satisfaction, remaining_risk=visit.remaining_risk, notes=visit.notes,
            next_visit=visit.next_visit))
    else:  # closing
        if dispute.status not in CLOSED_STATUSES:
            raise ValidationError("文书", f"案件 {dispute.number} 尚未结案（{dispute.status}），没有结案报告表。")
        pdf = docs.closing_report(doc)
    return Printable(kind, f"{title} {dispute.number}", f"{title}-{dispute.number}.pdf", dispute, pdf)


def documents_for(dispute: Dispute) -> list[str]:
    """The kinds that can be printed for this dispute now."""
    kinds = ["application", "registration", "rights"]
    if disputes.sessions(dispute):
        kinds.append("record")
    if dispute.status == SUCCEEDED and dispute.agreement_form == WRITTEN:
        kinds.append("agreement")
    if disputes.follow_ups(dispute):
        kinds.append("followup")
    if dispute.status in CLOSED_STATUSES:
        kinds.append("closing")
    return kinds
