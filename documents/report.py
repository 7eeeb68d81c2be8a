"""统计报告: a period's statistics (``models.stats.figures.Statistics``) as the annual report's PDF.

- a title page for the town, the period and the scope;
- for each area a heading, the figures as sentences in the seed report's style (each with its 同比 where
  the previous year has records), the table of the figures (本期 / 上年同期 / 同比), the shares behind them
  and the charts: bars by month (this year beside last year) and shares by type, drawn with reportlab's
  chart library in the bundled, embedded CJK font.

Like every document here it is a function from data to PDF bytes (same data → same bytes).
"""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer

from documents import layout
from documents.fonts import FONT_NAME
from documents.layout import Column, esc

__all__ = ["annual_report", "CHART_COLOURS", "SECTION_NUMBERS"]

_PAPER = "A4"
SECTION_NUMBERS = "一二三四五六七八九十"
# distinguishable in print and on screen (and in grey on a black-and-white printer)
CHART_COLOURS = [colors.HexColor(c) for c in (
    "#1f5fa8", "#e07b24", "#3a9a4a", "#c23b3b", "#7b5ea7", "#8c6a4f", "#d16ba5", "#6f7f8f", "#b5a422", "#27a3b3")]
_LAST_YEAR = colors.HexColor("#b8c4d6")
_MAX_SLICES = 8             # more types than this: the smallest are summed as 其他


def _title_page(paper, stats, town: str) -> list:
    base = layout.styles_for(paper.key)
    big = ParagraphStyle("report-title", parent=base.plain, fontSize=26, leading=38, alignment=TA_CENTER)
    middle = ParagraphStyle("report-sub", parent=base.plain, fontSize=15, leading=24, alignment=TA_CENTER)
    small = ParagraphStyle("report-meta", parent=base.plain, fontSize=11, leading=20, alignment=TA_CENTER)
    made = stats.made_at
    flow = [Spacer(1, 55 * mm),
            Paragraph(esc(town or "本镇"), middle), Spacer(1, 6 * mm),
            Paragraph(esc(f"{stats.period.label}工作统计报告"), big), Spacer(1, 4 * mm),
            Paragraph(esc("一窗受理 · 矛盾纠纷调解 · 网格化管理与平安建设"), middle), Spacer(1, 40 * mm),
            Paragraph(esc(f"统计期间：{stats.period.start:%Y年%m月%d日}至{stats.period.end:%Y年%m月%d日}"), small),
            Paragraph(esc(f"同比期间：{stats.previous.start:%Y年%m月%d日}至{stats.previous.end:%Y年%m月%d日}"), small),
            Paragraph(esc(f"统计范围：{stats.scope_label}"), small),
            Paragraph(esc(f"制表：{stats.made_by}　{made:%Y年%m月%d日}"), small),
            Spacer(1, 18 * mm),
            Paragraph(esc("本报告的数字均由 TownDesk 根据各项业务记录自动统计。"
                          "“同比”与上年同期比较；上年同期没有业务记录的，不写同比。"), base.small_center),
            PageBreak()]
    return flow


def _figure_rows(area) -> list[list[str]]:
    return [[f.label, f.text, f.previous_text, f.change or "—", f.note] for f in area.figures]


def _share_rows(share) -> list[list[str]]:
    total = share.total
    rows = []
    for name, value, previous in share.items:
        if not value and not previous:
            continue
        part = f"{value / total * 100:.1f}%" if total else "—"
        rows.append([name, f"{value:,}", part, "—" if previous is None else f"{previous:,}"])
    rows.append(["合计", f"{total:,}", "100%" if total else "—",
                 "—" if any(p is None for _n, _v, p in share.items) else f"{sum(p for _n, _v, p in share.items):,}"])
    return rows


def _bars(series, width: float, height: float = 62 * mm) -> Drawing:
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 14 * mm, 14 * mm
    chart.width, chart.height = width - 20 * mm, height - 24 * mm
    data = [series.values] + ([series.previous] if series.previous is not None else [])
    chart.data = data
    chart.categoryAxis.categoryNames = series.labels
    chart.categoryAxis.labels.fontName = FONT_NAME
    chart.categoryAxis.labels.fontSize = 7 if len(series.labels) > 12 else 8
    if len(series.labels) > 16:
        chart.categoryAxis.labels.angle = 90
        chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontName = FONT_NAME
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    top = max([max(row) for row in data if row] + [0])
    if top < 5:
        chart.valueAxis.valueMax, chart.valueAxis.valueStep = 5, 1
    chart.bars[0].fillColor = CHART_COLOURS[0]
    if len(data) > 1:
        chart.bars[1].fillColor = _LAST_YEAR
    chart.bars.strokeColor = None
    chart.groupSpacing = 4
    drawing.add(chart)
    drawing.add(String(14 * mm, height - 6 * mm, f"{series.title}（{series.unit}）", fontName=FONT_NAME, fontSize=9))
    legend = Legend()
    legend.fontName, legend.fontSize = FONT_NAME, 8
    legend.x, legend.y = width - 48 * mm, height - 3 * mm
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [(CHART_COLOURS[0], "本期")] + ([(_LAST_YEAR, "上年同期")] if len(data) > 1 else [])
    legend.deltax = 22 * mm
    drawing.add(legend)
    return drawing


