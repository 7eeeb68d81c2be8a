"""Long lists every area shares: a table model that fetches pages as the view scrolls.

The model asks `fetch(filter, before_id, limit)` (keyset paging in models/, newest first) for one page
and more as the view nears the end, so a list over a million records opens as fast as one over ten.
Each row's texts and its deadline state are worked out once and kept: a view repaints the same cells
many times (every role of every visible cell on each paint).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QStandardPaths, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractButton, QCheckBox, QComboBox, QDateEdit, QFileDialog, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QMessageBox, QPushButton, QVBoxLayout, QWidget,
)

from models import exports
from models.db import on_own_connection
from models.deadlines import DUE_SOON, DUE_TODAY, OVERDUE
from models.errors import TownDeskError
from ui.common import (
    RecordTable, RecordTableModel, debounced, paint_hint, run_in_background, run_quietly, shortcut, show_problem,
)

PAGE = 200

# deadline states (hall and mediation alike) → background and text colours
DEADLINE_COLOURS = {OVERDUE: "#fde0dc", DUE_TODAY: "#ffe0b2", DUE_SOON: "#fff9c4"}
DEADLINE_TEXT = {OVERDUE: "#b71c1c", DUE_TODAY: "#e65100", DUE_SOON: "#8d6e00"}


class PagedTableModel(QAbstractTableModel):
    """Rows for a filter, a page at a time. Subclasses (or the constructor's callables) say how to
    fetch a page, what each row shows (`cells`), and its deadline state (`state`: a key of
    DEADLINE_COLOURS or "", used for the row's colour and `state_columns`' text colour)."""

    headers: Sequence[str] = ()
    state_columns: Sequence[int] = ()
    page_size = PAGE

    def __init__(self, parent=None, *, headers: Sequence[str] | None = None,
                 fetch: Callable[[Any, int | None, int], list] | None = None,
                 cells: Callable[[Any], Sequence[str]] | None = None,
                 state: Callable[[Any], str] | None = None, state_columns: Sequence[int] | None = None):
        super().__init__(parent)
        if headers is not None:
            self.headers = list(headers)
        if state_columns is not None:
            self.state_columns = tuple(state_columns)
        self._fetch, self._cells, self._state = fetch, cells, state
        self.filter: Any = None
        self.rows: list = []
        self.exhausted = True
        self._shown: dict[int, tuple[Sequence[str], str]] = {}

    # --- what a subclass provides (or the constructor's callables) -------------------------------
    def fetch(self, flt, before_id: int | None, limit: int) -> list:
        return self._fetch(flt, before_id, limit)

    def cells(self, row) -> Sequence[str]:
        return self._cells(row)

    def state(self, row) -> str:
        return self._state(row) if self._state else ""

    def reset_caches(self) -> None:
        """Called as a new filter's first page comes in (e.g. to take today's date again)."""

    # --- paging ------------------------------------------------------------------------------------
    def set_filter(self, flt) -> None:
        """Show the first page for `flt` (a ValidationError for a bad filter changes nothing)."""
        first = self.fetch(flt, None, self.page_size)
        self.beginResetModel()
        self.filter = flt
        self.reset_caches()
        self._shown = {}
        self.rows = first
        self.exhausted = len(first) < self.page_size
        self.endResetModel()

    def canFetchMore(self, parent=QModelIndex()):  # noqa: N802 (Qt's name)
        return not parent.isValid() and not self.exhausted

    def fetchMore(self, parent=QModelIndex()):  # noqa: N802
        if parent.isValid() or self.exhausted or not self.rows:
            return
        more = self.fetch(self.filter, self.rows[-1].id, self.page_size)
        self.exhausted = len(more) < self.page_size
        if more:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
            self.rows.extend(more)
            self.endInsertRows()

    def rowCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def row_at(self, index: QModelIndex):
        return self.rows[index.row()] if index.isValid() and index.row() < len(self.rows) else None

    def shown(self, row) -> tuple[Sequence[str], str]:
        """(cells, state) of a row, worked out once."""
        found = self._shown.get(row.id)
        if found is None:
            found = self._shown[row.id] = (tuple(self.cells(row)), self.state(row))
        return found

    def data(self, index, role=Qt.DisplayRole):
        row = self.row_at(index)
        if row is None:
            return None
        if role == Qt.DisplayRole:
            return self.shown(row)[0][index.column()]
        if role == Qt.BackgroundRole:
            state = self.shown(row)[1]
            return QBrush(QColor(DEADLINE_COLOURS[state])) if state in DEADLINE_COLOURS else None
        if role == Qt.ForegroundRole and index.column() in self.state_columns:
            state = self.shown(row)[1]
            return QBrush(QColor(DEADLINE_TEXT[state])) if state in DEADLINE_TEXT else None
        if role == Qt.ToolTipRole and index.column() in self.state_columns:
            return self.shown(row)[1] or None
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.headers[section]
        return None


class KindListModel(PagedTableModel):
    """A list whose columns are the ``models.exports`` definitions of ``kind`` (a key of exports.KINDS): the
    same definitions its 导出 Excel writes. Headers, pages and cell texts come from there; a subclass adds
    the deadline ``state`` and any extra roles. Each new filter's first page starts a new
    ``exports.Context`` (today taken again, what a page computes once forgotten)."""

    kind: str = ""

    def __init__(self, user, parent=None):
        super().__init__(parent)
        self.user = user
        self.list_kind = exports.kind_of(self.kind)
        self.headers = self.list_kind.screen_headers()
        self.filter = self.list_kind.filter_type()
        self.context = exports.Context(user, date.today())

    @property
    def today(self) -> date:
        return self.context.today

    def fetch(self, flt, before_id: int | None, limit: int) -> list:
        if before_id is None:   # a new filter's first page (or the list read again)
            self.context = exports.Context(self.user, date.today())
        return self.list_kind.fetch(self.context, flt, before_id, limit)

    def cells(self, row) -> Sequence[str]:
        return self.list_kind.screen_cells(self.context, row)


COUNT_CAP = 10_000   # counting stops here: a one-character search over a million records answers at once


class UserListModel(PagedTableModel):
    """The list of what one user may see, for a filter (``filter_type()`` to start with), with today's
    date taken again as each new filter's first page comes in (deadline colours count from it)."""

    filter_type: type = type(None)

    def __init__(self, user, parent=None):
        super().__init__(parent)
        self.user = user
        self.filter = self.filter_type()
        self.today = date.today()

    def reset_caches(self) -> None:
        self.today = date.today()


