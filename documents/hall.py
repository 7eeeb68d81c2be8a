"""一窗受理的三种受理文书 (行政许可法 第三十二条): each a function from an ``IntakeDocument`` to PDF bytes.

- ``acceptance_receipt`` — 受理通知书（受理回执）: materials complete, the matter is accepted.
- ``correction_notice``  — 补正材料通知书: every missing material listed at once (一次性告知).
- ``rejection_notice``   — 不予受理通知书: the reason and the applicant's remedies.
- ``completion_notice``  — 办结通知书 (from a ``CompletionDocument``): the matter is finished, the
  decision (准予 / 不予, with reason and remedies), and how the result reaches the applicant.
- ``fee_receipt``        — 收费收据 (from a ``FeePayment``).

The 受理通知书 and the 办结通知书 (the pick-up slip) carry the 受理编号 also as a Code128 barcode
and a QR code, so the window can scan the case up instead of typing it.

Paper: "A4" (纵向), "A5" (横向) or "80mm" (热敏小票).  One copy per call; the caller prints twice
when the office keeps one.  The printed copy leaves the counter, so a person's ID number is
masked (``mask_id_number``); an organisation's 统一社会信用代码 is public and printed in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Sequence

from reportlab.platypus import Flowable, Spacer

from documents import layout
from documents.layout import Column, Field, Paper, esc
from models.validators import mask_id_number

__all__ = [
    "FeePayment",
    "PAYMENT_METHODS",
    "amount_in_words",
    "fee_receipt",
    "Office",
    "Party",
    "ReceiptMaterial",
    "IntakeDocument",
    "CompletionDocument",
    "DECISIONS",
    "DELIVERY_METHODS",
    "acceptance_receipt",
    "completion_notice",
    "correction_notice",
    "rejection_notice",
    "office_title",
    "default_remedies",
    "default_pickup",
]

CREDIT_CODE_LABEL = "统一社会信用代码"


@dataclass(frozen=True)
class Office:
    """The accepting office: e.g. 打通镇 / 綦江区 / 打通镇便民服务中心 / 023-48612345."""

    town: str
    district: str
    post_name: str
    hall_phone: str


@dataclass(frozen=True)
class Party:
    """An applicant or agent. ``id_label``: 居民身份证, 统一社会信用代码, 护照 …"""

    name: str
    id_label: str
    id_number: str
    phone: str
    address: str = ""


@dataclass(frozen=True)
class ReceiptMaterial:
    """One line of a material list.

    ``form``: 原件 / 复印件 / 原件及复印件.  ``received``: True when the window keeps it; False when
    it was only checked and handed back, or not supplied (printed as a remark).
    """

    name: str
    form: str
    copies: int
    received: bool
    note: str = ""


@dataclass(frozen=True)
class IntakeDocument:
    """Everything the three intake documents print; built by the caller from the intake record."""

    number: str                       # 受理编号, e.g. SL-DT00-20261126-0007
    office: Office
    matter_name: str
    matter_code: str
    applicant: Party
    agent: Party | None
    channel: str                      # 受理渠道: 窗口受理 / 渝快办网上申请 …
    delivery: str                     # 结果送达方式: 自取 / 邮寄
    delivery_address: str
    accepted_at: datetime             # 受理（收件）时间
    clerk_name: str
    clerk_phone: str
    legal_days: int                   # 法定办结时限; 0 for a 即办件
    legal_days_unit: str              # 工作日 / 自然日
    promised_days: int                # 承诺办结时限, working days; 0 = 当场办结
    promised_date: date | None
    fee: Decimal
    materials: tuple[ReceiptMaterial, ...]
    missing: tuple[ReceiptMaterial, ...]
    reason: str = ""                  # 不予受理 (or 补正) reason
    remedies: str = ""                # 救济途径; default text when empty
    progress_query: str = ""          # 办理进度查询方式; default: hall phone and the number


DECISIONS = ("准予", "不予")
DELIVERY_METHODS = ("自取", "邮寄")


@dataclass(frozen=True)
class CompletionDocument:
    """What the 办结通知书 prints: the finished case, its decision and how the result is delivered.

    ``decision``: "准予" or "不予" (ValueError otherwise).  ``result_note``: 办理结果说明 for 准予,
    the reason for 不予.  ``remedies``: 救济途径, printed for 不予 (``default_remedies`` when empty).
    ``delivery``: "自取" (the pick-up instructions are printed; empty ``pickup_*`` fields get the
    ``default_pickup`` text) or "邮寄" (``delivery_address`` required).
    """

    number: str                       # 受理编号
    office: Office
    matter_name: str
    matter_code: str
    applicant: Party
    accepted_at: datetime             # 受理时间
    completed_at: datetime            # 办结时间
    decision: str                     # 准予 / 不予
    result_ref: str = ""              # 决定文书 / 证照编号
    result_note: str = ""             # 办理结果说明; for 不予 the reason
    remedies: str = ""                # 救济途径 (不予); default text when empty
    delivery: str = "自取"            # 结果送达方式: 自取 / 邮寄
    delivery_address: str = ""
    clerk_name: str = ""
    clerk_phone: str = ""
    promised_date: date | None = None  # 承诺办结日期
    pickup_place: str = ""            # 领取地点; default: the hall's 综合窗口
    pickup_hours: str = ""            # 领取时间; default: working days, office hours
    pickup_bring: str = ""            # 领取时携带; default: this notice and the applicant's ID

    def __post_init__(self) -> None:
        if self.decision not in DECISIONS:
            raise ValueError(f"办理结果应为“准予”或“不予”：{self.decision!r}")
        if self.delivery not in DELIVERY_METHODS:
            raise ValueError(f"结果送达方式应为“自取”或“邮寄”：{self.delivery!r}")
        if self.delivery == "邮寄" and not self.delivery_address.strip():
            raise ValueError("邮寄送达须填写邮寄地址")
        if self.completed_at < self.accepted_at:
            raise ValueError(f"办结时间 {self.completed_at} 早于受理时间 {self.accepted_at}")


# --------------------------------------------------------------------------
# Wording
# --------------------------------------------------------------------------

def office_title(office: Office) -> str:
    """"綦江区打通镇便民服务中心": district, town and post name, without repeating a part."""
    name = (office.post_name or "便民服务中心").strip()
    if office.town and office.town not in name:
        name = office.town + name
    if office.district and office.district not in name:
        name = office.district + name
    return name


def default_remedies(office: Office) -> str:
    government = f"{office.district}人民政府" if office.district else "上一级人民政府"
    return (f"如对本决定不服，可以自收到本通知书之日起六十日内向{government}申请行政复议，"
            f"或者在六个月内依法向人民法院提起行政诉讼。")


def default_pickup(doc: CompletionDocument) -> tuple[str, str, str, str]:
    """(领取地点, 领取时间, 携带材料, 咨询) for a 自取 result: the given text, or the default."""
    place = doc.pickup_place or f"{office_title(doc.office)}综合受理窗口"
    hours = doc.pickup_hours or "法定工作日 上午9:00—12:00，下午14:00—17:00"
    if doc.pickup_bring:
        bring = doc.pickup_bring
    elif doc.applicant.id_label == CREDIT_CODE_LABEL:
        bring = "本通知书、单位授权委托书和经办人身份证件原件"
    else:
        bring = (f"本通知书和申请人{(doc.applicant.id_label or '身份证件').strip()}原件；"
                 f"委托他人领取的，另带授权委托书和受托人身份证件原件")
    phone = doc.office.hall_phone
    ask = (f"领取前可拨打服务大厅电话 {phone}，报受理编号 {doc.number} 确认" if phone
           else f"领取时报受理编号 {doc.number}")
    return place, hours, bring, ask


def _date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _datetime(t: datetime) -> str:
    return f"{_date(t)} {t.hour:02d}:{t.minute:02d}"


def _days(n: int, unit: str) -> str:
    if n <= 0:
        return "即办（当场办结）"
    return f"{n}个{unit or '工作日'}"


def _fee(amount: Decimal) -> str:
    if not amount:
        return "不收费"
    return f"收费，{amount.quantize(Decimal('0.01'))}元"


def _delivery(doc: IntakeDocument) -> str:
    if doc.delivery == "邮寄" and doc.delivery_address:
        return f"邮寄（{doc.delivery_address}）"
    return doc.delivery or "自取"


def _promised_date(doc: IntakeDocument) -> str:
    if doc.promised_date is not None:
        return _date(doc.promised_date)
    if doc.promised_days <= 0:
        return "当场办结"
    return "另行告知"


def _id_text(party: Party) -> str:
    if party.id_label == CREDIT_CODE_LABEL:
        return party.id_number
    return mask_id_number(party.id_number)


def _id_label(party: Party) -> str:
    label = (party.id_label or "证件").strip()
    return label if label.endswith(("号码", "代码")) else label + "号码"


def _party_rows(paper: Paper, party: Party, role: str, *, address: bool,
                beside_address: Sequence[Field] = ()) -> list[list[Field]]:
    """The rows for one party: name, phone, ID and (for the applicant) address.

    With three pairs a row the address is two pairs wide and ``beside_address`` (one short field)
    fills its row; without an address that field gets a row of its own."""
    name = Field(role, party.name)
    phone = Field("联系电话", party.phone)
    ident = Field(_id_label(party), _id_text(party))
    home = Field("住址（住所）", party.address) if address and party.address else None
    if paper.kv_pairs >= 3:
        rows = [[name, phone, ident]]
        if home:
            rows.append([Field(home.label, home.value, span=2), *beside_address] if beside_address else [home])
        elif beside_address:
            rows.append(list(beside_address))
        return rows
    if home:
        return [[name, phone], [ident, home]]
    return [[name, phone], [ident]]


def _people_rows(paper: Paper, doc: IntakeDocument, beside_address: Sequence[Field] = ()) -> list[list[Field]]:
    rows = _party_rows(paper, doc.applicant, "申请人", address=True, beside_address=beside_address)
    if doc.agent is not None:
        rows += _party_rows(paper, doc.agent, "代理人", address=False)
    return rows


def _progress_query(doc: IntakeDocument) -> str:
    if doc.progress_query:
        return doc.progress_query
    phone = doc.office.hall_phone
    where = f"拨打服务大厅电话 {phone}" if phone else "到服务大厅窗口"
    return f"{where}，报受理编号 {doc.number} 查询"


def _matter(doc: IntakeDocument) -> str:
    return f"“{doc.matter_name}”（事项编码 {doc.matter_code}）" if doc.matter_code else f"“{doc.matter_name}”"


def _material_columns(paper: Paper) -> tuple[Column, ...]:
    # the short sheet's remarks get a little more room: a wrapped row costs a line there
    name, note = (0.55, 0.45) if paper.compact else (0.6, 0.4)
    return (
        Column("材料名称", width=name, roll="main"),
        Column("原件/复印件", chars=6, align="center", roll="detail"),
        Column("份数", chars=2, align="center", roll="detail", roll_format="{}份"),
        Column("备注", width=note, roll="note"),
    )


def _material_rows(items: Sequence[ReceiptMaterial], *, mark_returned: bool) -> list[list[str]]:
    rows = []
    for m in items:
        remark = m.note
        if mark_returned and not m.received and "退还" not in remark:
            remark = "核验后退还" + (f"；{remark}" if remark else "")
        rows.append([m.name, m.form, str(m.copies), remark])
    return rows


def _received_inline(items: Sequence[ReceiptMaterial]) -> str:
    """"已接收的材料（共6项）：1．申请表（原件1份）；2．…。" as paragraph markup."""
    parts = []
    for n, (name, form, copies, remark) in enumerate(_material_rows(items, mark_returned=True), 1):
        detail = f"{form}{copies}份" + (f"，{remark}" if remark else "")
        parts.append(f"{n}．{esc(name)}（{esc(detail)}）")
    return f"已接收的材料（共{len(items)}项）：" + "；".join(parts) + "。"


def _materials(paper: Paper, items: Sequence[ReceiptMaterial], *, mark_returned: bool = False,
               empty_text: str = "（无）") -> list[Flowable]:
    return layout.list_table(paper, _material_columns(paper), _material_rows(items, mark_returned=mark_returned),
                             empty_text=empty_text)


def _head(p: Paper, doc: IntakeDocument | CompletionDocument, title: str, number_label: str = "编号", *,
          codes: bool = False) -> list[Flowable]:
    return layout.title_block(p, office_title(doc.office), title, doc.number, number_label, codes=codes)


def _closing(p: Paper, doc: IntakeDocument | CompletionDocument, story: list[Flowable], notes_heading: str,
             notes_items: Sequence[str], *, on: date | None = None,
             sign_lines: Sequence[str] = ("申请人（代理人）签收：", "签收日期："),
             keep_text: str = "请妥善保管本凭证") -> list[Flowable]:
    """``story`` with the closing (notes, signature lines, seal) after it, the closing kept with the
    last rows of the table before it: a signature block never stands alone on a page."""
    on = on or doc.accepted_at.date()
    flow = layout.signature_block(p, sign_lines=sign_lines,
                                  office_name=office_title(doc.office), date_text=_date(on),
                                  notes_heading=notes_heading, notes_items=notes_items)
    if p.roll:
        flow += [layout.rule(p, dashed=True),
                 layout.para(p, esc(f"编号 {doc.number}"), "small_center"),
                 layout.para(p, esc(keep_text), "small_center")]
    return layout.keep_with_end(p, story, flow)


def _render(doc: IntakeDocument | CompletionDocument, paper_key: str, title: str, make) -> bytes:
    paper = layout.paper_for(paper_key)
    return layout.render(paper, lambda: make(paper), footer=f"编号：{doc.number}",
                         title=f"{title} {doc.number}", subject=doc.matter_name,
                         author=office_title(doc.office))


# --------------------------------------------------------------------------
# 受理通知书（受理回执）
# --------------------------------------------------------------------------

def acceptance_receipt(doc: IntakeDocument, paper: str = "A4") -> bytes:
    """受理通知书（受理回执）: the matter is accepted; what was received and when it will be done."""

    def story(p: Paper) -> list[Flowable]:
        flow = _head(p, doc, "受理通知书", "受理编号", codes=True)
        flow.append(layout.para(p, esc(f"{doc.applicant.name}："), "addressee"))
        flow.append(layout.para(p, esc(
            f"你于{_date(doc.accepted_at.date())}提交的{_matter(doc)}申请材料齐全、符合法定形式，"
            f"本中心决定予以受理。请凭本通知书查询办理进度、领取办理结果。")))
        matter = Field("事项名称", doc.matter_name)
        code = Field("事项编码", doc.matter_code)
        channel = Field("受理渠道", doc.channel)
        at = Field("受理时间", _datetime(doc.accepted_at))
        legal = Field("法定办结时限", _days(doc.legal_days, doc.legal_days_unit))
        promised = Field("承诺办结时限", _days(doc.promised_days, "工作日"))
        due = Field("承诺办结日期", _promised_date(doc))
        fee = Field("是否收费", _fee(doc.fee))
        delivery = Field("结果送达方式", _delivery(doc))
        clerk = Field("受理人", doc.clerk_name)
        clerk_phone = Field("受理人电话", doc.clerk_phone)
        query = Field("进度查询方式", _progress_query(doc))
        if p.kv_pairs >= 3:
            if doc.applicant.address:
                rows = [[matter, code, channel], *_people_rows(p, doc, [at]), [legal, promised, due],
                        [clerk, clerk_phone, fee], [delivery], [query]]
            else:
                rows = [[matter, code, channel], *_people_rows(p, doc), [at, clerk, clerk_phone],
                        [legal, promised, due], [fee, delivery], [query]]
        else:
            rows = [[matter, code], *_people_rows(p, doc), [channel, at], [legal, promised], [due, fee],
                    [delivery], [clerk, clerk_phone], [query]]
        flow += layout.kv_table(p, rows)
        flow += layout.section(p, "接收材料清单")
        flow += _materials(p, doc.materials, mark_returned=True)
        return _closing(p, doc, flow, "温馨提示", [
            "承诺办结时限自受理之日起计算；依法需要现场踏勘、公示、专家评审等的，所需时间不计算在内。",
            "领取办理结果时请携带本通知书和申请人身份证件；委托他人领取的，另带委托书和受托人身份证件。",
        ])

    return _render(doc, paper, "受理通知书", story)


def _application_info(p: Paper, doc: IntakeDocument, hall_phone: bool = True) -> list[Flowable]:
    """申请信息: who applied, when and how, and who handled it (the notices' shared table).
    ``hall_phone``: False when the notes below give the hall's phone (then it is left out here)."""
    at = Field("收件时间", _datetime(doc.accepted_at))
    channel = Field("收件渠道", doc.channel)
    clerk = Field("经办人", doc.clerk_name)
    clerk_phone = Field("经办人电话", doc.clerk_phone)
    hall = Field("咨询电话", doc.office.hall_phone)
    if p.kv_pairs >= 3:
        if hall_phone:
            rows = [*_people_rows(p, doc), [at, channel], [clerk, clerk_phone, hall]]
        elif doc.applicant.address:
            rows = [*_people_rows(p, doc, [at]), [channel, clerk, clerk_phone]]
        else:
            rows = [*_people_rows(p, doc), [at, channel], [clerk, clerk_phone]]
    else:
        rows = [*_people_rows(p, doc), [at, channel], [clerk, clerk_phone]]
        if hall_phone:
            rows.append([hall])
    return layout.section(p, "申请信息") + layout.kv_table(p, rows)


# --------------------------------------------------------------------------
# 补正材料通知书
# --------------------------------------------------------------------------

def correction_notice(doc: IntakeDocument, paper: str = "A4") -> bytes:
    """补正材料通知书: lists ALL missing materials at once (一次性告知); received ones too (on the
    short A5 sheet as one running paragraph, so a typical case stays on one sheet)."""

    def story(p: Paper) -> list[Flowable]:
        flow = _head(p, doc, "补正材料通知书")
        flow.append(layout.para(p, esc(f"{doc.applicant.name}："), "addressee"))
        if doc.promised_days > 0:
            legal = _days(doc.legal_days, doc.legal_days_unit)
            limit = f"自受理之日起{doc.promised_days}个工作日内办结（法定办结时限{legal}）"
        else:
            limit = "受理后当场办结"
        flow.append(layout.para(p, esc(
            f"你于{_date(doc.accepted_at.date())}提交的{_matter(doc)}申请，经审查，申请材料不齐全或者不符合"
            f"法定形式。现将需要补正的全部材料（共{len(doc.missing)}项）一次性告知如下，请补齐后再次提交。"
            f"材料补正齐全之日起本中心予以受理，{limit}。")))
        if doc.reason:
            flow.append(layout.para(p, esc(f"补正说明：{doc.reason}")))
        flow += layout.section(p, f"需要补正的材料（共{len(doc.missing)}项）")
        flow += _materials(p, doc.missing)
        if p.compact and doc.materials:
            # a short sheet has room for one list only: the received materials run on as text
            flow += [Spacer(1, p.body_size * 0.3), layout.para(p, _received_inline(doc.materials), "plain")]
        else:
            flow += layout.section(p, "已接收的材料")
            flow += _materials(p, doc.materials, mark_returned=True, empty_text="（本次未接收材料）")
        flow += _application_info(p, doc, hall_phone=False)  # the notes below give it
        return _closing(p, doc, flow, "告知事项", [
            "依据《中华人民共和国行政许可法》第三十二条第一款第（四）项，申请材料不齐全或者不符合法定形式的，"
            "应当当场或者在五日内一次告知申请人需要补正的全部内容，逾期不告知的，自收到申请材料之日起即为受理。",
            "补正材料时请携带本通知书；已接收的材料无需重复提交。"
            + (f"如有疑问，请拨打服务大厅电话 {doc.office.hall_phone}。" if doc.office.hall_phone else ""),
        ])

    return _render(doc, paper, "补正材料通知书", story)


# --------------------------------------------------------------------------
# 不予受理通知书
# --------------------------------------------------------------------------

def rejection_notice(doc: IntakeDocument, paper: str = "A4") -> bytes:
    """不予受理通知书: why the application is not accepted and how the applicant can challenge it."""

    def story(p: Paper) -> list[Flowable]:
        flow = _head(p, doc, "不予受理通知书")
        flow.append(layout.para(p, esc(f"{doc.applicant.name}："), "addressee"))
        flow.append(layout.para(p, esc(
            f"你于{_date(doc.accepted_at.date())}提出的{_matter(doc)}申请，经审查，本中心决定不予受理。理由如下：")))
        flow.append(layout.para(p, esc(doc.reason or "（未填写理由）")))
        flow.append(layout.para(p, esc(doc.remedies or default_remedies(doc.office))))
        flow += _application_info(p, doc)
        if doc.materials:
            flow += layout.section(p, "退还材料清单")
            flow += _materials(p, doc.materials)
        return _closing(p, doc, flow, "", [])

    return _render(doc, paper, "不予受理通知书", story)


# --------------------------------------------------------------------------
# 办结通知书
# --------------------------------------------------------------------------

def completion_notice(doc: CompletionDocument, paper: str = "A4") -> bytes:
    """办结通知书: the matter is finished — the decision (准予, or 不予 with the reason and the
    remedies), the result document's number, and where and how to collect it (自取) or where it is
    mailed (邮寄).  It is the pick-up slip, so it carries the number as Code128 and QR code."""
    granted = doc.decision == "准予"
    pickup = doc.delivery == "自取"

    def story(p: Paper) -> list[Flowable]:
        flow = _head(p, doc, "办结通知书", "受理编号", codes=True)
        flow.append(layout.para(p, esc(f"{doc.applicant.name}："), "addressee"))
        opening = f"你于{_date(doc.accepted_at.date())}提交的{_matter(doc)}申请，经审查，"
        if granted:
            then = "请按下列领取须知领取办理结果。" if pickup else "办理结果将邮寄送达。"
            flow.append(layout.para(p, esc(
                f"{opening}符合法定条件、标准，本中心依法作出准予办理的决定，已于"
                f"{_date(doc.completed_at.date())}办结。{then}")))
        else:
            flow.append(layout.para(p, esc(
                f"{opening}不符合法定条件、标准，本中心依法作出不予办理的决定，已于"
                f"{_date(doc.completed_at.date())}办结。理由如下：")))
            flow.append(layout.para(p, esc(doc.result_note or "（未填写理由）")))
            flow.append(layout.para(p, esc(doc.remedies or default_remedies(doc.office))))

        matter = Field("事项名称", doc.matter_name)
        code = Field("事项编码", doc.matter_code)
        result = Field("办理结果", doc.decision)
        accepted = Field("受理时间", _datetime(doc.accepted_at))
        promised = Field("承诺办结日期", _date(doc.promised_date)) if doc.promised_date else None
        completed = Field("办结时间", _datetime(doc.completed_at))
        ref = Field("结果文书编号", doc.result_ref)
        delivery = Field("送达方式", doc.delivery)
        clerk = Field("经办人", doc.clerk_name)
        clerk_phone = Field("经办人电话", doc.clerk_phone)
        hall = Field("咨询电话", doc.office.hall_phone)
        note = [Field("结果说明", doc.result_note)] if granted and doc.result_note else []
        mail = [Field("邮寄地址", doc.delivery_address)] if not pickup else []
        people = _party_rows(p, doc.applicant, "申请人", address=False)
        times = [accepted, promised, completed] if promised else [accepted, completed]
        if p.kv_pairs >= 3:
            rows = [[matter, code, result], *people, times, [delivery, ref], mail, [clerk, clerk_phone, hall], note]
        elif p.roll:
            rows = [[matter, code], *people, times, [result, ref], note, [delivery], mail, [clerk, clerk_phone]]
        else:
            rows = [[matter, code], *people, times[:2], times[2:] + [result], [delivery, ref], mail,
                    [clerk, clerk_phone], note]
        flow += layout.kv_table(p, [row for row in rows if row])

        if pickup:
            place, hours, bring, ask = default_pickup(doc)
            heading = "领取须知"
            place, hours, bring, ask = (part.strip().rstrip("。；;.") for part in (place, hours, bring, ask))
            notes = [f"领取地点：{place}。", f"领取时间：{hours}。", f"携带材料：{bring}。",
                     f"{ask}；领取时请当场核对办理结果。"]
            sign_lines: Sequence[str] = ("领取人签收：", "领取日期：")
            keep = "请凭本通知书领取办理结果"
        else:
            heading = "温馨提示"
            phone = doc.office.hall_phone
            notes = ["请保持电话畅通，注意查收；收到后请核对办理结果，如有错漏或逾期未收到，"
                     + (f"请拨打服务大厅电话 {phone}。" if phone else "请与服务大厅联系。")]
            sign_lines = ()
            keep = "请妥善保管本通知书"
        return _closing(p, doc, flow, heading, notes, on=doc.completed_at.date(), sign_lines=sign_lines,
                        keep_text=keep)

    return _render(doc, paper, "办结通知书", story)


# --------------------------------------------------------------------------
# 收费收据（一窗收费: the fee is paid at the window that took the application）
# --------------------------------------------------------------------------



PAYMENT_METHODS = ("现金", "微信", "支付宝", "银行卡")

_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_GROUP_UNITS = ("", "万", "亿")
_MAX_CENTS = 99_999_999_99          # ¥99,999,999.99


def _amount_cents(amount: Decimal) -> int:
    """The amount in 分; ValueError unless 0.01 ≤ amount ≤ 99,999,999.99 with at most two decimals."""
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"金额应为 Decimal，不能是 {type(amount).__name__}：{amount!r}")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError(f"金额无效：{amount}")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"金额最多两位小数（到分）：{amount}")
    cents = int(cents)
    if cents <= 0:
        raise ValueError(f"收费金额必须大于零：{amount}")
    if cents > _MAX_CENTS:
        raise ValueError(f"收费金额超出可打印范围（最多 99,999,999.99 元）：{amount}")
    return cents


