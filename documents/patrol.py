"""网格巡查 (grid patrol) printed documents: each a function from frozen dataclasses to PDF bytes, A4 纵向.

- ``patrol_log``    — 巡查日志: one patrol as a signed sheet — date, shift, times, type, grids, weather,
  route, leader, participants (named and counted), 巡查情况, the findings (问题 — 处理措施 — 反馈结果 and
  what each became: 隐患整改 YH-…, 事件 SJ-…, 群众求助 QZ-…, 移交调解 TJ-…), on an inspection patrol the
  premises inspected; 巡查人 and 带队人 sign.
- ``monthly_log``   — 网格员月度工作日志: a grid worker's month — the counts, every patrol in date order
  with its findings, the care visits (names as the caller shows them: masked for most readers) and the
  key-person visits, or only their number for a reader without the right to see them; the worker signs,
  the 网格长 countersigns.
- ``hazard_notice`` — 隐患整改通知书 (复查整改通知书 after a failed verification): addressed to the party
  responsible — the place, the hazard, category and level, 整改要求, the deadline in heavy type, what
  follows otherwise, the 复查 note, the issuing centre's seal, 检查人 and the party's receipt; a 回执
  stub at the foot of the page behind a dashed cut line.

Conventions are those of ``documents.mediation``: ``layout`` builds every part, all text is escaped with
``layout.esc`` before it goes into paragraph markup, long texts are paragraphs or table cells that flow
over pages: the tables repeat their header, and a row longer than ``ROW_SHARE`` of a page goes on in
continuation rows, so a page can break inside it and the signatures still keep the last rows with them.
Names are printed exactly as the caller gives them (the caller masks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Sequence

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Table, TableStyle

from documents import layout
from documents.fonts import FONT_NAME
from documents.layout import Column, Field, Paper, esc

__all__ = [
    "Centre",
    "FindingLine",
    "InspectionLine",
    "PatrolDocument",
    "MonthlyCounts",
    "CareVisitLine",
    "KeyVisitLine",
    "MonthlyDocument",
    "HazardDocument",
    "TRANSFERS",
    "KEY_VISITS_RESTRICTED",
    "centre_title",
    "transfer_text",
    "patrol_log",
    "monthly_log",
    "hazard_notice",
]

_PAPER = "A4"
LONG_FIELD = 300                # characters: a longer route or list of participants is printed below the form
# a date to be written by hand: no-break spaces (full-width ones collapse in a paragraph)
_BLANK_DATE = "\u00a0" * 16 + "年" + "\u00a0" * 8 + "月" + "\u00a0" * 8 + "日"
_WEEKDAYS = "一二三四五六日"

# what a finding became, as the 转办 column names it (finding kinds of models.patrol.tables)
TRANSFERS = {"当场处理": "当场处理", "事件": "事件", "隐患": "隐患整改", "群众求助": "群众求助", "矛盾纠纷": "移交调解"}
KEY_VISITS_RESTRICTED = "重点人员走访记录仅限有权限人员查阅"


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Centre:
    """Who issues the documents: e.g. 打通镇 / 綦江区 / 网格化服务管理中心 (or the post's name)."""

    town: str
    district: str = ""
    name: str = "网格化服务管理中心"
    phone: str = ""


@dataclass(frozen=True)
class FindingLine:
    """One finding: ``kind`` is how it was handled (当场处理 / 事件 / 隐患 / 群众求助 / 矛盾纠纷),
    ``target`` the number of what it became (empty for one handled on the spot)."""

    category: str
    place: str
    problem: str
    measure: str = ""
    feedback: str = ""
    kind: str = "当场处理"
    target: str = ""


@dataclass(frozen=True)
class InspectionLine:
    """One premises visited on an inspection patrol and the hazards recorded there."""

    premises: str
    kind: str
    result: str
    notes: str = ""
    hazards: tuple[str, ...] = ()
    address: str = ""


@dataclass(frozen=True)
class PatrolDocument:
    """One patrol as its log prints it; ``times`` as ``patrols.local_times`` gives it ("20:00—次日01:30")."""

    number: str
    centre: Centre
    patrol_date: date
    shift: str
    times: str
    patrol_type: str
    grids: tuple[str, ...]            # "DT-01 打通村第一网格"
    route: str
    leader: str
    participants: tuple[str, ...]     # named participants, the leader first
    others: int = 0                   # 其他参加人数 (counted, not named)
    person_times: int = 0             # 合计人次
    weather: str = ""
    overview: str = ""                # 巡查情况
    recorder: str = ""
    findings: tuple[FindingLine, ...] = ()
    inspections: tuple[InspectionLine, ...] = ()
    inspection_patrol: bool = False   # a 消防安全检查 / 重点场所检查: the premises table is printed


@dataclass(frozen=True)
class MonthlyCounts:
    patrols: int = 0                  # 巡查次数
    night: int = 0                    # 其中夜间
    person_times: int = 0             # 参加人次 (the patrols' 合计人次 added up)
    findings: int = 0                 # 发现问题
    hazards: int = 0                  # 隐患 (from findings and inspections)
    events: int = 0                   # 事件
    helps: int = 0                    # 群众求助
    disputes: int = 0                 # 移交纠纷
    care_visits: int = 0              # 走访关爱对象次数
    key_visits: int = 0               # 走访重点人员次数

    def items(self) -> list[tuple[str, int]]:
        return [("巡查次数", self.patrols), ("其中夜间", self.night), ("参加人次", self.person_times),
                ("发现问题", self.findings), ("隐患", self.hazards), ("事件", self.events), ("求助", self.helps),
                ("移交纠纷", self.disputes), ("走访关爱对象次数", self.care_visits)]


@dataclass(frozen=True)
class CareVisitLine:
    """A care visit; ``subject`` as the reader may see it (masked for most)."""

    visited_on: date
    subject: str
    groups: str
    colour: str
    kind: str
    content: str
    help_given: str = ""


@dataclass(frozen=True)
class KeyVisitLine:
    visited_on: date
    name: str
    category: str
    kind: str
    situation: str
    measures: str = ""


@dataclass(frozen=True)
class MonthlyDocument:
    """A worker's month. ``key_visits`` None: the reader may not see them — only their number
    (``counts.key_visits``) is printed, with ``KEY_VISITS_RESTRICTED``."""

    centre: Centre
    worker: str                       # display name
    username: str
    year: int
    month: int
    counts: MonthlyCounts
    grids: tuple[str, ...] = ()       # "DT-01 打通村第一网格（专职）"
    patrols: tuple[PatrolDocument, ...] = ()
    care_visits: tuple[CareVisitLine, ...] = ()
    key_visits: tuple[KeyVisitLine, ...] | None = None
    phone: str = ""

    @property
    def month_text(self) -> str:
        return f"{self.year}年{self.month}月"


@dataclass(frozen=True)
class HazardDocument:
    """隐患整改通知书 (``recheck_on`` set: 复查整改通知书 — the verification of that day failed and
    ``deadline`` is the new one)."""

    number: str
    centre: Centre
    responsible: str
    place: str
    category: str
    level: str
    description: str
    requirement: str
    found_on: date
    deadline: date
    issued_on: date
    inspectors: tuple[str, ...] = ()
    premises: str = ""
    responsible_phone: str = ""
    recheck_on: date | None = None    # the failed verification
    recheck_notes: str = ""
    first_deadline: date | None = None
    round: int = 1                    # how many deadlines the hazard has had

    @property
    def title(self) -> str:
        return "复查整改通知书" if self.recheck_on is not None else "隐患整改通知书"


# --------------------------------------------------------------------------
# Wording
# --------------------------------------------------------------------------

def centre_title(centre: Centre) -> str:
    """"綦江区打通镇网格化服务管理中心": district, town and name, without repeating a part."""
    name = (centre.name or "网格化服务管理中心").strip()
    if centre.town and centre.town not in name:
        name = centre.town + name
    if centre.district and centre.district not in name:
        name = centre.district + name
    return name


def transfer_text(kind: str, target: str) -> str:
    """The 转办 cell: "隐患整改\\nYH-DT00-\\n20220715-0001" (the number broken after the post code so it
    fits the column), or "当场处理"."""
    label = TRANSFERS.get(kind, kind)
    if not target:
        return label
    head, _, tail = target.rpartition("-")
    prefix, _, day = head.rpartition("-")
    number = f"{prefix}-\n{day}-{tail}" if prefix and day else target
    return f"{label}\n{number}"


def _date(d: date | None) -> str:
    return _BLANK_DATE if d is None else f"{d.year}年{d.month}月{d.day}日"


def _day(d: date) -> str:
    return f"{d.month}月{d.day}日（星期{_WEEKDAYS[d.weekday()]}）"


def _text(p: Paper, text: str, style: str = "body", empty: str = "（无）") -> list[Flowable]:
    """Running text, one paragraph per line of ``text`` (blank lines dropped), escaped here."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return [layout.para(p, esc(line), style) for line in lines or [empty]]


def _joined(values: Sequence[str], sep: str = "、") -> str:
    return sep.join(v for v in values if v)


# A table row is never taller than this share of the page's frame: a longer one goes on in continuation
# rows (no rule between them), so a page can break inside it and the last two rows of a table always fit
# on one page with its header (``layout.keep_with_end`` keeps them with the signatures).
ROW_SHARE = 0.25


def _frame_height(p: Paper) -> float:
    return p.height - p.margin_top - p.margin_bottom


def _column_widths(p: Paper, columns: Sequence[Column]) -> list[float]:
    """The widths ``layout.list_table`` gives its columns (fixed ones first, the rest by weight)."""
    pad_h, _ = p.cell_pad

    def fixed(c: Column) -> float | None:
        if c.fixed is not None:
            return c.fixed
        return c.chars * p.cell_size + 2 * pad_h + 1 if c.chars is not None else None

    free = p.content_width - sum(fixed(c) or 0 for c in columns)
    weight = sum(c.width for c in columns if fixed(c) is None) or 1.0
    return [fixed(c) if fixed(c) is not None else free * c.width / weight for c in columns]


def _pieces(p: Paper, text: str, style: ParagraphStyle, width: float, room: float) -> list[Paragraph]:
    """The cell text as paragraphs no taller than ``room`` (one, unless it is very long)."""
    pieces: list[Paragraph] = []
    para = Paragraph(esc(text), style)
    while True:
        _, height = para.wrap(width, 0xffffff)
        if height <= room:
            return pieces + [para]
        parts = para.split(width, room)
        if len(parts) != 2:
            return pieces + [para]
        pieces.append(parts[0])
        para = parts[1]


def _ruled_table(p: Paper, columns: Sequence[Column], rows: Sequence[Sequence[str]],
                 empty_text: str = "（无）") -> list[Flowable]:
    """A numbered 清单 like ``layout.list_table`` (ruled, the header repeated on every page), whose long
    rows go on in continuation rows no taller than ``ROW_SHARE`` of a page: any text prints whole."""
    st = layout.styles_for(p.key)
    if not rows:
        return [Paragraph(esc(empty_text), st.plain)]
    cols = [Column("序号", chars=2, align="center"), *columns]
    widths = _column_widths(p, cols)
    pad_h, pad_v = p.cell_pad
    room = _frame_height(p) * ROW_SHARE - 2 * pad_v - 1
    body: list[list] = []
    ends: list[int] = []                       # the last physical row of each row
    for n, row in enumerate(rows, 1):
        cells = [_pieces(p, str(value), st.cell_center if c.align == "center" else st.cell, w - 2 * pad_h, room)
                 for value, c, w in zip([str(n), *row], cols, widths)]
        for k in range(max(len(c) for c in cells)):
            body.append([c[k] if k < len(c) else "" for c in cells])
        ends.append(len(body))                 # header is row 0: body row i is table row i + 1
    commands = [
        ("BOX", (0, 0), (-1, -1), 0.6, colors.black),
        ("LINEAFTER", (0, 0), (-2, -1), 0.6, colors.black),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), 0.6, colors.black),   # a page breaks inside a row
        ("FONT", (0, 0), (-1, -1), FONT_NAME, p.cell_size),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad_h),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad_h),
        ("TOPPADDING", (0, 0), (-1, -1), pad_v),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad_v + 1),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
    ]
    commands += [("LINEBELOW", (0, end), (-1, end), 0.6, colors.black) for end in ends]
    for end, start in zip(ends, [0, *ends[:-1]]):
        if end - start > 1:                    # a continued row: its text runs from the top down, no gaps
            commands += [("VALIGN", (0, start + 1), (-1, end), "TOP"),
                         ("BOTTOMPADDING", (0, start + 1), (-1, end - 1), 0),
                         ("TOPPADDING", (0, start + 2), (-1, end), 0)]
    header = [Paragraph(esc(c.title), st.cell_center) for c in cols]
    return [Table([header] + body, colWidths=widths, style=TableStyle(commands), repeatRows=1, hAlign="CENTER")]


# --------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------

_FINDING_COLUMNS = (
    Column("问题类别/地点", width=1.0),
    Column("问题", width=1.2),
    Column("处理措施", width=1.1),
    Column("反馈结果", width=1.0),
    Column("转办", chars=7.5),
)


def _finding_rows(findings: Sequence[FindingLine]) -> list[list[str]]:
    return [[_joined([f.category, f.place], "\n"), f.problem, f.measure or "—", f.feedback or "—",
             transfer_text(f.kind, f.target)] for f in findings]


def _findings_table(p: Paper, findings: Sequence[FindingLine], empty: str = "本次巡查未发现问题。") -> list[Flowable]:
    return _ruled_table(p, _FINDING_COLUMNS, _finding_rows(findings), empty)


_INSPECTION_COLUMNS = (
    Column("场所", width=1.0),
    Column("类别", chars=4.5, align="center"),
    Column("检查结果", width=1.2),
    Column("隐患编号", chars=11.5, align="center"),
)


def _inspections_table(p: Paper, inspections: Sequence[InspectionLine]) -> list[Flowable]:
    rows = [[_joined([i.premises, i.address], "\n"), i.kind, _joined([i.result, i.notes], "：") or "—",
             "\n".join(i.hazards) or "—"] for i in inspections]
    return _ruled_table(p, _INSPECTION_COLUMNS, rows, "本次检查未登记场所。")


def _participants(doc: PatrolDocument) -> str:
    named = _joined(doc.participants)
    return named + (f"（另有其他参加人员 {doc.others} 人）" if doc.others else "")


def _head(p: Paper, centre: Centre, title: str, number: str, label: str) -> list[Flowable]:
    return layout.title_block(p, centre_title(centre), title, number, label)


def _render(title: str, number: str, author: str, subject: str, footer: str,
            make: Callable[[Paper], list[Flowable]]) -> bytes:
    paper = layout.paper_for(_PAPER)
    return layout.render(paper, lambda: make(paper), footer=footer, title=f"{title} {number}",
                         subject=subject, author=author)


# --------------------------------------------------------------------------
# 巡查日志
# --------------------------------------------------------------------------

def _patrol_rows(doc: PatrolDocument) -> list[list[Field]]:
    return [
        [Field("巡查日期", f"{doc.patrol_date.year}年{_day(doc.patrol_date)}"), Field("班次", doc.shift)],
        [Field("巡查时间", doc.times), Field("巡查类型", doc.patrol_type)],
        [Field("巡查网格", _joined(doc.grids, "；"))],
        [Field("天气", doc.weather), Field("记录人", doc.recorder)],
        [Field("地点/路线", doc.route if len(doc.route) <= LONG_FIELD else "见下文")],
        [Field("带队人", doc.leader), Field("合计人次", f"{doc.person_times}人次")],
        [Field("参加人员", _participants(doc) if len(_participants(doc)) <= LONG_FIELD else "见下文")],
    ]


def _long_fields(p: Paper, doc: PatrolDocument) -> list[Flowable]:
    """A route or a list of participants too long for a form cell (which cannot break over pages)."""
    flow: list[Flowable] = []
    for heading, text in (("地点/路线", doc.route), ("参加人员", _participants(doc))):
        if len(text) > LONG_FIELD:
            flow += layout.section(p, heading)
            flow += _text(p, text, "plain")
    return flow


def patrol_log(doc: PatrolDocument) -> bytes:
    """巡查日志: the patrol, what was seen, every finding and what became of it, the premises inspected;
    巡查人 and 带队人 sign."""

    def story(p: Paper) -> list[Flowable]:
        flow = _head(p, doc.centre, "巡查日志", doc.number, "巡查编号")
        flow += layout.kv_table(p, _patrol_rows(doc))
        flow += _long_fields(p, doc)
        flow += layout.section(p, "巡查情况")
        flow += _text(p, doc.overview, empty="（未填写）")
        flow += layout.section(p, f"发现问题及处理情况（{len(doc.findings)} 条）" if doc.findings else "发现问题及处理情况")
        flow += _findings_table(p, doc.findings)
        if doc.inspection_patrol or doc.inspections:
            flow += layout.section(p, f"场所检查情况（{len(doc.inspections)} 家）")
            flow += _inspections_table(p, doc.inspections)
        lines = ["巡查人（签名）：", f"带队人{'　' + doc.leader if doc.leader else ''}（签名）："]
        return layout.keep_with_end(p, flow, layout.signature_lines(p, lines, f"日期：{_date(doc.patrol_date)}"))

    return _render("巡查日志", doc.number, centre_title(doc.centre), doc.patrol_type,
                   f"巡查编号：{doc.number}", story)


# --------------------------------------------------------------------------
# 网格员月度工作日志
# --------------------------------------------------------------------------

def _counts_table(p: Paper, counts: MonthlyCounts) -> list[Flowable]:
    items = counts.items()
    st = layout.styles_for(p.key)
    pad_h, _ = p.cell_pad
    widths = [max(stringWidth(label[:4], FONT_NAME, p.cell_size) + 2 * pad_h + 1, 0) for label, _ in items]
    scale = p.content_width / sum(widths)
    widths = [w * scale for w in widths]
    head = [Paragraph(esc(label), st.cell_center) for label, _ in items]
    values = [Paragraph(esc(str(value)), ParagraphStyle("count", parent=st.cell_center, fontSize=p.body_size + 2,
                                                        leading=(p.body_size + 2) * 1.4)) for _, value in items]
    table = Table([head, values], colWidths=widths, hAlign="CENTER", style=TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("FONT", (0, 0), (-1, -1), FONT_NAME, p.cell_size),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), p.cell_pad[1]),
        ("BOTTOMPADDING", (0, 0), (-1, -1), p.cell_pad[1] + 1),
    ]))
    return [table]


def _patrol_heading_style(p: Paper) -> ParagraphStyle:
    st = layout.styles_for(p.key)
    return ParagraphStyle("patrol-entry", parent=st.plain, fontSize=p.body_size + 0.5,
                          leading=(p.body_size + 0.5) * 1.45, spaceBefore=p.body_size * 0.7,
                          spaceAfter=p.body_size * 0.15)


def _patrol_detail_style(p: Paper) -> ParagraphStyle:
    st = layout.styles_for(p.key)
    return ParagraphStyle("patrol-detail", parent=st.plain, fontSize=p.cell_size, leading=p.cell_size * 1.5,
                          leftIndent=1.5 * p.body_size, spaceAfter=p.body_size * 0.25)


def _patrol_entry(p: Paper, n: int, patrol: PatrolDocument) -> list[Flowable]:
    """One patrol of the month: a heading line, its particulars, its findings and premises."""
    head = (f"{n}．{_day(patrol.patrol_date)}　{patrol.shift}　{patrol.times}　{patrol.patrol_type}"
            f"　{patrol.number}")
    detail_style = _patrol_detail_style(p)
    details = [f"巡查网格：{_joined(patrol.grids, '；') or '—'}", f"地点/路线：{patrol.route}",
               f"带队人：{patrol.leader}；参加人员：{_participants(patrol)}；合计 {patrol.person_times} 人次"
               + (f"；天气：{patrol.weather}" if patrol.weather else "")]
    if patrol.overview.strip():
        details.append("巡查情况：" + " ".join(line.strip() for line in patrol.overview.splitlines() if line.strip()))
    flow: list[Flowable] = [CondPageBreak(p.body_size * 8), Paragraph(esc(head), _patrol_heading_style(p))]
    flow += [Paragraph(esc(line), detail_style) for line in details]
    if patrol.inspections:
        visited = "、".join(f"{i.premises}（{i.result}{'，' + '、'.join(i.hazards) if i.hazards else ''}）"
                           for i in patrol.inspections)
        flow.append(Paragraph(esc(f"检查场所 {len(patrol.inspections)} 家：{visited}"), detail_style))
    if patrol.findings:
        flow += _findings_table(p, patrol.findings)
    else:
        flow.append(Paragraph(esc("发现问题：无。"), detail_style))
    return flow


_CARE_COLUMNS = (
    Column("日期", chars=5.5, align="center"),
    Column("关爱对象", chars=5, align="center"),
    Column("类别/等级", width=0.7),
    Column("方式", chars=4, align="center"),
    Column("走访情况", width=1.4),
    Column("帮扶措施", width=1.0),
)

_KEY_COLUMNS = (
    Column("日期", chars=5.5, align="center"),
    Column("姓名", chars=5, align="center"),
    Column("人员类别", width=0.9),
    Column("方式", chars=4, align="center"),
    Column("现实表现", width=1.4),
    Column("落实措施", width=1.0),
)


def _short_date(d: date) -> str:
    return f"{d.month}月{d.day}日"


def monthly_log(doc: MonthlyDocument) -> bytes:
    """网格员月度工作日志: the month's counts, each patrol with its findings, the visits; the worker
    signs and the 网格长 countersigns."""

    def story(p: Paper) -> list[Flowable]:
        flow = _head(p, doc.centre, "网格员月度工作日志", doc.month_text, "月份")
        last_day = _month_end(doc.year, doc.month)
        flow += layout.kv_table(p, [
            [Field("网格员", f"{doc.worker}（{doc.username}）"), Field("联系电话", doc.phone)],
            [Field("所属网格", _joined(doc.grids, "；") or "—")],
            [Field("统计期间", f"{doc.year}年{doc.month}月1日至{doc.month}月{last_day}日")],
        ])
        flow += layout.section(p, "本月工作概况")
        flow += _counts_table(p, doc.counts)
        flow += layout.section(p, f"巡查记录（共 {len(doc.patrols)} 次）")
        if doc.patrols:
            for n, patrol in enumerate(doc.patrols, 1):
                flow += _patrol_entry(p, n, patrol)
        else:
            flow.append(layout.para(p, esc("本月无巡查记录。"), "plain"))
        flow += layout.section(p, f"走访关爱对象（共 {len(doc.care_visits)} 次）")
        flow += _ruled_table(p, _CARE_COLUMNS, [
            [_short_date(v.visited_on), v.subject, _joined([v.groups, v.colour and f"{v.colour}色"], "\n"), v.kind,
             v.content, v.help_given or "—"] for v in doc.care_visits], "本月无走访关爱对象记录。")
        flow += layout.section(p, f"走访重点人员（共 {doc.counts.key_visits} 次）")
        if doc.key_visits is None:
            flow.append(layout.para(p, esc(f"本月走访重点人员 {doc.counts.key_visits} 次。{KEY_VISITS_RESTRICTED}。"),
                                    "plain"))
        else:
            flow += _ruled_table(p, _KEY_COLUMNS, [
                [_short_date(v.visited_on), v.name, v.category, v.kind, v.situation, v.measures or "—"]
                for v in doc.key_visits], "本月无走访重点人员记录。")
        lines = [f"网格员{'　' + doc.worker if doc.worker else ''}（签名）：", "网格长审核（签名）："]
        return layout.keep_with_end(p, flow, layout.signature_lines(p, lines, f"日期：{_BLANK_DATE}"))

    return _render("网格员月度工作日志", f"{doc.worker} {doc.month_text}", centre_title(doc.centre),
                   f"{doc.worker} {doc.month_text}", f"网格员：{doc.worker}　月份：{doc.month_text}", story)


def _month_end(year: int, month: int) -> int:
    from calendar import monthrange

    return monthrange(year, month)[1]


# --------------------------------------------------------------------------
# 隐患整改通知书
# --------------------------------------------------------------------------

class Emphasis(Flowable):
    """One line of running text set heavier (fill and a thin stroke: the font has no bold face) and a
    point larger, indented like a paragraph; it shrinks rather than wraps."""

    def __init__(self, paper: Paper, text: str, indent_chars: float = 2):
        super().__init__()
        self.paper = paper
        self.text = text
        self.size = paper.body_size + 1
        self.indent = indent_chars * paper.body_size
        self.spaceBefore = paper.body_size * 0.3
        self.spaceAfter = paper.body_size * 0.4

    def wrap(self, avail_width, avail_height):
        size = self.paper.body_size + 1
        while size > 7 and self.indent + stringWidth(self.text, FONT_NAME, size) > avail_width:
            size -= 0.5
        self.size = size
        self.width = avail_width
        self.height = size * 1.5
        return self.width, self.height

    def draw(self):
        canv = self.canv
        canv.saveState()
        canv.setFont(FONT_NAME, self.size)
        canv.setFillColor(colors.black)
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(self.size * 0.04)
        canv.drawString(self.indent, self.size * 0.35, self.text, mode=2)
        canv.restoreState()


class AtFoot(Flowable):
    """Flowables set at the foot of the page (the 回执 stub behind its cut line): it takes the rest of
    the frame and draws them at its bottom; when they do not fit, they go to the foot of the next page."""

    def __init__(self, flowables: Sequence[Flowable]):
        super().__init__()
        self.flowables = list(flowables)
        self._need = 0.0

    def _measure(self, width: float) -> float:
        total = 0.0
        for n, f in enumerate(self.flowables):
            _, h = f.wrapOn(getattr(self, "canv", None), width, 0xffffff)
            total += h + (f.getSpaceBefore() if n else 0) + (f.getSpaceAfter() if n < len(self.flowables) - 1 else 0)
        return total

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self._need = self._measure(avail_width)
        self.height = max(self._need, avail_height - 0.5) if self._need <= avail_height else self._need
        return self.width, self.height

    def split(self, avail_width, avail_height):
        return []

    def draw(self):
        y = self._need
        for n, f in enumerate(self.flowables):
            _, h = f.wrapOn(self.canv, self.width, 0xffffff)
            if n:
                y -= f.getSpaceBefore()
            y -= h
            f.drawOn(self.canv, 0, y)
            y -= f.getSpaceAfter()


class CutLine(Flowable):
    """A dashed line across the page with "（沿此线剪开）" in its middle."""

    def __init__(self, paper: Paper, text: str = "（沿此虚线剪开）"):
        super().__init__()
        self.paper = paper
        self.text = text
        self.spaceBefore = paper.body_size * 0.5
        self.spaceAfter = paper.body_size * 0.5

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = self.paper.small_size * 1.4
        return self.width, self.height

    def draw(self):
        canv = self.canv
        size = self.paper.small_size
        text_w = stringWidth(self.text, FONT_NAME, size)
        mid = self.height / 2
        gap_from = (self.width - text_w) / 2 - size * 0.5
        gap_to = (self.width + text_w) / 2 + size * 0.5
        canv.saveState()
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(0.6)
        canv.setDash(4, 3)
        canv.line(0, mid, gap_from, mid)
        canv.line(gap_to, mid, self.width, mid)
        canv.setDash()
        canv.setFont(FONT_NAME, size)
        canv.setFillColor(colors.Color(0.35, 0.35, 0.35))
        canv.drawCentredString(self.width / 2, mid - size * 0.35, self.text)
        canv.restoreState()


HAZARD_CONSEQUENCE = "逾期未整改的，将依法移交有关部门处理。"
HAZARD_NOTES = (
    "整改期间，请采取必要的防范措施，确保安全；对不能立即消除的隐患，应当设置警示标志并落实专人看管。",
    "整改完毕后，请及时告知检查人员；我中心将组织复查，复查合格的予以销号，复查不合格的将重新限期整改。",
    HAZARD_CONSEQUENCE,
)


def _hazard_rows(doc: HazardDocument) -> list[list[Field]]:
    rows = [[Field("隐患类别", doc.category), Field("隐患等级", doc.level)]]
    if doc.premises:
        rows.append([Field("场所名称", doc.premises), Field("责任人电话", doc.responsible_phone)])
    rows.append([Field("隐患地点", doc.place)] if doc.premises else
                [Field("隐患地点", doc.place), Field("责任人电话", doc.responsible_phone)])
    rows.append([Field("检查日期", _date(doc.found_on)), Field("检查人", _joined(doc.inspectors))])
    if doc.recheck_on is not None:
        rows.append([Field("复查日期", _date(doc.recheck_on))] + (
            [Field("上次整改期限", _date(doc.first_deadline))] if doc.first_deadline else []))
    return rows


def _receipt_stub(p: Paper, doc: HazardDocument) -> list[Flowable]:
    st = layout.styles_for(p.key)
    title = layout.TitleLine("回　执", p.office_size, spacing=0.2)
    text = (f"编号为 {doc.number} 的《{doc.title}》已收到。"
            f"我（单位）将于{_date(doc.deadline)}前对{doc.place}的{doc.category}隐患整改完毕，并及时告知复查。")
    sign = Table([["被检查单位（负责人）签收：", "", "签收日期：", _BLANK_DATE]],
                 colWidths=[p.body_size * 13, p.content_width - p.body_size * 13 - p.body_size * 5 - p.body_size * 9,
                            p.body_size * 5, p.body_size * 9],
                 style=TableStyle([
                     ("FONT", (0, 0), (-1, -1), FONT_NAME, p.body_size),
                     ("LINEBELOW", (1, 0), (1, 0), 0.6, colors.black),
                     ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                     ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                     ("TOPPADDING", (0, 0), (-1, -1), p.body_size), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                 ]))
    return [CutLine(p), title, Paragraph(esc(f"{centre_title(doc.centre)}："), st.plain), Paragraph(esc(text), st.body),
            Paragraph(esc(f"隐患编号：{doc.number}　责任人：{doc.responsible}"), st.small), sign]


def hazard_notice(doc: HazardDocument) -> bytes:
    """隐患整改通知书 (复查整改通知书 after a failed verification), addressed to the party responsible,
    with the issuing centre's seal, the inspectors' and the party's signatures and a 回执 stub."""
    title = doc.title
    issuer = centre_title(doc.centre)

    def story(p: Paper) -> list[Flowable]:
        flow = _head(p, doc.centre, title, doc.number, "编号")
        flow.append(layout.para(p, esc(f"{doc.responsible}："), "addressee"))
        description = [line.strip() for line in doc.description.splitlines() if line.strip()] or ["（未填写）"]
        if doc.recheck_on is None:
            flow.append(layout.para(p, esc(f"经检查，你（单位）在{doc.place}存在以下安全隐患：")))
        else:
            flow.append(layout.para(p, esc(f"{_date(doc.found_on)}经检查，你（单位）在{doc.place}存在以下安全隐患，"
                                           f"已责令限期整改：")))
        flow += [layout.para(p, esc(line)) for line in description]
        flow += layout.kv_table(p, _hazard_rows(doc))
        if doc.recheck_on is not None:
            notes = doc.recheck_notes.strip().rstrip("。；;")
            flow += layout.section(p, "复查情况")
            flow.append(layout.para(p, esc(f"{_date(doc.recheck_on)}经复查，上述隐患整改不合格"
                                           + (f"：{notes}。" if notes else "。") + "现责令你（单位）重新整改。")))
        flow += layout.section(p, "整改要求")
        flow += _text(p, doc.requirement)
        ending: list[Flowable] = [
            Emphasis(p, f"请于{_date(doc.deadline)}前整改完毕。"),
            layout.para(p, esc(HAZARD_CONSEQUENCE)),
        ]
        flow.append(KeepTogether(ending))
        notes = [n for n in HAZARD_NOTES if n != HAZARD_CONSEQUENCE]
        if doc.centre.phone:
            notes.append(f"如有疑问，请拨打{issuer}电话 {doc.centre.phone}。")
        tail = layout.signature_block(
            p, sign_lines=[f"检查人{'　' + _joined(doc.inspectors) if doc.inspectors else ''}（签名）：",
                           "被检查单位（负责人）签收："],
            office_name=issuer, date_text=_date(doc.issued_on), seal_label="（印章）",
            notes_heading="复查及说明", notes_items=notes)
        return layout.keep_with_end(p, flow, tail) + [AtFoot(_receipt_stub(p, doc))]

    return _render(title, doc.number, issuer, f"{doc.category} {doc.place}", f"编号：{doc.number}", story)
