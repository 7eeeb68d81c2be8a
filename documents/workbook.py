"""Excel workbooks (.xlsx): tables of typed values, one worksheet each, as bytes.

Every list's 导出 Excel and the annual statistics report write their tables through ``workbook_bytes``:

    from documents.workbook import Sheet, workbook_bytes

    sheet = Sheet("办件清单", ["办件编号", "收件日期", "收费"], [["SL-…", date(2026, 11, 27), Decimal("12.50")]],
                  kinds=["text", "date", "decimal"])
    data = workbook_bytes([sheet], title="办件清单")

Like the PDF documents in this package: no database, no Qt, no files written — the caller saves the bytes.

Each worksheet gets a bold, shaded header row that stays in view (frozen pane "A2") with Excel's
auto-filter over the table, column widths that fit their longest text (a Chinese character counts as two
units; capped at ``MAX_WIDTH``, a longer text wraps) and a font that has Chinese (``FONT_NAME``). Values are written typed — dates
as dates, numbers as numbers — and shown through the column kind's number format, so Excel sorts, filters
and sums them; only text columns hold strings.

Column kinds (``KINDS``): ``text``; ``int`` (#,##0); ``decimal`` (money and other decimals, #,##0.00); ``date``
(yyyy-mm-dd); ``datetime`` (yyyy-mm-dd hh:mm; a time zone, if any, is dropped: pass local times); ``percent``
(a fraction, 0.125 → 12.5%, shown 0.0%). ``None`` is an empty cell in any kind.

A sheet may carry lines above its table (``Sheet.notes``: a title and e.g. the period of a report); the
header row then follows them, and the frozen pane and the filter move down with it.
"""

from __future__ import annotations

import io
from copy import copy
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import chain, islice
from typing import Any, Iterable, NamedTuple, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList

__all__ = ["Sheet", "Cell", "workbook_bytes", "KINDS", "NUMBER_FORMATS", "FONT_NAME", "MAX_WIDTH", "text_width"]

FONT_NAME = "等线"            # Office's default Chinese font (DengXian); WPS and LibreOffice fall back to a CJK face
FONT_SIZE = 11
MAX_WIDTH = 60               # column width cap, in Excel's character units
MIN_WIDTH = 6
FIT_ROWS = 5000             # column widths fit the first rows; the others stream into the file as they come

NUMBER_FORMATS = {
    "text": "@",
    "int": "#,##0",
    "decimal": "#,##0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "percent": "0.0%",
}
KINDS = tuple(NUMBER_FORMATS)

_HEADER_FILL = PatternFill("solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
_THIN = Side(style="thin", color="FF9E9E9E")
_HEADER_BORDER = Border(bottom=_THIN)
_WIDTH_OF_KIND = {"date": 10, "datetime": 16}      # what a formatted value of these kinds needs
_SHEET_TITLE_BAD = str.maketrans({c: "_" for c in '[]:*?/\\'})


class Cell(NamedTuple):
    """A value with a kind of its own, where its column holds values of several kinds (a report's 本期
    column: counts, and rates as percent)."""

    value: Any
    kind: str


@dataclass
class Sheet:
    """One worksheet: its tab title, the column headers, the rows (sequences of typed values, one per
    header) and per-column kinds (default: every column "text"). ``widths`` may fix a column's width
    (None: fit the contents); ``notes`` are lines written above the table (e.g. a report's title).

    ``rows`` may be any iterable, e.g. a generator reading pages from the database: it is read once,
    while the sheet is written, so a long list never needs to be held in memory; the column widths fit
    the first ``FIT_ROWS`` rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    kinds: Sequence[str] | None = None
    widths: Sequence[float | None] | None = None
    notes: Sequence[str] = field(default_factory=tuple)

    def column_kinds(self) -> list[str]:
        kinds = list(self.kinds) if self.kinds is not None else []
        kinds += ["text"] * (len(self.headers) - len(kinds))
        for kind in kinds:
            if kind not in NUMBER_FORMATS:
                raise ValueError(f"unknown column kind {kind!r} (one of {', '.join(KINDS)})")
        return kinds[:len(self.headers)]


def text_width(text: str) -> int:
    """Display width of one line in Excel's character units: a wide (CJK) character counts 2, others 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _typed(value: Any, kind: str) -> Any:
    """The value as the cell holds it: numbers and dates stay typed; text is a string."""
    if value is None or value == "":
        return None
    if kind == "text":
        return value if isinstance(value, str) else str(value)
    if kind == "int":
        return int(value)
    if kind in ("decimal", "percent"):
        return float(value) if isinstance(value, Decimal) else value
    if kind == "datetime":
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)
        return value
    if kind == "date":
        return value.date() if isinstance(value, datetime) else value
    return value


def _shown_width(value: Any, kind: str) -> int:
    """How wide a value is when shown (the longest line of a text)."""
    if value is None:
        return 0
    if kind in _WIDTH_OF_KIND:
        return _WIDTH_OF_KIND[kind]
    if kind == "int":
        return len(f"{value:,}") if isinstance(value, int) else len(str(value))
    if kind == "decimal":
        return len(f"{value:,.2f}") if isinstance(value, (int, float)) else len(str(value))
    if kind == "percent":
        return len(f"{value:.1%}") if isinstance(value, (int, float)) else len(str(value))
    return max((text_width(part) for part in str(value).splitlines()), default=0)


