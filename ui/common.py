"""Pieces every screen shares: error display, form-field errors, record tables, background tasks."""

import logging
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressDialog, QWidget

from models.errors import TownDeskError, ValidationError

log = logging.getLogger("towndesk.ui")


def show_problem(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    """A TownDeskError is the user's to fix: show its message. Anything else is a bug: log and say so."""
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
        label.setStyleSheet("color: #c62828;")
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


class _Worker(QThread):
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable[[], Any], parent: QObject | None = None):
        super().__init__(parent)
        self.work = work

    def run(self):
        try:
            self.succeeded.emit(self.work())
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread, never lost
            self.failed.emit(exc)


def run_in_background(parent: QWidget, label: str, work: Callable[[], Any],
                      on_success: Callable[[Any], None]) -> _Worker:
    """Run `work` off the GUI thread behind a progress dialog; the result or error comes back on it.

    `work` must open its own database connection if it needs one (peewee's are per thread).
    """
    dialog = QProgressDialog(label, None, 0, 0, parent)
    dialog.setWindowTitle(QCoreApplication.translate("common", "请稍候"))
    dialog.setWindowModality(Qt.WindowModal)
    dialog.setMinimumDuration(300)
    worker = _Worker(work, parent)

    def done(result):
        dialog.close()
        on_success(result)

    def failed(exc):
        dialog.close()
        show_problem(parent, exc)

    worker.succeeded.connect(done)
    worker.failed.connect(failed)
    worker.finished.connect(worker.deleteLater)
    worker.start()
    dialog.show()
    return worker
