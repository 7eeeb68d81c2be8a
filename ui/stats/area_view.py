"""One area of the dashboard (一窗受理, 矛盾纠纷调解 or 网格化管理与平安建设) for one period: the report's
sentences, the figures as cards, the charts, and the tables of the figures and of the shares behind them."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QGridLayout, QHeaderView, QLabel, QScrollArea, QSizePolicy, QTextEdit,
    QVBoxLayout, QWidget,
)

from models.stats.figures import Area, Figure, Share, Statistics
from ui.common import Column, RecordTable, RecordTableModel, hint, notice
from ui.stats.charts import bar_chart, percent, pie_chart

NO_RECORDS = "本期没有这方面的业务记录"
NO_PREVIOUS = "上年同期无记录"
CARD_COLUMNS = 5
PIES = 2                       # pies for the first two breakdowns that have records
CHANGE_COLOUR = "#37619a"      # 同比 in one neutral grey-blue: more is not simply better (差评, 隐患…)

CARD_STYLE = """
QFrame#statCard { background: #f5f8fc; border: 1px solid #d3dde9; border-radius: 6px; }
QFrame#statCard QLabel { background: transparent; border: none; }
QLabel#cardLabel { color: #555555; font-size: 13px; }
QLabel#cardValue { color: #17324f; font-size: 24px; font-weight: bold; }
QLabel#cardChange { color: %s; font-size: 13px; }
QLabel#cardBefore { color: #777777; font-size: 12px; }
QTextEdit#sentences { color: #222222; background: #ffffff; border: 1px solid #c9d3df; border-radius: 3px;
                      font-size: 14px; }
QTextEdit#sentences:focus { border: 1px solid #1f5fa8; }
""" % CHANGE_COLOUR


def _tr(text: str) -> str:
    return QCoreApplication.translate("stats", text)


def change_of(figure: Figure) -> str:
    """The 同比 a card and the table show — never blank."""
    if figure.change:
        return figure.change
    if figure.previous is None:
        return _tr(NO_PREVIOUS)
    return _tr("无法比较（本期没有可计算的数）")


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "heading")
    return label


class FigureCard(QFrame):
    """One figure: what it is, the number, its 同比 and last year's number; how it is counted as a tooltip."""

    def __init__(self, figure: Figure, parent: QWidget | None = None):
        super().__init__(parent)
        self.figure = figure
        self.setObjectName("statCard")
        self.label = QLabel(figure.label)
        self.label.setObjectName("cardLabel")
        self.label.setWordWrap(True)
        self.value = QLabel(figure.text)
        self.value.setObjectName("cardValue")
        self.change = QLabel(change_of(figure))
        self.change.setObjectName("cardChange")
        self.change.setWordWrap(True)
        self.before = QLabel(_tr("上年同期 {0}").format(figure.previous_text) if figure.previous is not None else "")
        self.before.setObjectName("cardBefore")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        for widget in (self.label, self.value, self.change, self.before):
            layout.addWidget(widget)
        self.before.setVisible(figure.previous is not None)
        layout.addStretch()
        tip = [figure.label + "：" + figure.text]
        if figure.previous is not None:
            tip.append(_tr("上年同期：{0}").format(figure.previous_text))
        if figure.note:
            tip.append(_tr("统计口径：{0}").format(figure.note))
        self.setToolTip("\n".join(tip))
        self.setMinimumWidth(170)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)


