"""The dashboard's charts (QtCharts): bars over the period — this period beside the same period of the
previous year — and a pie of a breakdown, in the application's CJK font so Chinese renders on a machine
that has none (and offscreen)."""

from __future__ import annotations

import math

from PySide6.QtCharts import (
    QAbstractBarSeries, QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QPieSeries, QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QPainter
from PySide6.QtWidgets import QApplication, QFrame

from models.stats.figures import Series, Share

# the printed report's colours (documents/report.py), so screen and paper agree
COLOURS = ("#1f5fa8", "#e07b24", "#3a9a4a", "#c23b3b", "#7b5ea7", "#8c6a4f", "#d16ba5", "#6f7f8f", "#b5a422",
           "#27a3b3")
THIS_PERIOD, LAST_YEAR = "#1f5fa8", "#b8c4d6"
MAX_SLICES = 8              # more parts than this: the smallest are summed as one slice
BAR_LABELS_UP_TO = 16       # more bars than this: no numbers over the bars (they would overlap)

_family: str | None = None


def _tr(text: str) -> str:
    return QCoreApplication.translate("stats", text)


def chart_family() -> str:
    """The font family for the charts: the application's font when it has Chinese (the app registers its
    bundled font and makes it the application font), otherwise the bundled font, registered here once."""
    global _family
    if _family is None:
        family = QApplication.font().family()
        if QFontDatabase.WritingSystem.SimplifiedChinese not in QFontDatabase.writingSystems(family):
            from ui.app import register_font

            family = register_font()
        _family = family
    return _family


def chart_font(delta: float = 0, bold: bool = False) -> QFont:
    size = QApplication.font().pointSizeF()
    font = QFont(chart_family())
    font.setPointSizeF((size if size > 0 else 10) + delta)
    font.setBold(bold)
    return font


class ChartView(QChartView):
    """A chart in a scrolling page: the wheel scrolls the page, not the chart."""

    def __init__(self, chart: QChart, height: int):
        super().__init__(chart)
        self.setRenderHint(QPainter.Antialiasing)
        self.setFrameShape(QFrame.NoFrame)
        self.setProperty("frameless", True)     # the theme's 2px frame round every QFrame: not round a chart
        self.setStyleSheet("QChartView { background: #ffffff; border: 1px solid #d3dde9; border-radius: 0; }")
        self.setMinimumHeight(height)
        self.setFocusPolicy(Qt.NoFocus)       # the same numbers are in the tables, which the keyboard reaches
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setAccessibleName(chart.title())

    def wheelEvent(self, event):  # noqa: N802 (Qt's name)
        event.ignore()


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setTitleFont(chart_font(1, bold=True))
    chart.setAnimationOptions(QChart.NoAnimation)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.legend().setFont(chart_font())
    return chart


def nice_top(value: float) -> tuple[int, int]:
    """The value axis: (top, tick count) with whole-number steps of 1, 2 or 5 × 10ⁿ and at most 7 ticks."""
    if value <= 0:
        return 5, 6
    step = 1
    while math.ceil(value / step) > 5:
        for factor in (2, 2.5, 2):        # 1 → 2 → 5 → 10 → 20 → 50 …
            step = int(step * factor)
            if math.ceil(value / step) <= 5:
                break
    top = math.ceil(value / step) * step
    if top == value:                      # room above the highest bar for its number
        top += step
    return top, top // step + 1


def bar_chart(series: Series) -> ChartView:
    """Bars by month (or by day within one month): 本期, and 上年同期 beside it when last year has records."""
    labels = list(series.labels)
    axis_title = ""
    if len(labels) > 12 and all(label.endswith("日") for label in labels):
        labels, axis_title = [label[:-1] for label in labels], _tr("日")
    by = _tr("按日") if axis_title else _tr("按月")
    chart = _chart(_tr("{0}（{1}，{2}）").format(series.title, series.unit, by))
    bars = QBarSeries()
    current = QBarSet(_tr("本期"))
    current.append([float(v) for v in series.values])
    current.setColor(QColor(THIS_PERIOD))
    current.setBorderColor(QColor(THIS_PERIOD))
    sets = [current]
    if series.previous is not None:
        before = QBarSet(_tr("上年同期"))
        before.append([float(v) for v in series.previous])
        before.setColor(QColor(LAST_YEAR))
        before.setBorderColor(QColor(LAST_YEAR))
        sets.append(before)
    for item in sets:
        item.setLabelFont(chart_font(-1))
        item.setLabelColor(QColor("#333333"))
        bars.append(item)
    if len(labels) <= BAR_LABELS_UP_TO:
        bars.setLabelsVisible(True)
        bars.setLabelsFormat("@value")
        bars.setLabelsPosition(QAbstractBarSeries.LabelsOutsideEnd)
    bars.setBarWidth(0.7 if len(sets) > 1 else 0.6)
    chart.addSeries(bars)
    x = QBarCategoryAxis()
    x.append(labels)
    x.setLabelsFont(chart_font(-1))
    x.setTitleFont(chart_font(-1))
    if axis_title:
        x.setTitleText(axis_title)
    chart.addAxis(x, Qt.AlignBottom)
    bars.attachAxis(x)
    y = QValueAxis()
    top, ticks = nice_top(max([*series.values, *(series.previous or [])], default=0))
    y.setRange(0, top)
    y.setTickCount(ticks)
    y.setLabelFormat("%d")
    y.setLabelsFont(chart_font(-1))
    y.setTitleFont(chart_font(-1))
    y.setTitleText(series.unit)
    chart.addAxis(y, Qt.AlignLeft)
    bars.attachAxis(y)
    chart.legend().setVisible(len(sets) > 1)
    chart.legend().setAlignment(Qt.AlignTop)
    view = ChartView(chart, 300)
    view.setObjectName(f"bars-{series.key}")
    view.bar_sets = sets          # for the tests and for anyone reading the numbers back
    return view


def pie_parts(share: Share) -> list[tuple[str, int]]:
    """The slices of a pie: the parts with records, largest first; beyond MAX_SLICES the smallest summed."""
    parts = sorted(((name, value) for name, value, _before in share.items if value > 0), key=lambda p: -p[1])
    if len(parts) > MAX_SLICES:
        rest = sum(value for _name, value in parts[MAX_SLICES - 1:])
        parts = parts[:MAX_SLICES - 1] + [(_tr("其余各项"), rest)]
    return parts


def percent(value: int, total: int) -> str:
    text = f"{value / total * 100:.1f}".rstrip("0").rstrip(".") if total else "0"
    return f"{text}%"


def pie_chart(share: Share) -> ChartView:
    """A breakdown as a pie; each slice (and its legend entry) reads "name n件（x%）"."""
    chart = _chart(_tr("{0}（共{1:,}{2}）").format(share.title, share.total, share.unit))
    pie = QPieSeries()
    total = share.total
    for number, (name, value) in enumerate(pie_parts(share)):
        part = pie.append(f"{name} {value:,}{share.unit}（{percent(value, total)}）", value)
        part.setColor(QColor(COLOURS[number % len(COLOURS)]))
        part.setBorderColor(QColor("#ffffff"))
        part.setLabelFont(chart_font(-1))
    pie.setPieSize(0.82)
    pie.setHorizontalPosition(0.5)
    chart.addSeries(pie)
    legend = chart.legend()
    legend.setVisible(True)
    legend.setAlignment(Qt.AlignRight)
    metrics = QFontMetrics(legend.font())     # the legend as wide as its longest entry: never "30.9…"
    widest = max((metrics.horizontalAdvance(part.label()) for part in pie.slices()), default=0)
    legend.setMinimumWidth(widest + 48)
    view = ChartView(chart, 300)
    view.setObjectName(f"pie-{share.key}")
    view.pie = pie
    return view