class ListPanel(QWidget):
    """A search box over a paged list, with the area's filters under it: the first page shows at once,
    the 共 N 件 under it is counted off the GUI thread; Enter in the box goes to the first row, Enter or a
    double click on a row opens it.

    A subclass builds its filter widgets, calls `build(first_row, second_row, legend)` and provides
    `current_filter()` and `count(filter)`; widgets it passes to `watch()` refresh the list when changed.

    A subclass that sets `export_kind` (a key of models.exports.KINDS) gets 导出 Excel…（Ctrl+E） at the right
    of the bottom row: everything `current_filter()` finds goes to an .xlsx file the user names
    (`ask_export_path`, a file dialog), built off the GUI thread behind a progress dialog; models/ checks
    the permission (a refusal is shown, audited, and writes nothing), masks and audits.
    """

    opened = Signal(object)
    exported = Signal(str, int)   # the file written, the rows in it

    export_kind = ""              # a key of models.exports.KINDS: the list has 导出 Excel…

    def __init__(self, model: PagedTableModel, widths: Sequence[int], parent=None):
        super().__init__(parent)
        self.model = model
        model.setParent(self)
        # parented by build()'s layout, at the end of the bottom row: Tab reaches it after the table
        self.export_button = QPushButton(self.tr("导出 Excel…（Ctrl+E）"))
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(self.export)
        if self.export_kind:
            self.export_button.setToolTip(self.tr("把按当前筛选条件查到的全部记录导出为 Excel 表格（.xlsx）"))
            shortcut("Ctrl+E", self, self.export, Qt.WidgetWithChildrenShortcut)
        self.exporting = False
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self._counting = 0
        self.error_label = paint_hint(QLabel(), "error")
        self.error_label.hide()
        self.table = RecordTable(model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)
        self.timer = debounced(self, self.refresh, 250)
        self.search_edit.textChanged.connect(self.timer.start)
        self.search_edit.returnPressed.connect(self._enter_table)
        self.table.doubleClicked.connect(self._open_selected)
        for key in (Qt.Key_Return, Qt.Key_Enter):
            shortcut(key, self.table, self._open_selected, Qt.WidgetShortcut)
        self.setFocusProxy(self.search_edit)

    def build(self, first: Sequence[QWidget], second: Sequence[QWidget], legend: str) -> None:
        """Lay out: the first row (the search box stretches), the second row of filters, the table, the
        count and a legend."""
        top = QHBoxLayout()
        for widget in first:
            top.addWidget(widget, 1 if widget is self.search_edit else 0)
        row = QHBoxLayout()
        for widget in second:
            row.addWidget(widget)
        row.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        legend_label = paint_hint(QLabel(legend))
        legend_label.setWordWrap(True)
        bottom.addWidget(legend_label, 8)
        if self.export_kind:
            bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        if second:
            layout.addLayout(row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def watch(self, *widgets: QWidget) -> None:
        """Refresh (debounced) when any of these filter widgets changes."""
        for widget in widgets:
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self.timer.start)
            elif isinstance(widget, QAbstractButton):
                widget.toggled.connect(self.timer.start)
            elif isinstance(widget, QDateEdit):
                widget.dateChanged.connect(self.timer.start)
            elif isinstance(widget, QLineEdit):
                widget.textChanged.connect(self.timer.start)

    # --- what a subclass provides ------------------------------------------------------------------
    def current_filter(self):
        raise NotImplementedError

    def count(self, flt) -> int:
        """How many records the filter shows, counting no further than COUNT_CAP + 1 (runs off the GUI thread)."""
        raise NotImplementedError

    # --- the list ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the first page at once; the 共 N 件 under it is counted off the GUI thread."""
        self.timer.stop()
        try:
            flt = self.current_filter()
            self.model.set_filter(flt)
        except TownDeskError as exc:
            self.error_label.setText(exc.message)
            self.error_label.show()
            return
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        self.error_label.hide()
        self._counting += 1
        if self.model.exhausted:   # everything is on the first page: no need to count
            self._show_count((self._counting, self.model.rowCount()))
            return
        self.count_label.setText(self.tr("正在统计件数……"))
        asked = self._counting
        run_quietly(lambda: (asked, self.count(flt)), self._show_count, self._count_failed)

    def _show_count(self, answer: tuple[int, int]) -> None:
        asked, total = answer
        if asked != self._counting:   # the filter changed while counting
            return
        self.count_label.setText(self.tr("共 {0:,} 件").format(total) if total <= COUNT_CAP
                                 else self.tr("超过 {0:,} 件，请用筛选条件缩小范围").format(COUNT_CAP))

    def _count_failed(self, exc: BaseException) -> None:
        self.count_label.setText("")
        show_problem(self, exc)

    # --- 导出 Excel ------------------------------------------------------------------------------------
    def ask_export_path(self, suggested: str) -> str:
        """Where to save (a file dialog in the Documents folder with the suggested name); "" to cancel."""
        folder = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation) or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出 Excel"), str(Path(folder) / suggested),
                                              self.tr("Excel 工作簿 (*.xlsx)"))
        if path and not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        return path

    def export(self) -> None:
        """Everything the current filter finds, to an .xlsx file the user names, written off the GUI thread
        behind a progress dialog (models.exports: permissions, masking, audit)."""
        if not self.export_kind or self.exporting:
            return
        try:
            flt = self.current_filter()
            kind = exports.kind_of(self.export_kind)
        except TownDeskError as exc:
            show_problem(self, exc)
            return
        path = self.ask_export_path(exports.default_file_name(kind, date.today()))
        if not path:
            return
        user = self.model.user

        def work(report):
            data, count = on_own_connection(lambda: exports.export_list(user, kind, flt, progress=report))
            try:
                Path(path).write_bytes(data)
            except OSError as exc:
                raise TownDeskError(self.tr("无法写入文件 {0}：{1}。如该文件正在 Excel 中打开，请先关闭它，"
                                            "或换一个文件名。").format(path, exc.strerror or exc)) from exc
            return path, count

        self.exporting = True
        run_in_background(self, self.tr("正在导出{0}……").format(kind.title), work, self._exported,
                          self._export_failed, progress=True)

    def _export_failed(self, exc: BaseException) -> None:
        self.exporting = False
        show_problem(self, exc, self.tr("导出失败"))

    def _exported(self, answer: tuple[str, int]) -> None:
        self.exporting = False
        path, count = answer
        QMessageBox.information(self, self.tr("导出完成"),
                                self.tr("已导出 {0:,} 条记录到 {1}").format(count, path))
        self.exported.emit(path, count)

    def _enter_table(self) -> None:
        self.refresh()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.select_row(0)

    def _open_selected(self) -> None:
        row = self.table.selected()
        if row is not None:
            self.opened.emit(row)


