"""Pieces every screen shares: labels and their looks, questions, dialog buttons, form-field errors,
record tables, local times, background tasks.

Looks are a dynamic property matched by a rule in COMMON_STYLE, which the application appends to the
theme's stylesheet. Only hint colours are set on the widget itself: they change while the user types.
"""

import gc
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from PySide6.QtCore import (
    QAbstractTableModel, QCoreApplication, QItemSelectionModel, QModelIndex, QObject, Qt, QThread, QTimer, Signal,
)
from PySide6.QtGui import QBrush, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QDialog, QDialogButtonBox, QLabel, QLineEdit, QMessageBox, QProgressDialog,
    QPushButton, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QWidget,
)

from models.db import busy_problem, on_own_connection, to_local
from models.errors import TownDeskError, ValidationError

log = logging.getLogger("towndesk.ui")

HINT_COLOURS = {"info": "#555555", "ok": "#2e7d32", "warn": "#e65100", "error": "#c62828"}

COMMON_STYLE = """
QLabel[role="hint"] { color: #555555; }
QLabel[role="title"] { font-size: 20px; font-weight: bold; }
QLabel[role="error"] { color: #c62828; }
QListWidget#navigation { font-size: 16px; }
QListWidget#navigation::item { min-height: 44px; padding-left: 12px; }
QLabel[role="value"] { font-weight: bold; }
QLabel[role="heading"] { font-weight: bold; font-size: 15px; margin-top: 16px; }
QLabel[notice="info"] {
    background: #e3f2fd; color: #0d47a1; border: 1px solid #90caf9; border-radius: 3px; padding: 6px;
}
QLabel[notice="warn"] { color: #8a5a00; background: #fff4d6; padding: 6px; border-radius: 3px; }
QLineEdit:read-only { background: #eeeeee; color: #555555; }
"""


def _tr(text: str) -> str:
    return QCoreApplication.translate("common", text)


# --- labels ----------------------------------------------------------------------------------

def hint(text: str = "") -> QLabel:
    """Grey explanatory text, wrapped (app.py's stylesheet colours QLabel[role="hint"])."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("role", "hint")
    return label


def paint_hint(label: QLabel, kind: str = "info") -> QLabel:
    """Colour `label` by kind: info, ok, warn or error. Returns the label."""
    label.setStyleSheet(f"color: {HINT_COLOURS[kind]};")
    label.setProperty("kind", kind)
    return label


def set_hint(label: QLabel, text: str, kind: str = "info") -> None:
    """Show `text` in the colour of `kind`; no text hides the label."""
    label.setText(text)
    paint_hint(label, kind)
    label.setVisible(bool(text))


def notice(text: str = "", kind: str = "info") -> QLabel:
    """A boxed message, wrapped: "info" (blue) says what happened, "warn" (amber) what to heed."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("notice", kind)
    return label


def value_label(text: str = "", keyboard: bool = False) -> QLabel:
    """A value shown as bold text rather than as an input that refuses typing; selectable to copy it.

    `keyboard`: also selectable (and reachable) by keyboard, where the values are the page's content.
    """
    label = QLabel(text)
    label.setProperty("role", "value")
    flags = Qt.TextSelectableByMouse
    if keyboard:
        flags |= Qt.TextSelectableByKeyboard
    label.setTextInteractionFlags(flags)
    return label


def set_read_only(edit: QLineEdit, read_only: bool) -> None:
    """Make `edit` read-only and grey (COMMON_STYLE's QLineEdit:read-only), or editable again."""
    edit.setReadOnly(read_only)
    # Polish again: the stylesheet's palette (e.g. the placeholder colour) does not follow :read-only by itself.
    edit.style().unpolish(edit)
    edit.style().polish(edit)


# --- keys ------------------------------------------------------------------------------------

def shortcut(keys, parent: QWidget, action, context=Qt.WindowShortcut) -> QShortcut:
    """A QShortcut on `parent` in `context`. PySide6 6.12 drops a context passed to QShortcut's
    constructor (the shortcut stays window-wide: Delete in a search box would delete the selected
    record), so it is set afterwards."""
    item = QShortcut(QKeySequence(keys), parent)
    item.setContext(context)
    item.activated.connect(action)
    return item