def _group_in_words(group: int) -> str:
    """0 < group < 10000 → e.g. 1005 壹仟零伍, 1010 壹仟零壹拾, 10 壹拾 (no leading 零)."""
    words, pending_zero = "", False
    for place, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = group // place % 10
        if digit == 0:
            pending_zero = bool(words)
            continue
        if pending_zero:
            words += "零"
            pending_zero = False
        words += _CAPITAL_DIGITS[digit] + unit
    return words


def _integer_in_words(n: int) -> str:
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    words, skipped = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            skipped = bool(words)
            continue
        if words and (skipped or group < 1000):     # 壹拾万零壹拾, 壹亿零伍佰万
            words += "零"
        words += _group_in_words(group) + _GROUP_UNITS[index]
        skipped = False
    return words


def amount_in_words(amount: Decimal) -> str:
    """中文大写金额 for 0.01 … 99,999,999.99 元, e.g. 40 → 肆拾元整, 1005.50 → 壹仟零伍元伍角,
    10.05 → 壹拾元零伍分, 0.05 → 伍分.  ValueError for zero, negative, more than two decimals or
    too large an amount.  No "人民币" prefix: the document adds it."""
    cents = _amount_cents(amount)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    words = _integer_in_words(yuan) + "元" if yuan else ""
    if jiao:
        words += _CAPITAL_DIGITS[jiao] + "角"
    elif fen and yuan:
        words += "零"
    if fen:
        words += _CAPITAL_DIGITS[fen] + "分"
    if not jiao and not fen:
        words += "整"
    return words