def date_range(panel: ListPanel, label: str) -> tuple[QCheckBox, QDateEdit, QDateEdit]:
    """An optional date range (off until ticked; the last month) whose changes refresh the panel."""
    use = QCheckBox(label)
    start, end = QDateEdit(QDate.currentDate().addMonths(-1)), QDateEdit(QDate.currentDate())
    for edit in (start, end):
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setEnabled(False)
        use.toggled.connect(edit.setEnabled)
    panel.watch(use, start, end)
    return use, start, end


def choice_box(all_text: str, items: Sequence[tuple[str, Any]]) -> QComboBox:
    """A filter combo: "全部…" (data "") then the items as (text, data)."""
    combo = QComboBox()
    combo.addItem(all_text, "")
    for text, data in items:
        combo.addItem(text, data)
    return combo


class WatchList(QGroupBox):
    """A home page's short list of what needs doing (due today, overdue, follow-ups…): a titled table that
    says so in green when there is nothing to do. Enter or a double click on a row emits `activated`."""

    activated = Signal(object)

    def __init__(self, columns, empty_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = RecordTableModel(columns, self)
        self.table = RecordTable(self.model, select_on_focus=True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._activate)
        for key in (Qt.Key_Return, Qt.Key_Enter):
            shortcut(key, self.table, self._activate, Qt.WidgetShortcut)
        self.empty = paint_hint(QLabel(empty_text), "ok")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)

    def show_rows(self, rows: list, title: str, alarm: bool = False) -> int:
        """Fill the list; `title` may hold {0} for the count; `alarm` titles it in red. Returns the count."""
        self.model.set_rows(rows)
        self.setTitle(title.format(len(rows)))
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        # the theme colours every title: only a ::title rule turns this one red
        self.setStyleSheet("QGroupBox::title { color: #b71c1c; font-weight: bold; }" if alarm and rows else "")
        return len(rows)

    def _activate(self, *_args) -> None:
        row = self.table.selected()
        if row is not None:
            self.activated.emit(row)