def debounced(parent: QObject, action, ms: int = 250) -> QTimer:
    """A single-shot timer that runs `action` `ms` after its last start(): search as the user types,
    once they pause, rather than on every key."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(ms)
    timer.timeout.connect(action)
    return timer


# --- questions and dialogs -------------------------------------------------------------------

def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question; No is the default so a stray Enter does nothing harmful."""
    answer = QMessageBox.question(parent, title, text, QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
    return answer == QMessageBox.Yes


def dialog_buttons(dialog: QDialog, ok_text: str,
                   on_ok: Callable[[], Any] | None = None) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """`ok_text` (the default button; runs `on_ok`, else accepts) and 取消. Returns the box, OK and Cancel.

    Own buttons rather than Qt's standard ones: their texts do not depend on Qt's translation being found.
    """
    box = QDialogButtonBox()
    ok = box.addButton(ok_text, QDialogButtonBox.AcceptRole)
    cancel = box.addButton(_tr("取消"), QDialogButtonBox.RejectRole)
    ok.setDefault(True)
    box.accepted.connect(on_ok or dialog.accept)
    box.rejected.connect(dialog.reject)
    return box, ok, cancel


def local_time(value: datetime | None, empty: str = "", fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time as the office's local time; `empty` for none."""
    local = to_local(value)
    return local.strftime(fmt) if local is not None else empty


def show_problem(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    """A TownDeskError is the user's to fix: show its message. Anything else is a bug: log and say so."""
    exc = busy_problem(exc) or exc
    if isinstance(exc, TownDeskError):
        QMessageBox.warning(parent, title or QCoreApplication.translate("common", "无法完成"), exc.message)
    else:
        from ui.errors import report_unexpected

        report_unexpected(type(exc), exc, exc.__traceback__, parent)


class FieldErrors:
    """Shows a ValidationError under a form and puts the cursor in the field it names."""

    def __init__(self, label: QLabel, fields: dict[str, QWidget]):
        self.label = label
        self.fields = fields
        label.setWordWrap(True)
        label.setProperty("role", "error")
        label.hide()

    def show(self, exc: ValidationError | TownDeskError) -> None:
        self.label.setText(exc.message)
        self.label.show()
        widget = self.fields.get(getattr(exc, "field", None))
        if widget is not None:
            widget.setFocus(Qt.OtherFocusReason)
            if hasattr(widget, "selectAll"):
                widget.selectAll()

    def clear(self) -> None:
        self.label.clear()
        self.label.hide()

    def attempt(self, parent: QWidget, work: Callable[[], Any],
                on_error: Callable[[TownDeskError], None] | None = None) -> tuple[bool, Any]:
        """A form's save: (True, what `work` returned), or (False, None) with the form left open — a
        TownDeskError shown here naming its field (or handed to `on_error`), anything else a bug,
        logged and reported in a dialog."""
        self.clear()
        try:
            return True, work()
        except TownDeskError as exc:
            (on_error or self.show)(exc)
        except Exception as exc:  # noqa: BLE001 - a bug: logged and reported, never lost
            show_problem(parent, exc)
        return False, None


@dataclass
class Column:
    """One column of a record table: a header and how to read the cell from a record."""

    header: str
    value: Callable[[Any], Any]
    align: Qt.AlignmentFlag = Qt.AlignLeft | Qt.AlignVCenter


class RecordTableModel(QAbstractTableModel):
    """A read-only table over a list of records, one row each."""

    def __init__(self, columns: list[Column], parent: QObject | None = None):
        super().__init__(parent)
        self.columns = columns
        self.rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, index: QModelIndex):
        return self.rows[index.row()] if index.isValid() and index.row() < len(self.rows) else None

    def rowCount(self, parent=QModelIndex()):  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.DisplayRole:
            value = column.value(self.rows[index.row()])
            return "" if value is None else str(value)
        if role == Qt.TextAlignmentRole:
            return int(column.align)
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.columns[section].header
        if role == Qt.DisplayRole and orientation == Qt.Vertical:
            return section + 1
        return None


class ColourDelegate(QStyledItemDelegate):
    """Paints a model's BackgroundRole and ForegroundRole colours, which the application's theme (qt-material:
    ``QTableView::item { color: …; border-color: … }``) otherwise paints over: a row due today or overdue
    would look like any other. Selected rows keep the selection's colours."""

    def paint(self, painter, option, index):
        model = index.model()   # asked directly: QModelIndex.data() of an empty role leaks a reference to None
        background, foreground = model.data(index, Qt.BackgroundRole), model.data(index, Qt.ForegroundRole)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        selected = bool(opt.state & QStyle.State_Selected)
        if isinstance(background, QBrush) and not selected:
            painter.fillRect(opt.rect, background)
        if not isinstance(foreground, QBrush) or selected or not opt.text:
            style.drawControl(QStyle.CE_ItemViewItem, opt, painter, widget)
            return
        rect = style.subElementRect(QStyle.SE_ItemViewItemText, opt, widget)
        text, opt.text = opt.text, ""
        style.drawControl(QStyle.CE_ItemViewItem, opt, painter, widget)   # the panel and focus, no text
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(foreground.color())
        margin = style.pixelMetric(QStyle.PM_FocusFrameHMargin, None, widget) + 1
        rect = rect.adjusted(margin, 0, -margin, 0)
        painter.drawText(rect, int(opt.displayAlignment),
                         opt.fontMetrics.elidedText(text, opt.textElideMode, rect.width()))
        painter.restore()


class RecordTable(QTableView):
    """A read-only table over a RecordTableModel: whole rows, one at a time; Tab leaves it.

    With `select_on_focus`, reaching it by keyboard selects a row, so the buttons below work at once.
    """

    def __init__(self, model: RecordTableModel, parent: QWidget | None = None, select_on_focus: bool = False):
        super().__init__(parent)
        self.select_on_focus = select_on_focus
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setTabKeyNavigation(False)  # keyboard users must not get stuck in the table
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.setItemDelegate(ColourDelegate(self))   # rows coloured by deadline show through the theme

    def selected(self):
        """The selected record, or None."""
        rows = self.selectionModel().selectedRows()
        return self.model().row_at(rows[0]) if rows else None

    def select_row(self, row: int) -> None:
        """Select `row` (and make it current and visible); a row that is not there is ignored."""
        model = self.model()
        if 0 <= row < model.rowCount():
            index = model.index(row, 0)
            self.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
            self.scrollTo(index)

    def focusInEvent(self, event):  # noqa: N802 (Qt's name)
        super().focusInEvent(event)
        if self.select_on_focus and self.model().rowCount() and not self.selectionModel().hasSelection():
            current = self.currentIndex()
            self.select_row(current.row() if current.isValid() else 0)


class _Worker(QThread):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)    # done, total (0: not known)

    def __init__(self, work: Callable[[], Any], parent: QObject | None = None):
        super().__init__(parent)
        self.work = work

    def run(self):
        try:
            self.succeeded.emit(self.work())
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread, never lost
            self.failed.emit(exc)


_QUIET: set = set()


class GuiThreadCollector(QObject):
    """Python's cyclic garbage collector runs in whichever thread happens to allocate. When a background
    worker (a count, the statistics) triggers it, it may free a widget caught in a reference cycle from
    that thread, and Qt crashes. So automatic collection is turned off and this collects on the GUI
    thread instead, on a timer, by the same generation thresholds Python uses (as Anki's Qt layer does).
    """

    def __init__(self, parent: QObject, interval_ms: int = 1000):
        super().__init__(parent)
        gc.disable()
        self.threshold = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> int:
        """Collect the generations whose counts passed their thresholds; returns the objects freed."""
        young, middle, old = gc.get_count()
        freed = 0
        if young > self.threshold[0]:
            freed = gc.collect(0)
            if middle > self.threshold[1]:
                freed += gc.collect(1)
                if old > self.threshold[2]:
                    freed += gc.collect(2)
        return freed


def run_quietly(work: Callable[[], Any], on_success: Callable[[Any], None],
                on_failure: Callable[[BaseException], None]) -> _Worker:
    """Run `work` off the GUI thread on its own database connection, with no dialog: for a figure that
    follows what the screen already shows (a count under a list).

    Pass bound methods of the widget waiting for the answer: Qt drops the call if the widget is gone.
    """
    worker = _Worker(lambda: on_own_connection(work))  # no parent: it may outlive a closed screen
    _QUIET.add(worker)
    worker.succeeded.connect(on_success)
    worker.failed.connect(on_failure)
    worker.finished.connect(lambda: _QUIET.discard(worker))
    worker.finished.connect(worker.deleteLater)
    app = QCoreApplication.instance()
    if app is not None and not app.property("towndesk_waits_quiet"):
        app.setProperty("towndesk_waits_quiet", True)
        app.aboutToQuit.connect(wait_quiet_work)
    worker.start()
    return worker


def wait_quiet_work() -> None:
    """Let quiet work finish (at quit, and in tests before their database goes away)."""
    for worker in list(_QUIET):
        worker.wait()
    QCoreApplication.processEvents()


def run_in_background(parent: QWidget, label: str, work: Callable[..., Any],
                      on_success: Callable[[Any], None],
                      on_failure: Callable[[BaseException], None] | None = None,
                      progress: bool = False) -> _Worker:
    """Run `work` off the GUI thread behind a progress dialog; the result or error comes back on it.

    `work` must open its own database connection if it needs one (peewee's are per thread). An error
    is shown to the user unless `on_failure` takes it. With `progress`, `work` is called with a
    ``report(done, total)`` it may call from its thread (total None: not known): the dialog shows
    "done / total" and a bar instead of a busy indicator.
    """
    dialog = QProgressDialog(label, None, 0, 0, parent)
    dialog.setWindowTitle(QCoreApplication.translate("common", "请稍候"))
    dialog.setWindowModality(Qt.WindowModal)
    dialog.setMinimumDuration(300)
    if progress:
        worker = _Worker(lambda: work(lambda done, total=None: worker.progressed.emit(done, total or 0)), parent)

        def show_progress(done: int, total: int) -> None:
            if total:
                dialog.setMaximum(total)
                dialog.setValue(min(done, total))
            dialog.setLabelText(f"{label}\n{done:,} / {total:,}" if total else f"{label}\n{done:,}")

        worker.progressed.connect(show_progress)
    else:
        worker = _Worker(work, parent)

    def done(result):
        dialog.close()
        on_success(result)

    def failed(exc):
        dialog.close()
        (on_failure or (lambda error: show_problem(parent, error)))(exc)

    worker.succeeded.connect(done)
    worker.failed.connect(failed)
    worker.finished.connect(worker.deleteLater)
    worker.start()
    dialog.show()
    return worker
