"""Long lists every area shares: a table model that fetches pages as the view scrolls.

The model asks `fetch(filter, before_id, limit)` (keyset paging in models/, newest first) for one page
and more as the view nears the end, so a list over a million records opens as fast as one over ten.
Each row's texts and its deadline state are worked out once and kept: a view repaints the same cells
many times (every role of every visible cell on each paint).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from models.deadlines import DUE_SOON, DUE_TODAY, OVERDUE

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