def _amount_figures(amount: Decimal) -> str:
    return f"¥{Decimal(amount).quantize(Decimal('0.01')):,}"


@dataclass(frozen=True)
class FeePayment:
    """One fee paid at the window.  ``method``: one of ``PAYMENT_METHODS``; ``basis``: 收费依据
    (the charging document), printed as "—" when empty.  The amount must be printable: more than
    zero, whole 分, at most 99,999,999.99 (ValueError otherwise)."""

    receipt_no: str
    case_number: str                  # 受理编号 of the matter the fee belongs to
    matter_name: str
    payer: Party
    amount: Decimal
    method: str
    paid_at: datetime
    clerk_name: str                   # 收款人
    basis: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        _amount_cents(self.amount)


def fee_receipt(payment: FeePayment, office: Office, paper: str = "80mm") -> bytes:
    """收费收据: what was paid, for which case, how and to whom, in figures and 大写, with the
    收费专用章 mark.  The payer's ID number is masked like on the intake documents."""

    def story(p: Paper) -> list[Flowable]:
        flow = layout.title_block(p, office_title(office), "收费收据", payment.receipt_no, "收据编号")
        case = Field("受理编号", payment.case_number)
        matter = Field("事项名称", payment.matter_name)
        payer = Field("缴费人", payment.payer.name)
        ident = Field(_id_label(payment.payer), _id_text(payment.payer))
        figures = Field("收费金额", _amount_figures(payment.amount))
        words = Field("金额大写", "人民币" + amount_in_words(payment.amount))
        basis = Field("收费依据", payment.basis)
        method = Field("支付方式", payment.method)
        at = Field("收费时间", _datetime(payment.paid_at))
        clerk = Field("收款人", payment.clerk_name)
        note = [Field("备注", payment.note)] if payment.note else []
        if p.kv_pairs >= 3:
            rows = [[case, matter], [payer, ident], [figures, words], [basis], [method, at, clerk], note]
        elif p.roll:
            rows = [[case, matter, payer, ident], [basis, method, at, clerk], note]
        else:
            rows = [[case, at], [matter], [payer, ident], [figures, words], [basis], [method, clerk], note]
        flow += layout.kv_table(p, [row for row in rows if row])
        if p.roll:
            # the amount is what the slip is for: set apart and large, figures over words
            flow += [layout.rule(p, dashed=True),
                     layout.TitleLine(figures.value, p.title_size, heavy=True),
                     layout.para(p, esc(words.value), "cell_center"),
                     layout.rule(p, dashed=True)]
        if not p.roll:
            flow.append(Spacer(1, p.body_size * 0.5))
        flow.append(layout.para(p, "本收据为缴费凭证，请妥善保管。",
                                "small_center" if p.roll else "plain"))
        flow += layout.signature_block(p, sign_lines=(), office_name=office_title(office),
                                       date_text=_date(payment.paid_at.date()), seal_label="（收费专用章）")
        if p.roll:
            flow += [layout.rule(p, dashed=True),
                     layout.para(p, esc(f"收据编号 {payment.receipt_no}"), "small_center")]
        return flow

    p = layout.paper_for(paper)
    return layout.render(p, lambda: story(p), footer=f"收据编号：{payment.receipt_no}",
                         title=f"收费收据 {payment.receipt_no}", subject=payment.matter_name,
                         author=office_title(office))
