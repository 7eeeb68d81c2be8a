"""人民调解 (dispute mediation centre) printed documents: each a function from frozen dataclasses to
PDF bytes, A4 纵向 only — the papers of one 调解卷宗 (case file) in the order they are made.

- ``application``       — 人民调解申请书: each applicant's and respondent's details, 纠纷简要情况,
  each applicant's 申请事项, a signature (or fingerprint) line per applicant.
- ``registration``      — 人民调解受理登记表: the case at intake (source, type, 三调联动 channel and
  一庭两所 flags, risk colour), the parties, the facts; party, registrar and committee seal.
- ``rights_notice``     — 人民调解权利义务告知书: 人民调解法 arts. 23–24 (rights and duties), art. 4
  (free of charge), arts. 3, 15, 26, 31, 33; each party signs for it.
- ``session_record``    — 调解笔录 / 调查笔录 (from a ``SessionRecord``): time, place, who was there,
  what was said; every attendee, mediator and the recorder signs after "经核对无误".
- ``agreement``         — 人民调解协议书 (人民调解法 art. 29): the parties, 纠纷主要事实, 争议事项,
  各方责任, the numbered clauses each with 履行方式 / 期限 / 地点, the copies sentence, when it takes
  effect, its binding force (art. 31) and the 30-day 司法确认 (art. 33); the parties', the
  mediators' signatures and the committee seal — kept on one page with the last clause, so the
  signatures never stand on a page of their own.
- ``followup_record``   — 人民调解回访记录 (from a ``FollowUpRecord``).
- ``closing_report``    — 人民调解案件结案报告表.
- ``petition_registration`` — 信访登记表 (from a ``PetitionDocument``).

Conventions are those of ``documents.hall``: ``layout`` builds every part, all text is escaped with
``layout.esc`` before it goes into paragraph markup (text drawn directly on the canvas — signature
labels, seal, title — is not markup and is not escaped), long texts (facts, 笔录, clauses) are running
paragraphs that flow over pages instead of table cells that could not.  ID numbers are printed
exactly as the caller gives them in ``DisputeParty.id_text`` (the caller masks a person's number).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Callable, Sequence

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from documents import layout
from documents.layout import Column, Field, Paper, esc

__all__ = [
    "Committee",
    "DisputeParty",
    "Term",
    "DisputeDocument",
    "SessionRecord",
    "FollowUpRecord",
    "PetitionDocument",
    "PARTY_KINDS",
    "CHANNELS",
    "JOINT_OFFICES",
    "RISK_COLOURS",
    "SESSION_KINDS",
    "PERFORMANCE",
    "committee_title",
    "petition_office",
    "chinese_number",
    "copies_sentence",
    "application",
    "registration",
    "rights_notice",
    "session_record",
    "agreement",
    "followup_record",
    "closing_report",
    "petition_registration",
]

PARTY_KINDS = ("person", "organisation")
CHANNELS = ("人民调解", "行政调解", "司法调解")          # 三调联动
JOINT_OFFICES = ("人民法庭", "派出所", "司法所")        # 一庭两所
RISK_COLOURS = ("红", "橙", "黄", "蓝")                 # local practice: the default scale
SESSION_KINDS = ("调解", "调查")
PERFORMANCE = ("全部履行", "部分履行", "未履行")

_PAPER = "A4"
_CHECKED, _UNCHECKED = "■", "□"
_BLANK_DATE = "　　　　年　　月　　日"          # printed for a date still to be written by hand


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Committee:
    """The 人民调解委员会: e.g. 打通镇人民调解委员会 / 打通镇 / 綦江区 / 023-48612345."""

    name: str
    town: str
    district: str
    phone: str = ""


@dataclass(frozen=True)
class DisputeParty:
    """One party.  ``side``: "申请人" or "被申请人" (信访人 on a petition); ``kind``: "person" or
    "organisation".  ``id_text`` is printed exactly as given (the caller masks); ``id_label``
    names it (default 公民身份号码, for an organisation 统一社会信用代码)."""

    side: str
    name: str
    kind: str = "person"
    gender: str = ""
    ethnicity: str = ""
    age: int | None = None
    occupation: str = ""              # 职业或职务
    phone: str = ""
    address: str = ""                 # 单位或住址; an organisation's 住所
    id_text: str = ""
    representative: str = ""          # an organisation's 法定代表人或负责人
    claims: str = ""                  # this party's 申请事项
    id_label: str = ""                # added: what id_text is (公民身份号码, 统一社会信用代码, 护照 …)

    def __post_init__(self) -> None:
        if self.kind not in PARTY_KINDS:
            raise ValueError(f"当事人类型应为 person（自然人）或 organisation（单位）：{self.kind!r}")

    @property
    def organisation(self) -> bool:
        return self.kind == "organisation"


@dataclass(frozen=True)
class Term:
    """One clause of the agreement (人民调解法 art. 29): what, and how, by when and where it is done."""

    content: str
    manner: str = ""                  # 履行方式
    deadline: str = ""                # 履行期限
    place: str = ""                   # 履行地点


@dataclass(frozen=True)
class DisputeDocument:
    """Everything the case documents print; built by the caller from the dispute record."""

    number: str                       # 案件编号, e.g. TJ-DT00-20220315-0001
    committee: Committee
    accepted_on: date                 # 受理（受案）日期
    source: str                       # 案件来源
    dispute_type: str                 # 纠纷类型
    parties: tuple[DisputeParty, ...]
    facts: str                        # 纠纷简要情况; line breaks start new paragraphs
    channel: str = "人民调解"         # 人民调解 / 行政调解 / 司法调解
    joint: tuple[str, ...] = ()       # 一庭两所 taking part
    amount: Decimal | None = None     # 涉及金额（元）
    people_involved: int = 0
    village: str = ""
    risk_colour: str = ""             # one of risk_scale
    risk_meaning: str = ""            # what the colour means here (printed beside it)
    mediators: tuple[str, ...] = ()
    registrar: str = ""
    # 调解协议书
    agreement_number: str = ""
    dispute_points: str = ""          # 争议事项
    responsibilities: str = ""        # 各方责任
    terms: tuple[Term, ...] = ()
    agreed_on: date | None = None
    # 结案报告表
    outcome: str = ""                 # 调解成功 / 调解不成（终止调解） / 撤回 / 不予受理
    agreement_form: str = ""          # 书面协议 / 口头协议
    closed_on: date | None = None
    close_reason: str = ""
    routes: tuple[str, ...] = ()      # 仲裁 / 行政 / 诉讼 told to the parties
    judicial_confirmation: str = ""
    performance: str = ""             # 履行情况
    risk_scale: tuple[str, ...] = RISK_COLOURS   # added: the configured colour scale


@dataclass(frozen=True)
class SessionRecord:
    """调解笔录 (``kind`` "调解") or 调查笔录 ("调查"); ``content`` keeps its line breaks as paragraphs."""

    kind: str
    started_at: datetime
    ended_at: datetime | None
    place: str
    mediators: tuple[str, ...]
    attendees: tuple[str, ...]
    recorder: str
    content: str
    agreed: str = ""
    next_step: str = ""

    def __post_init__(self) -> None:
        if self.kind not in SESSION_KINDS:
            raise ValueError(f"笔录类型应为“调解”或“调查”：{self.kind!r}")
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError(f"结束时间 {self.ended_at} 早于开始时间 {self.started_at}")


@dataclass(frozen=True)
class FollowUpRecord:
    """One 回访: when, by whom, why, whether the agreement was performed and what risk remains."""

    visited_on: date
    visitor: str
    reason: str
    performed: str                    # 全部履行 / 部分履行 / 未履行
    satisfaction: str
    remaining_risk: str
    notes: str = ""
    next_visit: date | None = None
    visited: str = ""                 # added: who was visited (default: the parties)
    method: str = ""                  # added: 回访方式 (上门 / 电话 …)


@dataclass(frozen=True)
class PetitionDocument:
    """信访登记表.  The heading is ``office`` or, when empty, "{town}人民政府信访办公室"."""

    number: str                       # XF-DT00-20220401-0003
    committee: Committee
    received_at: datetime
    form: str                         # 来访 / 来信 / 网上 / 电话
    visitors: int                     # 来访人数
    petitioners: tuple[DisputeParty, ...]
    matter: str                       # 信访事项
    request: str = ""                 # 信访请求
    department: str = ""              # 承办部门
    reply_due: date | None = None
    replies: tuple[str, ...] = ()
    result: str = ""
    satisfaction: str = ""
    registrar: str = ""
    dispute_number: str = ""          # when turned into a dispute case
    office: str = ""                  # added: the heading, when not the town's 信访办公室


# --------------------------------------------------------------------------
# Wording
# --------------------------------------------------------------------------

def committee_title(committee: Committee) -> str:
    """"綦江区打通镇人民调解委员会": district, town and committee name, without repeating a part."""
    name = (committee.name or "人民调解委员会").strip()
    if committee.town and committee.town not in name:
        name = committee.town + name
    if committee.district and committee.district not in name:
        name = committee.district + name
    return name


def petition_office(p: PetitionDocument) -> str:
    return p.office.strip() or f"{p.committee.town}人民政府信访办公室"


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 35 → 三十五, 101 → 一百零一 (up to 999)."""
    if not 0 < n < 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    words = ""
    if hundreds:
        words += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            words += "零"
    if tens:
        words += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if ones:
        words += _DIGITS[ones]
    return words


