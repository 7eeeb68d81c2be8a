"""统计报表: the leaders' dashboard. Pick a period (month, quarter, year or a custom range) and a scope (every
post or one); the figures of each area are computed off the GUI thread (``models.stats.figures``) and shown
as the report's sentences, cards, charts and tables, with 同比 against the same period of the previous year.
The report's text goes to the clipboard; the report itself to a PDF or an Excel file (``models.stats.report``).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QObject, QStandardPaths, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSpinBox, QTabWidget,
    QVBoxLayout, QWidget,
)

from models.accounts import User
from models.db import on_own_connection
from models.errors import TownDeskError, ValidationError
from models.stats import figures, periods, report
from ui.common import (
    FieldErrors, debounced, hint, run_in_background, run_quietly, set_hint, shortcut, show_problem,
)
from ui.stats.area_view import AreaView

QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")
FIRST_YEAR, LAST_YEAR = 2000, 2099        # periods._check_year
ALL_POSTS = "全部站点"


class _Progress(QObject):
    """Carries progress from the worker thread to the dashboard (a queued signal)."""

    reported = Signal(int, int, int)      # request, done, total


def file_name(town: str, stats: figures.Statistics, kind: str) -> str:
    """The suggested file name: 打通镇2022年工作统计报告.pdf (with the post when one is chosen)."""
    scope = stats.scope_label if stats.post else ""
    name = f"{town}{scope}{stats.period.label}工作统计报告.{kind}"
    return re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", name)


class StatsDashboard(QWidget):
    """The 统计报表 area. ``stats`` holds the statistics shown; ``busy`` is True while they are computed."""

    computed = Signal(object)          # Statistics, once shown
    exported = Signal(str)             # the file written

    def __init__(self, user: User, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.user = user
        self.today = today or date.today()
        self.stats: figures.Statistics | None = None
        self.exporting = False
        self._asked = 0                  # the newest request's number
        self._running: int | None = None  # the request being computed
        self._pending: tuple | None = None  # a newer request, started when the running one ends
        self._loaded = False
        self.timer = debounced(self, lambda: self.refresh(explicit=False), 400)

        # --- the period ---
        self.kind = QComboBox()
        for kind in periods.KINDS:
            self.kind.addItem(self.tr(kind), kind)
        self.kind.setCurrentIndex(periods.KINDS.index(periods.YEAR))
        self.kind.setToolTip(self.tr("按月、按季度、按年统计，或自定义起止日期"))
        self.year = QSpinBox()
        self.year.setRange(FIRST_YEAR, LAST_YEAR)
        self.year.setValue(min(max(self.today.year, FIRST_YEAR), LAST_YEAR))
        self.year.setSuffix(self.tr(" 年"))
        self.year.setAccessibleName(self.tr("年份"))
        self.quarter = QComboBox()
        for number, name in enumerate(QUARTERS, start=1):
            self.quarter.addItem(self.tr(name), number)
        self.quarter.setCurrentIndex((self.today.month - 1) // 3)
        self.quarter.setAccessibleName(self.tr("季度"))
        self.month = QComboBox()
        for number in range(1, 13):
            self.month.addItem(self.tr("{0}月").format(number), number)
        self.month.setCurrentIndex(self.today.month - 1)
        self.month.setAccessibleName(self.tr("月份"))
        self.start = self._date_edit(QDate(self.today.year, 1, 1), self.tr("开始日期"))
        self.end = self._date_edit(QDate(self.today.year, self.today.month, self.today.day), self.tr("结束日期"))
        self.to_label = QLabel(self.tr("至"))
        self.scope = QComboBox()
        self.scope.addItem(self.tr(ALL_POSTS), "")
        self.scope.setToolTip(self.tr("统计全部站点的记录，或只统计某一站点的"))
        self.scope.setAccessibleName(self.tr("统计范围"))
        self.scope.setMinimumContentsLength(10)

        period_label = QLabel(self.tr("统计期间(&D)"))
        period_label.setBuddy(self.kind)
        scope_label = QLabel(self.tr("统计范围(&R)"))
        scope_label.setBuddy(self.scope)
        self.refresh_button = QPushButton(self.tr("刷新 (F5)"))
        self.refresh_button.setToolTip(self.tr("按所选期间和范围重新统计（F5）"))
        self.refresh_button.clicked.connect(lambda: self.refresh(explicit=True))
        self.copy_button = QPushButton(self.tr("复制报告文字(&C)"))
        self.copy_button.setToolTip(self.tr("把三个方面的报告文字复制到剪贴板，可粘贴到 Word 或 WPS 中"))
        self.copy_button.clicked.connect(self.copy_text)
        self.pdf_button = QPushButton(self.tr("导出 PDF 报告(&P)…"))
        self.pdf_button.setToolTip(self.tr("生成本期工作统计报告（PDF，含图表），可打印或报送"))
        self.pdf_button.clicked.connect(lambda: self.export(report.PDF))
        self.xlsx_button = QPushButton(self.tr("导出 Excel(&X)…"))
        self.xlsx_button.setToolTip(self.tr("把本期各项数字和分类明细导出为 Excel 工作簿"))
        self.xlsx_button.clicked.connect(lambda: self.export(report.XLSX))
        shortcut("F5", self, lambda: self.refresh(explicit=True), Qt.WidgetWithChildrenShortcut)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.error = QLabel()
        self.errors = FieldErrors(self.error, {"统计期间": self.end, "年份": self.year, "季度": self.quarter,
                                               "月份": self.month})
        self.caption = QLabel()
        self.caption.setProperty("role", "title")
        self.caption.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.explain = hint(self.tr(
            "数字由业务记录自动统计；“同比”与上年同期相比，上年同期无记录的不写同比。"
            "改选期间或范围后自动重新统计（F5 刷新），Ctrl+Tab 切换下面的三个方面。"))

        self.tabs = QTabWidget()
        self.views: dict[str, AreaView] = {}
        for key in (figures.HALL, figures.MEDIATION, figures.PATROL):
            view = AreaView(key)
            self.views[key] = view
            self.tabs.addTab(view, self.tr(figures.AREA_TITLES[key]))

        first = QHBoxLayout()
        first.addWidget(period_label)
        for widget in (self.kind, self.year, self.quarter, self.month, self.start, self.to_label, self.end):
            first.addWidget(widget)
        first.addSpacing(16)
        first.addWidget(scope_label)
        first.addWidget(self.scope)
        first.addSpacing(8)
        first.addWidget(self.refresh_button)
        first.addStretch()
        second = QHBoxLayout()
        for widget in (self.copy_button, self.pdf_button, self.xlsx_button):
            second.addWidget(widget)
        second.addSpacing(12)
        second.addWidget(self.progress)
        second.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(6)
        layout.addLayout(first)
        layout.addWidget(self.error)
        layout.addLayout(second)
        layout.addWidget(self.caption)
        layout.addWidget(self.explain)
        layout.addWidget(self.tabs, 1)
        order = [self.kind, self.year, self.quarter, self.month, self.start, self.end, self.scope,
                 self.refresh_button, self.copy_button, self.pdf_button, self.xlsx_button, self.tabs]
        for before, after in zip(order, order[1:]):
            QWidget.setTabOrder(before, after)
        self.setFocusProxy(self.kind)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        for signal in (self.year.valueChanged, self.quarter.currentIndexChanged, self.month.currentIndexChanged,
                       self.start.dateChanged, self.end.dateChanged, self.scope.currentIndexChanged):
            signal.connect(self._changed)
        self._kind_changed()
        self.timer.stop()
        self._set_ready(False)

    def _date_edit(self, value: QDate, name: str) -> QDateEdit:
        edit = QDateEdit(value)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setDateRange(QDate(FIRST_YEAR, 1, 1), QDate(LAST_YEAR, 12, 31))
        edit.setAccessibleName(name)
        edit.setToolTip(name)
        return edit

    # --- the period chosen ----------------------------------------------------------------------------
    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.year.setVisible(kind != periods.CUSTOM)
        self.quarter.setVisible(kind == periods.QUARTER)
        self.month.setVisible(kind == periods.MONTH)
        for widget in (self.start, self.to_label, self.end):
            widget.setVisible(kind == periods.CUSTOM)
        self._changed()

    def _changed(self) -> None:
        self.timer.start()

    def set_period(self, kind: str, year: int | None = None, part: int | None = None,
                   start: date | None = None, end: date | None = None) -> None:
        """Choose a period as the user would (tests, and the area's callers): month/quarter number in
        ``part``; a custom range by ``start`` and ``end``."""
        self.kind.setCurrentIndex(periods.KINDS.index(kind))
        if year is not None:
            self.year.setValue(year)
        if part is not None and kind == periods.QUARTER:
            self.quarter.setCurrentIndex(part - 1)
        if part is not None and kind == periods.MONTH:
            self.month.setCurrentIndex(part - 1)
        if start is not None:
            self.start.setDate(QDate(start.year, start.month, start.day))
        if end is not None:
            self.end.setDate(QDate(end.year, end.month, end.day))

    def current_period(self) -> periods.Period:
        kind = self.kind.currentData()
        if kind == periods.YEAR:
            return periods.year(self.year.value())
        if kind == periods.QUARTER:
            return periods.quarter(self.year.value(), self.quarter.currentData())
        if kind == periods.MONTH:
            return periods.month(self.year.value(), self.month.currentData())
        return periods.custom(self.start.date().toPython(), self.end.date().toPython())

    # --- computing ------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._running is not None or self._pending is not None

    def showEvent(self, event):  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self._loaded:        # computed when first shown, not when the main window is built
            self._loaded = True
            self.refresh(explicit=False)

    def refresh(self, explicit: bool = True) -> None:
        """Compute the chosen period's statistics off the GUI thread; a newer request supersedes an older
        one (only the newest is shown). A period that cannot be is named under the bar and nothing runs."""
        self.timer.stop()
        self._loaded = True
        try:
            period = self.current_period()
        except ValidationError as exc:
            if explicit:
                self.errors.show(exc)       # and the cursor goes to the field
            else:
                self.errors.clear()
                self.error.setText(exc.message)
                self.error.show()
            return
        self.errors.clear()
        self._asked += 1
        request = (self._asked, period, self.scope.currentData() or "")
        self.progress.setRange(0, 0)
        self.progress.show()
        set_hint(self.status, self.tr("正在统计 {0}（{1}）……").format(period.label, self.scope.currentText()))
        self._set_ready(False)
        if self._running is not None:
            self._pending = request
            return
        self._start(request)

    def _start(self, request: tuple) -> None:
        number, period, post = request
        self._running = number
        user = self.user
        carrier = _Progress()
        carrier.reported.connect(self._progressed)

        def work():
            stats = figures.compute(user, period, post,
                                    progress=lambda done, total: carrier.reported.emit(number, done, total or 0))
            return number, stats, figures.posts()

        run_quietly(work, self._computed, self._failed)

    def _next(self) -> bool:
        self._running = None
        if self._pending is not None:
            request, self._pending = self._pending, None
            self._start(request)
            return True
        return False

    def _progressed(self, number: int, done: int, total: int) -> None:
        if number != self._asked:
            return
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            set_hint(self.status, self.tr("正在整理一窗受理的每日汇总（{0:,} / {1:,} 天），首次统计需要稍等……")
                     .format(done, total))

    def _computed(self, answer: tuple) -> None:
        number, stats, posts = answer
        if self._next() or number != self._asked:   # superseded: the newer request is running
            return
        self.progress.hide()
        self._show_posts(posts)
        self.show_stats(stats)

    def _failed(self, exc: BaseException) -> None:
        if self._next():
            return
        self.progress.hide()
        set_hint(self.status, self.tr("统计未完成。"), "error")
        self._set_ready(self.stats is not None)
        if isinstance(exc, ValidationError):
            self.errors.show(exc)
        else:
            show_problem(self, exc, self.tr("统计失败"))

    def _show_posts(self, posts: list[tuple[str, str]]) -> None:
        chosen = self.scope.currentData() or ""
        wanted = [("", self.tr(ALL_POSTS))] + [(code, name) for code, name in posts]
        present = [(self.scope.itemData(i), self.scope.itemText(i)) for i in range(self.scope.count())]
        if wanted == present:
            return
        self.scope.blockSignals(True)
        self.scope.clear()
        for code, name in wanted:
            self.scope.addItem(name if not code else f"{name}（{code}）", code)
        index = self.scope.findData(chosen)
        self.scope.setCurrentIndex(max(0, index))
        self.scope.blockSignals(False)

    def show_stats(self, stats: figures.Statistics) -> None:
        self.stats = stats
        self.caption.setText(self.tr("{0}工作统计 · {1}").format(stats.period.label, stats.scope_label))
        self.caption.setToolTip(self.tr("统计期间：{0:%Y-%m-%d} 至 {1:%Y-%m-%d}；同比期间：{2:%Y-%m-%d} 至 {3:%Y-%m-%d}")
                                .format(stats.period.start, stats.period.end, stats.previous.start,
                                        stats.previous.end))
        for area in stats.areas:
            self.views[area.key].show_area(stats, area)
        empty = [a.title for a in stats.areas if not a.has_data]
        text = self.tr("已统计 {0}（{1}），同比期间为 {2}。").format(stats.period.label, stats.scope_label,
                                                           stats.previous.label)
        if len(empty) == len(stats.areas):
            text = self.tr("{0}（{1}）没有任何业务记录。").format(stats.period.label, stats.scope_label)
        set_hint(self.status, text, "info")
        self._set_ready(True)
        self.computed.emit(stats)

    def _set_ready(self, ready: bool) -> None:
        for button in (self.copy_button, self.pdf_button, self.xlsx_button):
            button.setEnabled(ready and not self.exporting)

    # --- the report's text ----------------------------------------------------------------------------
    def copy_text(self) -> None:
        if self.stats is None:
            return
        text = self.stats.text()
        if not text:
            set_hint(self.status, self.tr("{0}没有可复制的报告文字。").format(self.stats.period.label), "warn")
            return
        QGuiApplication.clipboard().setText(text)
        set_hint(self.status, self.tr("已把 {0}（{1}）的报告文字复制到剪贴板（{2} 段），可粘贴到 Word 或 WPS 中。")
                 .format(self.stats.period.label, self.stats.scope_label, text.count("\n") + 1), "ok")

    # --- 导出 ------------------------------------------------------------------------------------------
    def ask_path(self, kind: str) -> str:
        """Where to save the report (a file dialog in the Documents folder, the suggested name); "" cancels."""
        folder = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation) or str(Path.home())
        suggested = file_name(report.town_name(), self.stats, kind)
        if kind == report.PDF:
            title, pattern = self.tr("导出 PDF 报告"), self.tr("PDF 文件 (*.pdf)")
        else:
            title, pattern = self.tr("导出 Excel"), self.tr("Excel 工作簿 (*.xlsx)")
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path(folder) / suggested), pattern)
        return path

    def export(self, kind: str) -> None:
        """The statistics shown, as the PDF report or the Excel workbook: rendered and written off the GUI
        thread, then audited (``report.log``)."""
        if self.stats is None or self.exporting:
            return
        path = self.ask_path(kind)
        if not path:
            return
        if not path.lower().endswith("." + kind):
            path += "." + kind
        stats, user = self.stats, self.user
        cannot_write = self.tr("无法写入文件 {0}：{1}。如该文件正在其他程序中打开，请先关闭它，或换一个文件名。")

        def work():
            def make():
                data = report.render(stats, kind)
                try:
                    Path(path).write_bytes(data)
                except OSError as exc:
                    raise TownDeskError(cannot_write.format(path, exc.strerror or exc)) from exc
                report.log(user, stats, kind)
                return path
            return on_own_connection(make)

        self.exporting = True
        self._set_ready(False)
        set_hint(self.status, self.tr("正在生成{0}……").format(self.tr(report.FORMATS[kind])))
        run_in_background(self, self.tr("正在生成{0}……").format(self.tr(report.FORMATS[kind])), work,
                          self._exported, self._export_failed)

    def _exported(self, path: str) -> None:
        self.exporting = False
        self._set_ready(not self.busy and self.stats is not None)
        set_hint(self.status, self.tr("已导出 {0}").format(path), "ok")
        self.exported.emit(path)

    def _export_failed(self, exc: BaseException) -> None:
        self.exporting = False
        self._set_ready(not self.busy and self.stats is not None)
        set_hint(self.status, self.tr("导出失败。"), "error")
        show_problem(self, exc, self.tr("导出失败"))