class SentenceBox(QTextEdit):
    """The report's sentences, read-only but selectable (mouse and keyboard), as tall as its text."""

    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sentences")
        self.setPlainText(text)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.setTabChangesFocus(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setAccessibleName(_tr("报告文字"))
        self._fit()

    def _fit(self) -> None:
        self.document().setTextWidth(max(200, self.viewport().width()))
        margins = self.contentsMargins()
        self.setFixedHeight(int(self.document().size().height()) + margins.top() + margins.bottom() + 6)

    def resizeEvent(self, event):  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def wheelEvent(self, event):  # noqa: N802 - nothing to scroll here: the page scrolls
        event.ignore()


def fitted_table(columns: list[Column], rows: list, widths: list[int]) -> RecordTable:
    """A RecordTable showing every row (no scrolling of its own: the page scrolls)."""
    model = RecordTableModel(columns)
    model.set_rows(rows)
    table = RecordTable(model)
    table.verticalHeader().hide()
    table.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    table.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
    header = table.horizontalHeader()
    for number, width in enumerate(widths):
        if width:
            table.setColumnWidth(number, width)
        else:
            header.setSectionResizeMode(number, QHeaderView.Stretch)
    height = header.sizeHint().height() + table.verticalHeader().defaultSectionSize() * len(rows)
    table.setFixedHeight(height + 2 * table.frameWidth() + 2)
    table.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
    return table


def share_rows(share: Share) -> list[tuple[str, str, str, str]]:
    """项目 / 本期 / 占比 / 上年同期 as the printed report lists them: parts with no records in either year
    left out, then 合计."""
    total = share.total
    rows = [(name, f"{value:,}", percent(value, total) if total else "—", "—" if before is None else f"{before:,}")
            for name, value, before in share.items if value or before]
    before_total = None if any(b is None for _n, _v, b in share.items) else sum(b for _n, _v, b in share.items)
    rows.append((_tr("合计"), f"{total:,}", "100%" if total else "—",
                 "—" if before_total is None else f"{before_total:,}"))
    return rows


class AreaView(QScrollArea):
    """The tab of one area; ``show_area`` fills it for newly computed statistics."""

    def __init__(self, key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.area: Area | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        self.cards: list[FigureCard] = []
        self.charts: list = []
        self.table: RecordTable | None = None
        self.share_tables: list[RecordTable] = []
        self.sentences: SentenceBox | None = None
        self.notes: QLabel | None = None
        self.empty: QLabel | None = None
        waiting = QWidget()
        box = QVBoxLayout(waiting)
        box.addWidget(hint(_tr("正在统计……")))
        box.addStretch()
        self.setWidget(waiting)

    def show_area(self, stats: Statistics, area: Area) -> None:
        had_focus = self.widget() is not None and self.widget().isAncestorOf(self.focusWidget() or self)
        self.area = area
        self.cards, self.charts, self.share_tables = [], [], []
        self.table = self.sentences = self.notes = self.empty = None
        page = QWidget()
        page.setObjectName("statsArea")
        page.setStyleSheet(CARD_STYLE)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(16, 8, 16, 16)
        layout.setSpacing(8)
        if not area.has_data:
            self.empty = notice(_tr(NO_RECORDS), "info")
            layout.addWidget(self.empty)
            layout.addWidget(hint(_tr("{0}（{1}）没有{2}的业务记录，因此没有数字和图表。可以在上方改选统计期间或统计范围。")
                                  .format(stats.period.label, stats.scope_label, area.title)))
            layout.addStretch()
            self.setWidget(page)
            return
        layout.addWidget(heading(_tr("报告文字")))
        self.sentences = SentenceBox("".join(area.sentences))
        layout.addWidget(self.sentences)
        if area.notes:
            self.notes = notice("\n".join(area.notes), "warn")
            layout.addWidget(self.notes)

        layout.addWidget(heading(_tr("主要数字（同比为与上年同期 {0} 相比）").format(stats.previous.label)))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        for number, figure in enumerate(area.figures):
            card = FigureCard(figure)
            self.cards.append(card)
            grid.addWidget(card, number // CARD_COLUMNS, number % CARD_COLUMNS)
        for column in range(CARD_COLUMNS):
            grid.setColumnStretch(column, 1)
        layout.addLayout(grid)

        layout.addWidget(heading(_tr("图表")))
        for series in area.series:
            if not any(series.values) and not any(series.previous or []):
                layout.addWidget(hint(_tr("{0}：本期和上年同期都没有记录，不画图。").format(series.title)))
                continue
            view = bar_chart(series)
            view.setMinimumHeight(320)
            self.charts.append(view)
            layout.addWidget(view)
        pies = QGridLayout()
        pies.setHorizontalSpacing(10)
        shown = [share for share in area.shares if share.total][:PIES]
        for number, share in enumerate(shown):
            view = pie_chart(share)
            view.setMinimumHeight(330)
            self.charts.append(view)
            pies.addWidget(view, 0, number)
            pies.setColumnStretch(number, 1)
        if shown:
            layout.addLayout(pies)

        layout.addWidget(heading(_tr("数字明细")))
        self.table = fitted_table([
            Column(_tr("指标"), lambda f: f.label),
            Column(_tr("本期"), lambda f: f.text, Qt.AlignRight | Qt.AlignVCenter),
            Column(_tr("上年同期"), lambda f: f.previous_text, Qt.AlignRight | Qt.AlignVCenter),
            Column(_tr("同比"), change_of),
            Column(_tr("说明"), lambda f: f.note),
        ], area.figures, [210, 110, 110, 230, 0])
        self.table.setAccessibleName(_tr("{0}数字明细").format(area.title))
        layout.addWidget(self.table)

        layout.addWidget(heading(_tr("分类明细")))
        shares = QGridLayout()
        shares.setHorizontalSpacing(16)
        shares.setVerticalSpacing(4)
        for number, share in enumerate(area.shares):
            title = QLabel(_tr("{0}（{1}）").format(share.title, share.unit))
            title.setProperty("role", "value")
            table = fitted_table([
                Column(_tr("项目"), lambda r: r[0]),
                Column(_tr("本期"), lambda r: r[1], Qt.AlignRight | Qt.AlignVCenter),
                Column(_tr("占比"), lambda r: r[2], Qt.AlignRight | Qt.AlignVCenter),
                Column(_tr("上年同期"), lambda r: r[3], Qt.AlignRight | Qt.AlignVCenter),
            ], share_rows(share), [170, 80, 80, 0])
            table.setAccessibleName(share.title)
            table.share = share
            self.share_tables.append(table)
            cell = QVBoxLayout()
            cell.addWidget(title)
            cell.addWidget(table)
            cell.addStretch()
            shares.addLayout(cell, number // 2, number % 2)
        shares.setColumnStretch(0, 1)
        shares.setColumnStretch(1, 1)
        layout.addLayout(shares)
        layout.addStretch()
        self.setWidget(page)
        if had_focus and self.sentences is not None:
            self.sentences.setFocus()