def copies_sentence(doc: DisputeDocument) -> str:
    """"本协议一式三份，当事人各执一份，人民调解委员会留存一份。" — one copy a party, one for the file."""
    return f"本协议一式{chinese_number(len(doc.parties) + 1)}份，当事人各执一份，人民调解委员会留存一份。"


def _date(d: date | None) -> str:
    return _BLANK_DATE if d is None else f"{d.year}年{d.month}月{d.day}日"


def _datetime(t: datetime) -> str:
    return f"{_date(t.date())} {t.hour:02d}:{t.minute:02d}"


def _period(start: datetime, end: datetime | None) -> str:
    if end is None:
        return f"{_datetime(start)}起"
    if end.date() == start.date():
        return f"{_datetime(start)}—{end.hour:02d}:{end.minute:02d}"
    return f"{_datetime(start)}—{_datetime(end)}"


def _amount(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return f"{Decimal(amount).quantize(Decimal('0.01')):,}元"


def _age(party: DisputeParty) -> str:
    return "" if party.age is None else f"{party.age}岁"


def _id_label(party: DisputeParty) -> str:
    if party.id_label:
        return party.id_label
    return "统一社会信用代码" if party.organisation else "公民身份号码"


def _checks(options: Sequence[str], chosen: Sequence[str], suffix: str = "") -> str:
    """"■人民调解　□行政调解　□司法调解": every option, the chosen ones filled; a chosen value that
    is not among the options is added at the end."""
    chosen = [c for c in chosen if c]
    items = list(options) + [c for c in chosen if c not in options]
    return "　".join(f"{_CHECKED if o in chosen else _UNCHECKED}{o}{suffix}" for o in items)


def _names(parties: Sequence[DisputeParty]) -> str:
    return "、".join(party.name for party in parties)


def _sides(parties: Sequence[DisputeParty]) -> str:
    """"申请人：刘桂兰、王德明；被申请人：张建国" — the parties grouped by side, in order."""
    groups: dict[str, list[str]] = {}
    for party in parties:
        groups.setdefault(party.side, []).append(party.name)
    return "；".join(f"{side}：{'、'.join(names)}" for side, names in groups.items())


def _applicants(doc: DisputeDocument) -> list[DisputeParty]:
    return [party for party in doc.parties if party.side == "申请人"] or list(doc.parties[:1])


def _respondents(doc: DisputeDocument) -> list[DisputeParty]:
    applicants = _applicants(doc)
    return [party for party in doc.parties if party not in applicants]


def _party_sentence(party: DisputeParty) -> str:
    """The party as a legal document introduces it: "申请人：刘桂兰，女，汉族，58岁，农民，住……"."""
    if party.organisation:
        parts = [party.name]
        if party.id_text:
            parts.append(f"{_id_label(party)}：{party.id_text}")
        if party.address:
            parts.append(f"住所：{party.address}")
        if party.representative:
            parts.append(f"法定代表人（负责人）：{party.representative}")
        if party.phone:
            parts.append(f"联系方式：{party.phone}")
    else:
        nation = party.ethnicity.strip()
        if nation and not nation.endswith("族"):
            nation += "族"                  # 汉 → 汉族, 土家 → 土家族
        parts = [party.name, party.gender, nation, _age(party), party.occupation]
        if party.id_text:
            parts.append(f"{_id_label(party)}：{party.id_text}")
        if party.phone:
            parts.append(f"联系方式：{party.phone}")
        if party.address:
            parts.append(f"住{party.address}")
    return f"{party.side}：" + "，".join(part for part in parts if part) + "。"


def _party_rows(party: DisputeParty) -> list[list[Field]]:
    """One party as 申请书 form rows (two label/value pairs a row on A4), the first naming its side."""
    if party.organisation:
        return [[Field(party.side, party.name)],
                [Field(_id_label(party), party.id_text), Field("联系方式", party.phone)],
                [Field("法定代表人", party.representative)],
                [Field("单位住所", party.address)]]
    rows = [[Field(party.side, party.name), Field("性别", party.gender)],
            [Field("民族", party.ethnicity), Field("年龄", _age(party))],
            [Field("职业或职务", party.occupation), Field("联系方式", party.phone)]]
    if party.id_text:
        rows.append([Field(_id_label(party), party.id_text)])
    rows.append([Field("单位或住址", party.address)])
    return rows


def _parties_form(p: Paper, parties: Sequence[DisputeParty]) -> list[Flowable]:
    """Every party in one ruled form (one label width for all), a heavier rule above each party."""
    rows: list[list[Field]] = []
    starts: list[int] = []
    for party in parties:
        starts.append(len(rows))
        rows += _party_rows(party)
    flow = layout.kv_table(p, rows)
    table = flow[-1]
    if isinstance(table, Table):        # each row above has at most kv_pairs fields: one table row
        table.setStyle(TableStyle([("LINEABOVE", (0, r), (-1, r), 1.3, colors.black) for r in starts[1:]]))
    return flow


_PARTY_COLUMNS = (
    Column("身份", chars=4, align="center"),
    Column("姓名或名称", width=0.38),
    Column("性别", chars=2, align="center"),
    Column("年龄", chars=2, align="center"),
    Column("联系方式", chars=7.5, align="center"),
    Column("住址或单位", width=0.62),
)


def _party_table(p: Paper, parties: Sequence[DisputeParty]) -> list[Flowable]:
    rows = [[party.side, party.name + (f"（法定代表人：{party.representative}）"
                                       if party.organisation and party.representative else ""),
             "—" if party.organisation else party.gender,
             "—" if party.organisation or party.age is None else str(party.age),
             party.phone, party.address]
            for party in parties]
    return layout.list_table(p, _PARTY_COLUMNS, rows)


# --------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------

def _text(p: Paper, text: str, style: str = "body", empty: str = "（未填写）") -> list[Flowable]:
    """Running text, one paragraph per line of ``text`` (blank lines dropped), escaped here."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return [layout.para(p, esc(line), style) for line in lines or [empty]]


def _indented(p: Paper) -> ParagraphStyle:
    """The 履行 line under a clause: the whole paragraph indented two characters."""
    body = layout.styles_for(p.key).plain
    return ParagraphStyle("mediation-clause-detail", parent=body, leftIndent=2 * p.body_size,
                          spaceAfter=p.body_size * 0.35)


def _sentence(text: str) -> str:
    """``text`` ending with a full stop (a clause typed without one)."""
    return text if not text or text[-1] in "。；！？…）)”" else text + "。"


def _term_details(term: Term) -> str:
    parts = [f"{label}：{value.strip().rstrip('。；;')}" for label, value in
             (("履行方式", term.manner), ("履行期限", term.deadline), ("履行地点", term.place)) if value.strip()]
    return "；".join(parts) + "。" if parts else ""


def _clauses(p: Paper, terms: Sequence[Term]) -> list[Flowable]:
    """一、… with its 履行方式 / 期限 / 地点 on an indented line under it; each clause kept whole."""
    out: list[Flowable] = []
    detail_style = _indented(p)
    for n, term in enumerate(terms, 1):
        lines = [line.strip() for line in term.content.splitlines() if line.strip()] or [""]
        lines[-1] = _sentence(lines[-1])
        flow: list[Flowable] = [layout.para(p, f"{chinese_number(n)}、{esc(lines[0])}")]
        flow += [layout.para(p, esc(line)) for line in lines[1:]]
        details = _term_details(term)
        if details:
            flow.append(Paragraph(esc(details), detail_style))
        out.append(KeepTogether(flow) if len(flow) > 1 else flow[0])
    return out


def _sign_label(party: DisputeParty, person: str = "（签名或捺印）") -> list[str]:
    """The signature lines of one party: a person signs or fingerprints; an organisation seals,
    and its representative signs."""
    if party.organisation:
        lines = [f"{party.side}　{party.name}（盖章）："]
        who = f"　{party.representative}" if party.representative else ""
        lines.append(f"法定代表人或负责人{who}（签名）：")
        return lines
    return [f"{party.side}　{party.name}{person}："]


_SEAL_LABEL = "（人民调解委员会印）"


def _sealed(p: Paper, doc: DisputeDocument, sign_lines: Sequence[str], on: date | None) -> list[Flowable]:
    """The signature lines beside the committee's seal, its name and the date across it."""
    return layout.signature_block(p, sign_lines=sign_lines, office_name=committee_title(doc.committee),
                                  date_text=_date(on), seal_label=_SEAL_LABEL)


def _head(p: Paper, doc: DisputeDocument, title: str, number: str | None = None,
          label: str = "案件编号") -> list[Flowable]:
    return layout.title_block(p, committee_title(doc.committee), title, number or doc.number, label)


def _render(title: str, number: str, author: str, subject: str, make: Callable[[Paper], list[Flowable]],
            footer: str | None = None) -> bytes:
    paper = layout.paper_for(_PAPER)
    return layout.render(paper, lambda: make(paper), footer=footer or f"案件编号：{number}",
                         title=f"{title} {number}", subject=subject, author=author)


def _render_case(doc: DisputeDocument, title: str, make: Callable[[Paper], list[Flowable]],
                 footer: str | None = None) -> bytes:
    return _render(title, doc.number, committee_title(doc.committee), doc.dispute_type, make, footer)


def _case_rows(doc: DisputeDocument) -> list[list[Field]]:
    """What every case form says about the case itself."""
    risk = ""
    if doc.risk_colour:
        risk = _checks(doc.risk_scale, [doc.risk_colour])
        if doc.risk_meaning:
            risk += f"（{doc.risk_meaning}）"
    return [
        [Field("案件来源", doc.source), Field("纠纷类型", doc.dispute_type)],
        [Field("所在村（社区）", doc.village), Field("涉及人数", f"{doc.people_involved}人" if doc.people_involved else "")],
        [Field("涉及金额", _amount(doc.amount)), Field("人民调解员", "、".join(doc.mediators))],
        [Field("调解类型", _checks(CHANNELS, [doc.channel]))],
        [Field("一庭两所参与", _checks(JOINT_OFFICES, doc.joint))],
        [Field("风险等级", risk)],
    ]


# --------------------------------------------------------------------------
# 人民调解申请书
# --------------------------------------------------------------------------

def application(doc: DisputeDocument) -> bytes:
    """人民调解申请书: who applies against whom, what happened, what each applicant asks for; each
    applicant signs (or fingerprints) it."""
    applicants, respondents = _applicants(doc), _respondents(doc)

    def story(p: Paper) -> list[Flowable]:
        flow = _head(p, doc, "人民调解申请书")
        flow += layout.section(p, "当事人基本情况")
        flow += _parties_form(p, applicants + respondents)
        flow += layout.section(p, "纠纷简要情况")
        flow += _text(p, doc.facts)
        flow += layout.section(p, "申请事项")
        claimed = [party for party in applicants if party.claims.strip()]
        if len(claimed) == 1 and len(applicants) == 1:
            flow += _text(p, claimed[0].claims)
        else:
            for party in claimed:
                lines = [line.strip() for line in party.claims.splitlines() if line.strip()]
                flow.append(layout.para(p, f"{esc(party.name)}：{esc(lines[0])}"))
                flow += [layout.para(p, esc(line)) for line in lines[1:]]
            if not claimed:
                flow += _text(p, "")
        who = "本人（单位）" if len(applicants) == 1 else "我们"
        flow.append(Spacer(1, p.body_size * 0.3))
        last = KeepTogether([
            layout.para(p, esc(f"{committee_title(doc.committee)}："), "addressee"),
            layout.para(p, esc(f"{who}已了解人民调解的性质、原则和效力，自愿申请你委员会对上述纠纷进行调解。"))])
        lines = [line for party in applicants for line in _sign_label(party, "（签名或捺印）")]
        return layout.keep_with_end(p, flow + [last], layout.signature_lines(p, lines, f"申请日期：{_date(doc.accepted_on)}"))

    return _render_case(doc, "人民调解申请书", story)


# --------------------------------------------------------------------------
# 人民调解受理登记表
# --------------------------------------------------------------------------

def registration(doc: DisputeDocument) -> bytes:
    """人民调解受理登记表: the case as accepted, the parties, the facts; the applicant and the
    registrar sign, the committee seals."""

    def story(p: Paper) -> list[Flowable]:
        flow = _head(p, doc, "人民调解受理登记表")
        rows = [[Field("受理日期", _date(doc.accepted_on)), Field("登记人", doc.registrar)]]
        rows += _case_rows(doc)
        flow += layout.kv_table(p, rows)
        flow += layout.section(p, "当事人")
        flow += _party_table(p, doc.parties)
        flow += layout.section(p, "纠纷简要情况")
        flow.append(KeepTogether(_text(p, doc.facts)))      # its end goes with the signatures
        lines = [line for party in _applicants(doc) for line in _sign_label(party)]
        lines.append(f"登记人{'　' + doc.registrar if doc.registrar else ''}（签名）：")
        return layout.keep_with_end(p, flow, _sealed(p, doc, lines, doc.accepted_on))

    return _render_case(doc, "人民调解受理登记表", story)


# --------------------------------------------------------------------------
# 人民调解权利义务告知书
# --------------------------------------------------------------------------

RIGHTS = (
    "选择或者接受人民调解员；",
    "接受调解、拒绝调解或者要求终止调解；",
    "要求调解公开进行或者不公开进行；",
    "自主表达意愿、自愿达成调解协议。",
)
DUTIES = (
    "如实陈述纠纷事实；",
    "遵守调解现场秩序，尊重人民调解员；",
    "尊重对方当事人行使权利。",
)


RIGHTS_NOTES = (
    "人民调解委员会调解民间纠纷，不收取任何费用（《中华人民共和国人民调解法》第四条）。",
    "人民调解在当事人自愿、平等的基础上进行，不违背法律、法规和国家政策，尊重当事人的权利，"
    "不因调解而阻止当事人依法通过仲裁、行政、司法等途径维护自己的权利（第三条）。",
    "人民调解员不得泄露当事人的个人隐私、商业秘密（第十五条）。",
    "调解不成的，人民调解员终止调解，并告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利"
    "（第二十六条）。",
    "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行（第三十一条）；"
    "双方当事人认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司法确认（第三十三条）。",
)


def rights_notice(doc: DisputeDocument) -> bytes:
    """人民调解权利义务告知书: the parties' rights (人民调解法 art. 23) and duties (art. 24), that
    mediation is free (art. 4) and what an agreement means; every party signs for it."""

    def story(p: Paper) -> list[Flowable]:
        flow = _head(p, doc, "人民调解权利义务告知书")
        flow.append(layout.para(p, esc(f"{_names(doc.parties)}："), "addressee"))
        mediators = f"本案人民调解员：{'、'.join(doc.mediators)}。" if doc.mediators else ""
        flow.append(layout.para(p, esc(
            f"你（单位）与{'对方当事人' if len(doc.parties) > 1 else '相关方'}之间的{doc.dispute_type}"
            f"（案件编号 {doc.number}），本委员会已于{_date(doc.accepted_on)}受理。{mediators}"
            f"人民调解委员会是依法设立的调解民间纠纷的群众性组织。根据《中华人民共和国人民调解法》，"
            f"现将当事人在人民调解活动中享有的权利和承担的义务告知如下：")))
        flow += layout.section(p, "一、当事人享有下列权利（第二十三条）")
        flow += [layout.para(p, esc(f"（{chinese_number(n)}）{text}")) for n, text in enumerate(RIGHTS, 1)]
        flow += layout.section(p, "二、当事人履行下列义务（第二十四条）")
        flow += [layout.para(p, esc(f"（{chinese_number(n)}）{text}")) for n, text in enumerate(DUTIES, 1)]
        flow += layout.section(p, "三、其他告知事项")
        ending = [layout.para(p, esc(f"（{chinese_number(n)}）{text}")) for n, text in enumerate(RIGHTS_NOTES, 1)]
        if doc.committee.phone:
            ending.append(layout.para(p, esc(f"如有疑问，请拨打{committee_title(doc.committee)}电话 {doc.committee.phone}。")))
        ending.append(layout.para(p, esc("以上权利义务已告知，当事人已收到本告知书。"), "plain"))
        flow.append(KeepTogether(ending))
        lines = [line for party in doc.parties for line in _sign_label(party, "（签收）")]
        return layout.keep_with_end(p, flow, _sealed(p, doc, lines, doc.accepted_on))

    return _render_case(doc, "人民调解权利义务告知书", story)


# --------------------------------------------------------------------------
# 调解笔录 / 调查笔录
# --------------------------------------------------------------------------

def session_record(doc: DisputeDocument, session: SessionRecord) -> bytes:
    """调解笔录 or 调查笔录: when and where, who took part, what was said; everyone signs after the
    record was read back ("经核对无误")."""
    title = f"{session.kind}笔录"
    mediation = session.kind == "调解"
    host = "调解员" if mediation else "调查人"

    def story(p: Paper) -> list[Flowable]:
        flow = _head(p, doc, title)
        flow += layout.kv_table(p, [
            [Field("时间", _period(session.started_at, session.ended_at)), Field("地点", session.place)],
            [Field(host, "、".join(session.mediators)), Field("记录人", session.recorder)],
            [Field("参加人", "、".join(session.attendees))],
            [Field("案由", doc.dispute_type), Field("当事人", _names(doc.parties))],
        ])
        parts = [("笔录内容", session.content, "plain")]
        if session.agreed.strip():
            parts.append(("达成意见" if mediation else "调查结论", session.agreed, "body"))
        if session.next_step.strip():
            parts.append(("下一步工作", session.next_step, "body"))
        for n, (heading, text, style) in enumerate(parts, 1):
            flow += layout.section(p, heading)
            if n < len(parts):
                flow += _text(p, text, style)
            else:   # the last part and the read-back line go with the signatures (its end, when long)
                flow.append(KeepTogether(_text(p, text, style) + [Spacer(1, p.body_size * 0.5), layout.para(
                    p, esc("以上笔录已交参加人阅看（或向其宣读），经核对无误。"), "plain")]))
        lines = [f"{name}（签名或捺印）：" for name in session.attendees]
        lines += [f"{host}　{name}（签名）：" for name in session.mediators]
        lines.append(f"记录人{'　' + session.recorder if session.recorder else ''}（签名）：")
        return layout.keep_with_end(p, flow, layout.signature_lines(p, lines, _date(session.started_at.date())))

    return _render_case(doc, title, story)


# --------------------------------------------------------------------------
# 人民调解协议书
# --------------------------------------------------------------------------

EFFECT_CLAUSE = "本协议自各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效。"

AGREEMENT_NOTES = (
    "本协议具有法律约束力，当事人应当按照约定履行（《中华人民共和国人民调解法》第三十一条）；"
    "当事人之间就本协议的履行或者内容发生争议的，一方当事人可以向人民法院提起诉讼（第三十二条）。",
    "双方当事人认为有必要的，可以自本协议生效之日起三十日内共同向人民法院申请司法确认（第三十三条）；"
    "人民法院确认本协议有效后，一方拒绝履行或者未全部履行的，对方当事人可以向人民法院申请强制执行。",
)


def agreement(doc: DisputeDocument) -> bytes:
    """人民调解协议书 (人民调解法 art. 29).  ValueError when the case has no written clauses."""
    if not doc.terms:
        raise ValueError("该案件没有书面调解协议条款")
    number = doc.agreement_number or doc.number
    footer = f"协议编号：{number}" + (f"　案件编号：{doc.number}" if number != doc.number else "")

    def story(p: Paper) -> list[Flowable]:
        flow = _head(p, doc, "人民调解协议书", number, "编号")
        flow.append(Spacer(1, p.body_size * 0.3))
        flow += [layout.para(p, esc(_party_sentence(party)), "plain") for party in doc.parties]
        flow += layout.section(p, "纠纷主要事实")
        flow += _text(p, doc.facts)
        if doc.dispute_points.strip():
            flow += layout.section(p, "争议事项")
            flow += _text(p, doc.dispute_points)
        if doc.responsibilities.strip():
            flow += layout.section(p, "各方责任")
            flow += _text(p, doc.responsibilities)
        flow += layout.section(p, "协议内容")
        flow.append(layout.para(p, esc("经调解，各方当事人自愿达成如下协议：")))
        flow += _clauses(p, doc.terms)
        # copies and effect in the text; the legal consequences as small-print notes under it
        tail: list[Flowable] = [layout.para(p, esc(EFFECT_CLAUSE + copies_sentence(doc)))]
        tail += layout.notes(p, "告知事项", AGREEMENT_NOTES)
        lines = [line for party in doc.parties for line in _sign_label(party, "（签名或按指印）")]
        lines += [f"人民调解员　{name}（签名）：" for name in doc.mediators] or ["人民调解员（签名）："]
        tail += _sealed(p, doc, lines, doc.agreed_on)
        # the last clause, the closing sentences, the signatures and the seal on one page
        return layout.keep_with_end(p, flow, tail)

    return _render_case(doc, "人民调解协议书", story, footer=footer)


# --------------------------------------------------------------------------
# 回访记录
# --------------------------------------------------------------------------

def followup_record(doc: DisputeDocument, visit: FollowUpRecord) -> bytes:
    """人民调解回访记录: whether the agreement was performed, the parties' satisfaction, the risk left."""

    def story(p: Paper) -> list[Flowable]:
        flow = _head(p, doc, "人民调解回访记录")
        flow += layout.kv_table(p, [
            [Field("协议编号", doc.agreement_number), Field("纠纷类型", doc.dispute_type)],
            [Field("当事人", _sides(doc.parties))],
            [Field("回访日期", _date(visit.visited_on)), Field("回访人", visit.visitor)],
            [Field("被回访人", visit.visited or _names(doc.parties)), Field("回访方式", visit.method)],
            [Field("回访事由", visit.reason)],
            [Field("履行情况", _checks(PERFORMANCE, [visit.performed]))],
            [Field("满意度", visit.satisfaction),
             Field("下次回访", _date(visit.next_visit) if visit.next_visit else "无需再次回访")],
            [Field("遗留风险", visit.remaining_risk)],
        ])
        flow += layout.section(p, "回访情况")
        flow.append(KeepTogether(_text(p, visit.notes, empty="（无）")))
        lines = [f"被回访人{'　' + visit.visited if visit.visited else ''}（签名或捺印）：",
                 f"回访人{'　' + visit.visitor if visit.visitor else ''}（签名）："]
        return layout.keep_with_end(p, flow, layout.signature_lines(p, lines, _date(visit.visited_on)))

    return _render_case(doc, "人民调解回访记录", story)


# --------------------------------------------------------------------------
# 人民调解案件结案报告表
# --------------------------------------------------------------------------

def closing_report(doc: DisputeDocument) -> bytes:
    """人民调解案件结案报告表: the case from 受案 to 结案 — source, type, parties, facts, outcome, the
    agreement (its number and date; the clauses are in the 协议书), performance, 司法确认, why it
    ended and the routes the parties were told."""

    def story(p: Paper) -> list[Flowable]:
        flow = _head(p, doc, "人民调解案件结案报告表")
        rows = [[Field("受案时间", _date(doc.accepted_on)),
                 Field("结案时间", _date(doc.closed_on) if doc.closed_on else "")]]
        rows += _case_rows(doc)
        rows += [
            [Field("调解结果", doc.outcome), Field("协议形式", doc.agreement_form)],
            [Field("协议编号", doc.agreement_number),
             Field("协议日期", _date(doc.agreed_on) if doc.agreed_on else "")],
            [Field("司法确认", doc.judicial_confirmation or "未申请")],
            [Field("履行情况", doc.performance)],
        ]
        flow += layout.kv_table(p, rows)
        flow += layout.section(p, "当事人")
        flow += _party_table(p, doc.parties)
        flow += layout.section(p, "纠纷简要情况")
        flow += _text(p, doc.facts)
        # the conclusion goes with the signatures (as one block when it is short enough)
        ending = layout.section(p, "结案情况")
        ending += _text(p, doc.close_reason, empty=f"{doc.outcome or '已结案'}。")
        if doc.routes:
            ending.append(layout.para(p, esc(
                f"已告知当事人可以依法通过{'、'.join(doc.routes)}等途径维护自己的权利。")))
        flow += [*ending[:2], KeepTogether(ending[2:])]
        lines = [f"人民调解员　{name}（签名）：" for name in doc.mediators] or ["人民调解员（签名）："]
        lines.append("人民调解委员会主任（签名）：")
        return layout.keep_with_end(p, flow, _sealed(p, doc, lines, doc.closed_on))

    return _render_case(doc, "人民调解案件结案报告表", story)


# --------------------------------------------------------------------------
# 信访登记表
# --------------------------------------------------------------------------

_PETITIONER_COLUMNS = (
    Column("姓名", width=0.36),
    Column("性别", chars=2, align="center"),
    Column("年龄", chars=2, align="center"),
    Column("联系电话", chars=7.5, align="center"),
    Column("证件号码", chars=10, align="center"),
    Column("住址", width=0.64),
)


def petition_registration(p_doc: PetitionDocument) -> bytes:
    """信访登记表: who came (or wrote), when and how, the matter and request, the department it went
    to, the replies and the result."""
    office = petition_office(p_doc)

    def story(p: Paper) -> list[Flowable]:
        flow = layout.title_block(p, office, "信访登记表", p_doc.number, "登记编号")
        flow += layout.kv_table(p, [
            [Field("登记时间", _datetime(p_doc.received_at)), Field("信访形式", p_doc.form)],
            [Field("来访人数", f"{p_doc.visitors}人" if p_doc.visitors else ""), Field("登记人", p_doc.registrar)],
        ])
        flow += layout.section(p, "信访人")
        flow += layout.list_table(p, _PETITIONER_COLUMNS, [
            [party.name, "—" if party.organisation else party.gender,
             "—" if party.organisation or party.age is None else str(party.age),
             party.phone, party.id_text, party.address] for party in p_doc.petitioners])
        flow += layout.section(p, "信访事项")
        flow += _text(p, p_doc.matter)
        if p_doc.request.strip():
            flow += layout.section(p, "信访请求")
            flow += _text(p, p_doc.request)
        flow += layout.section(p, "办理情况")
        flow += layout.kv_table(p, [
            [Field("承办部门", p_doc.department),
             Field("答复期限", _date(p_doc.reply_due) if p_doc.reply_due else "")],
            [Field("办理结果", p_doc.result)],
            [Field("满意度", p_doc.satisfaction), Field("转入调解", p_doc.dispute_number)],
        ])
        if p_doc.replies:
            flow += layout.section(p, "答复情况")
            flow.append(KeepTogether([layout.para(p, f"{n}．{esc(reply)}")
                                      for n, reply in enumerate(p_doc.replies, 1)]))
        lines = [f"信访人　{party.name}（签名或捺印）：" for party in p_doc.petitioners] or ["信访人（签名或捺印）："]
        lines.append(f"登记人{'　' + p_doc.registrar if p_doc.registrar else ''}（签名）：")
        return layout.keep_with_end(p, flow, layout.signature_lines(p, lines, _date(p_doc.received_at.date())))

    return _render("信访登记表", p_doc.number, office, p_doc.matter[:40], story,
                   footer=f"登记编号：{p_doc.number}")