def _widths(sheet: Sheet, kinds: list[str], rows: list[list[Any]]) -> list[float]:
    widest = [text_width(str(header)) + 4 for header in sheet.headers]   # + room for the filter arrow
    for row in rows:
        for column, value in enumerate(row):
            shown = (_shown_width(value.value, value.kind) if isinstance(value, Cell)
                     else _shown_width(value, kinds[column]))
            if shown > widest[column]:
                widest[column] = shown
    fixed = list(sheet.widths or ())
    widths = []
    for column, width in enumerate(widest):
        given = fixed[column] if column < len(fixed) else None
        widths.append(given if given is not None else min(max(width + 2, MIN_WIDTH), MAX_WIDTH))
    return widths


def _sheet_title(title: str, taken: set[str]) -> str:
    """A tab title Excel accepts: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = (title or "Sheet").translate(_SHEET_TITLE_BAD).strip("'")[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f"({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _write_sheet(book: Workbook, sheet: Sheet, taken: set[str]) -> int:
    kinds = sheet.column_kinds()
    width = len(sheet.headers)

    def typed(row) -> list[Any]:
        values = list(row)
        if len(values) != width:
            raise ValueError(f"sheet {sheet.title!r}: a row has {len(values)} values for {width} headers")
        return [Cell(_typed(value.value, value.kind), value.kind) if isinstance(value, Cell) else _typed(value, kind)
                for value, kind in zip(values, kinds)]

    rows = iter(sheet.rows)
    first = [typed(row) for row in islice(rows, FIT_ROWS)]     # the widths fit these; the rest streams
    ws = book.create_sheet(_sheet_title(sheet.title, taken))
    widths = _widths(sheet, kinds, first)
    for column, column_width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = column_width
    header_row = len(sheet.notes) + 1
    if width:
        ws.freeze_panes = f"A{header_row + 1}"
    for index, note in enumerate(sheet.notes):
        cell = WriteOnlyCell(ws, note)
        cell.font = Font(name=FONT_NAME, size=FONT_SIZE + (3 if index == 0 else 0), bold=index == 0)
        ws.append([cell])
    bold = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
    centred = Alignment(horizontal="center", vertical="center")
    headers = []
    for header in sheet.headers:
        cell = WriteOnlyCell(ws, str(header))
        cell.font, cell.fill, cell.alignment, cell.border = bold, _HEADER_FILL, centred, _HEADER_BORDER
        headers.append(cell)
    ws.append(headers)
    # One style a kind (and one for wrapped text), copied onto each cell: setting a font or a format cell by
    # cell makes openpyxl look the style up again each time, a third of the writing time. Plain text needs
    # none: the workbook's default font is FONT_NAME (_default_font).
    styled = {}
    for kind in set(NUMBER_FORMATS) - {"text"}:
        template = WriteOnlyCell(ws)
        template.number_format = NUMBER_FORMATS[kind]
        styled[kind] = template._style
    template = WriteOnlyCell(ws)
    template.alignment = Alignment(vertical="top", wrap_text=True)
    wrapped = template._style
    written = 0
    for row in chain(first, (typed(row) for row in rows)):
        cells = []
        for value, kind, room in zip(row, kinds, widths):
            if isinstance(value, Cell):
                kind, value = value.kind, value.value
            if value is None:
                cells.append(None)
            elif kind != "text":
                cell = WriteOnlyCell(ws, value)
                cell._style = copy(styled[kind])
                cells.append(cell)
            elif "\n" in value or text_width(value) > room:
                cell = WriteOnlyCell(ws, value)   # wider than its (capped) column: it wraps, Excel makes the row taller
                cell._style = copy(wrapped)
                cells.append(cell)
            else:
                cells.append(value)
        ws.append(cells)
        written += 1
    if width:   # written after the rows (it follows them in the file): the count is known by now
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(width)}{header_row + written}"
    return written


def _default_font(book: Workbook) -> None:
    """Make FONT_NAME the font of every cell without one of its own (font 0 of the workbook's style sheet,
    which Excel's 常规 style uses too). openpyxl has no public call for it; 3.1 (pinned) keeps the
    workbook's fonts in ``_fonts``."""
    book._fonts = IndexedList([Font(name=FONT_NAME, size=FONT_SIZE, family=2)])


def workbook_bytes(sheets: list[Sheet], title: str = "") -> bytes:
    """An .xlsx file holding `sheets` in order (the first one opens); `title` goes into the file's
    properties (default: the first sheet's title). Built in openpyxl's write-only mode, streaming:
    a sheet of a hundred thousand rows takes seconds and little memory.

    The sheets are written one after the other, each reading its rows as it is written: a later
    sheet's rows may be a generator that uses what the earlier ones found (a count, totals)."""
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    book = Workbook(write_only=True)
    _default_font(book)
    book.properties.title = title or sheets[0].title
    book.properties.creator = "TownDesk"
    taken: set[str] = set()
    for sheet in sheets:
        _write_sheet(book, sheet, taken)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