def _pie(share, width: float, height: float = 62 * mm) -> Drawing | None:
    items = sorted(((name, value) for name, value, _p in share.items if value), key=lambda item: -item[1])
    if not items:
        return None
    if len(items) > _MAX_SLICES:
        items = items[:_MAX_SLICES - 1] + [("其他", sum(value for _n, value in items[_MAX_SLICES - 1:]))]
    total = sum(value for _n, value in items)
    drawing = Drawing(width, height)
    pie = Pie()
    size = height - 18 * mm
    pie.x, pie.y, pie.width, pie.height = 8 * mm, 6 * mm, size, size
    pie.data = [value for _n, value in items]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 0.8
    for n in range(len(items)):
        pie.slices[n].fillColor = CHART_COLOURS[n % len(CHART_COLOURS)]
    drawing.add(pie)
    drawing.add(String(8 * mm, height - 6 * mm, f"{share.title}（共{total:,}{share.unit}）", fontName=FONT_NAME,
                       fontSize=9))
    legend = Legend()
    legend.fontName, legend.fontSize = FONT_NAME, 8
    legend.x, legend.y = size + 16 * mm, height - 14 * mm
    legend.alignment = "right"
    legend.columnMaximum = _MAX_SLICES
    legend.colorNamePairs = [(CHART_COLOURS[n % len(CHART_COLOURS)], f"{name}  {value:,}（{value / total * 100:.1f}%）")
                             for n, (name, value) in enumerate(items)]
    drawing.add(legend)
    return drawing


def _area(paper, number: int, area) -> list:
    st = layout.styles_for(paper.key)
    heading = ParagraphStyle("report-area", parent=st.section, fontSize=14, leading=20, spaceBefore=6, spaceAfter=6)
    flow = [PageBreak()] if number else []     # each area on its own pages
    flow.append(Paragraph(esc(f"{SECTION_NUMBERS[number]}、{area.title}"), heading))
    if not area.has_data:
        flow.append(layout.para(paper, esc("本期没有这方面的业务记录。")))
    for sentence in area.sentences:
        flow.append(layout.para(paper, esc(sentence)))
    for note in area.notes:
        flow.append(Paragraph(esc(note), st.small))
    flow += layout.section(paper, "（一）主要指标")
    flow += layout.list_table(paper, [Column("指标", 1.3), Column("本期", chars=6, align="center"),
                                      Column("上年同期", chars=6, align="center"), Column("同比", 1.1),
                                      Column("说明", 1.6)], _figure_rows(area), numbered=False)
    sub = 2
    for share in area.shares:
        if not share.total and not any(p for _n, _v, p in share.items):
            continue
        flow += layout.section(paper, f"（{SECTION_NUMBERS[sub - 1]}）{share.title}")
        flow += layout.list_table(paper, [Column("项目", 2), Column(f"本期（{share.unit}）", 1, align="center"),
                                          Column("占比", 1, align="center"),
                                          Column(f"上年同期（{share.unit}）", 1, align="center")],
                                  _share_rows(share), numbered=False)
        sub += 1
    charts = [_bars(series, paper.content_width) for series in area.series if any(series.values)
              or (series.previous and any(series.previous))]
    charts += [d for d in (_pie(share, paper.content_width) for share in area.shares[:2]) if d is not None]
    if charts:   # the heading stays with the first chart
        heading = layout.section(paper, f"（{SECTION_NUMBERS[sub - 1]}）图表")[-1]
        flow.append(KeepTogether([heading, charts[0], Spacer(1, 3 * mm)]))
        for drawing in charts[1:]:
            flow.append(KeepTogether([drawing, Spacer(1, 3 * mm)]))
    return flow


def annual_report(stats, town: str = "") -> bytes:
    """The statistics report of ``stats`` (a ``Statistics``) as PDF bytes."""
    paper = layout.paper_for(_PAPER)

    def story():
        flow = _title_page(paper, stats, town)
        for number, area in enumerate(stats.areas):
            flow += _area(paper, number, area)
        return flow

    return layout.render(paper, story, footer=f"{town}{stats.period.label}工作统计报告　{stats.scope_label}",
                         title=f"{town}{stats.period.label}工作统计报告", subject="统计报表", author=stats.made_by)


# --- the same statistics as an Excel workbook ----------------------------------------------------------

def _area_rows(area) -> list[list]:
    from documents.workbook import Cell

    rows = []
    for f in area.figures:
        kind = "percent" if f.percent else "int"
        rows.append(["主要指标", f.label, Cell(f.value, kind), Cell(f.previous, kind), f.change,
                     "" if f.percent else f.unit, f.note])
    for share in area.shares:
        for name, value, previous in share.items:
            rows.append([share.title, name, value, previous, "", share.unit, ""])
    for series in area.series:
        for n, label in enumerate(series.labels):
            rows.append([f"{series.title}（按月）" if "月" in label else f"{series.title}（按日）", label,
                         series.values[n], series.previous[n] if series.previous is not None else None, "",
                         series.unit, ""])
    return rows


def annual_workbook(stats, town: str = "") -> bytes:
    """The statistics of ``stats`` as an .xlsx: the report's sentences, then one sheet per area with every
    figure, share and monthly count (本期, 上年同期, 同比)."""
    from documents.workbook import Sheet, workbook_bytes

    title = f"{town}{stats.period.label}工作统计报告"
    about = (f"统计期间：{stats.period.start:%Y-%m-%d} 至 {stats.period.end:%Y-%m-%d}；同比期间："
             f"{stats.previous.start:%Y-%m-%d} 至 {stats.previous.end:%Y-%m-%d}；统计范围：{stats.scope_label}；"
             f"制表：{stats.made_by}")
    sheets = [Sheet("报告文字", ["领域", "文字"], [[area.title, "".join(area.sentences)] for area in stats.areas],
                    widths=[22, 100], notes=(title, about))]
    for area in stats.areas:
        sheets.append(Sheet(area.title, ["类别", "项目", "本期", "上年同期", "同比", "单位", "说明"], _area_rows(area),
                            kinds=["text", "text", "int", "int", "text", "text", "text"],
                            notes=(f"{title}：{area.title}", about)))
    return workbook_bytes(sheets, title=title)
