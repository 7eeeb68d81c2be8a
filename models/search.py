"""The search box every list shares: two SQLite FTS5 indexes per searched table, keyset pages, capped counts.

One index (``trigram``) finds any run of three or more characters anywhere — part of a number, an ID
number, a phone, a name; the other (``unicode61`` over text with every character a token) finds one or
two Chinese characters, which a trigram index cannot. Each holds two columns: ``text`` (what anyone
with the list's permission may search) and ``idno`` (whole ID numbers, searchable in part only by
users allowed to see them; anyone can find a record by a whole ID number).

A table's index rows share its rowids, so the search-only case walks the index newest first and stops
after one page: one common character over a million rows costs no more than a full name.

The PostgreSQL back end (issue 7) will index with pg_trgm instead; until then these indexes exist on
SQLite only and ``SearchIndex.write`` is a no-op elsewhere.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable

import peewee as pw

from models.db import db
from models.errors import ValidationError
from models.numbering import WHOLE_NUMBER_RE

FULL_ID_PERMISSION = "people.full_id"
RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
_JUNK = re.compile(r'[\s"]+')  # inside a quoted FTS5 phrase only the quote itself is special


def spaced(text: str) -> str:
    """Every character its own token (for the one- and two-character index)."""
    return " ".join(ch for ch in text if not ch.isspace())


@dataclass(frozen=True)
class SearchIndex:
    """The two indexes of one table. ``texts(get)`` returns (searchable text, ID numbers), where
    ``get(column)`` reads a model instance or a row dict; ``whole_id(number)`` is a condition on indexed
    columns finding the records that hold a whole ID number, and ``number_columns`` the record's indexed
    numbers: a whole ID number or record number is answered by those indexes (its trigrams — "SL-", "500"
    — are in nearly every row)."""

    name: str
    model: type
    texts: Callable[[Callable[[str], object]], tuple[str, str]]
    whole_id: Callable[[str], object] | None = None   # condition: records holding this whole ID number
    number_columns: tuple = ()     # the record's own numbers (SL-…): a whole one is looked up directly
    hint: str = "请输入要查找的内容。"

    @property
    def tables(self) -> tuple[str, str]:
        return self.name, f"{self.name}_chars"

    def create_sql(self) -> tuple[str, str]:
        return (f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.name} USING fts5(text, idno, tokenize='trigram')",
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.name}_chars USING fts5(text, idno, tokenize='unicode61')")

    def rows_for(self, record) -> tuple[tuple[str, str], tuple[str, str]]:
        """What each index holds for a record (a model instance or a row dict)."""
        get = record.get if isinstance(record, dict) else (lambda key: getattr(record, key))
        text, idno = self.texts(get)
        return (text, idno), (spaced(text), spaced(idno))

    def write(self, record) -> None:
        """Keep both indexes in step with the record (call inside the record's transaction)."""
        if not isinstance(db.obj, pw.SqliteDatabase):
            return
        for table, (text, idno) in zip(self.tables, self.rows_for(record)):
            db.execute_sql(f"DELETE FROM {table} WHERE rowid = ?", (record.id,))
            db.execute_sql(f"INSERT INTO {table} (rowid, text, idno) VALUES (?, ?, ?)", (record.id, text, idno))

    def _match(self, actor, text: str) -> tuple[str, str, str] | None:
        """(index table, MATCH expression, normalised text), or None when the text holds nothing searchable."""
        needle = _JUNK.sub("", text or "").upper()
        if not needle:
            return None
        columns = "{text idno}" if actor.can(FULL_ID_PERMISSION) else "text"
        if len(needle) >= 3:
            return self.name, f'{columns}: "{needle}"', needle
        return f"{self.name}_chars", f'{columns}: "{spaced(needle)}"', needle

    def condition(self, actor, text: str):
        """A condition on the model's id for the search text; a ValidationError when nothing is searchable."""
        found = self._match(actor, text)
        if found is None:
            raise ValidationError("搜索", self.hint)
        table, match, needle = found
        ids = pw.SQL(f"(SELECT rowid FROM {table} WHERE {table} MATCH ?)", (match,))
        condition = self.model.id.in_(ids)
        if not actor.can(FULL_ID_PERMISSION) and self.whole_id is not None:
            # without the right to see whole ID numbers only a whole number finds a record
            condition = condition | self.whole_id(needle)
        return condition

    def page(self, actor, text: str, before_id: int | None, limit: int, base=None) -> list:
        """The search box alone, newest first: walk the index's rowids and stop after one page. ``base``
        is the model's query of records the actor may see (default: not soft-deleted)."""
        base = self.model.live() if base is None else base
        found = self._match(actor, text)
        if found is None:
            raise ValidationError("搜索", self.hint)
        table, match, needle = found
        if RESIDENT_ID.match(needle) and self.whole_id is not None:
            return keyset_page(base.where(self.whole_id(needle)), self.model, before_id, limit)
        if self.number_columns and WHOLE_NUMBER_RE.match(needle):
            condition = self.number_columns[0] == needle
            for column in self.number_columns[1:]:
                condition = condition | (column == needle)
            return keyset_page(base.where(condition), self.model, before_id, limit)
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ?"
        params: list = [match]
        if before_id is not None:
            sql += " AND rowid < ?"
            params.append(before_id)
        ids = [row[0] for row in db.execute_sql(sql + " ORDER BY rowid DESC LIMIT ?", (*params, limit))]
        rows = {record.id: record for record in base.where(self.model.id.in_(ids))}
        return [rows[i] for i in ids if i in rows]


def json_list_holds(column, value: str):
    """A JSONField holding a list of strings has ``value`` as one of its items (LIKE on the stored text,
    wildcards escaped; the text is stored with ensure_ascii=False, so Chinese matches as typed)."""
    item = json.dumps(value, ensure_ascii=False)
    escaped = item.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return pw.NodeList((column, pw.SQL("LIKE"), pw.Value(f"%{escaped}%", converter=False), pw.SQL("ESCAPE '\\'")))


def within(query, column, date_from, date_to, label: str):
    """The query narrowed to ``date_from <= column <= date_to`` (either end may be open); a range that
    ends before it starts is a ValidationError naming the date field."""
    if date_from and date_to and date_from > date_to:
        raise ValidationError(label, "开始日期晚于结束日期。")
    if date_from:
        query = query.where(column >= date_from)
    if date_to:
        query = query.where(column <= date_to)
    return query


def keyset_page(query, model, before_id: int | None, limit: int) -> list:
    """One page newest first; the next page starts before the last row's id (no OFFSET scans)."""
    if before_id is not None:
        query = query.where(model.id < before_id)
    return list(query.order_by(model.id.desc()).limit(limit))


def capped_count(query, model, cap: int | None = None) -> int:
    """How many rows the query gives; with ``cap``, counting stops past it (returns cap + 1)."""
    if cap is None:
        return query.count()
    return model.select(pw.fn.COUNT(pw.SQL("*"))).from_(query.select(pw.SQL("1")).limit(cap + 1)).scalar()
