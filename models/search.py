"""The search box every list shares: two SQLite FTS5 indexes per searched table, keyset pages, capped counts.

One index (``trigram``) finds any run of three or more characters anywhere — part of a number, an ID
number, a phone, a name; the other (``unicode61`` over text with every character a token) finds one or
two Chinese characters, which a trigram index cannot. Each holds two columns: ``text`` (what anyone
with the list's permission may search) and ``idno`` (whole ID numbers, searchable in part only by
users allowed to see them; anyone can find a record by a whole ID number).

A table's index rows share its rowids, so the search-only case walks the index newest first and stops
after one page: one common character over a million rows costs no more than a full name.

On the town hall's PostgreSQL server one table per index holds the same two texts under the record's id,
with pg_trgm's trigram indexes for three characters or more (ILIKE '%…%' through a GIN index), and, for one
or two characters, a ``simple`` text-search vector of the spaced text (every character a word: a phrase
query finds them adjacent through a GIN index), rechecked with ILIKE.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable

import peewee as pw

from models.db import db, is_server
from models.errors import ValidationError
from models.numbering import WHOLE_NUMBER_RE

FULL_ID_PERMISSION = "people.full_id"
RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
# inside a quoted FTS5 phrase only the quote itself is special; control characters (pasted along with the
# text) are never in an index, and PostgreSQL refuses NUL in a parameter outright
_JUNK = re.compile(r'[\s"\x00-\x1f\x7f]+')


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

    def create_sql(self) -> tuple[str, ...]:
        if is_server():
            name = self.name
            return ("CREATE EXTENSION IF NOT EXISTS pg_trgm",
                    f"CREATE TABLE IF NOT EXISTS {name} (id INTEGER PRIMARY KEY, text TEXT NOT NULL, idno TEXT NOT NULL,"
                    " chars TSVECTOR NOT NULL, idchars TSVECTOR NOT NULL)",
                    f"CREATE INDEX IF NOT EXISTS {name}_text ON {name} USING gin (text gin_trgm_ops)",
                    f"CREATE INDEX IF NOT EXISTS {name}_idno ON {name} USING gin (idno gin_trgm_ops)",
                    f"CREATE INDEX IF NOT EXISTS {name}_chars ON {name} USING gin (chars)",
                    f"CREATE INDEX IF NOT EXISTS {name}_idchars ON {name} USING gin (idchars)")
        return (f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.name} USING fts5(text, idno, tokenize='trigram')",
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.name}_chars USING fts5(text, idno, tokenize='unicode61')")

    def insert_sql(self) -> tuple[str, ...]:
        """The statements that add one record's rows, each taking the parameters ``params(id, record)`` gives
        (for bulk writers that do not go through ``write``)."""
        if is_server():
            return (f"INSERT INTO {self.name} (id, text, idno, chars, idchars) VALUES "
                    "(%s, %s, %s, to_tsvector('simple', %s), to_tsvector('simple', %s))",)
        return (f"INSERT INTO {self.name} (rowid, text, idno) VALUES (?, ?, ?)",
                f"INSERT INTO {self.name}_chars (rowid, text, idno) VALUES (?, ?, ?)")

    def params(self, record_id: int, record) -> list[tuple]:
        """One parameter tuple per statement of ``insert_sql``."""
        (text, idno), (spaced_text, spaced_idno) = self.rows_for(record)
        if is_server():
            return [(record_id, text, idno, spaced_text, spaced_idno)]
        return [(record_id, text, idno), (record_id, spaced_text, spaced_idno)]

    def rows_for(self, record) -> tuple[tuple[str, str], tuple[str, str]]:
        """What each index holds for a record (a model instance or a row dict)."""
        get = record.get if isinstance(record, dict) else (lambda key: getattr(record, key))
        text, idno = self.texts(get)
        return (text, idno), (spaced(text), spaced(idno))

    def write(self, record) -> None:
        """Keep both indexes in step with the record (call inside the record's transaction)."""
        if is_server():
            db.execute_sql(f"DELETE FROM {self.name} WHERE id = %s", (record.id,))
        else:
            for table in self.tables:
                db.execute_sql(f"DELETE FROM {table} WHERE rowid = ?", (record.id,))
        for sql, params in zip(self.insert_sql(), self.params(record.id, record)):
            db.execute_sql(sql, params)

    def write_many(self, records, fresh: bool = False) -> None:
        """``write`` for many records in a few statements (an import's thousands of rows). ``fresh``: the
        records were inserted in this transaction, so no index row can hold their ids yet."""
        records = list(records)
        if not records:
            return
        server = is_server()
        if not fresh:
            ids = [r.id for r in records]
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                marks = ", ".join(["%s" if server else "?"] * len(chunk))
                for table in ((self.name,) if server else self.tables):
                    db.execute_sql(f"DELETE FROM {table} WHERE {'id' if server else 'rowid'} IN ({marks})", chunk)
        statements = self.insert_sql()
        rows: list[list[tuple]] = [[] for _ in statements]
        for record in records:
            for wanted, params in zip(rows, self.params(record.id, record)):
                wanted.append(params)
        cursor = db.cursor()
        for sql, params in zip(statements, rows):
            cursor.executemany(sql, params)

    def _match(self, actor, text: str) -> tuple[str, str, str] | None:
        """(index table, MATCH expression, normalised text), or None when the text holds nothing searchable."""
        needle = _JUNK.sub("", text or "").upper()
        if not needle:
            return None
        columns = "{text idno}" if actor.can(FULL_ID_PERMISSION) else "text"
        if len(needle) >= 3:
            return self.name, f'{columns}: "{needle}"', needle
        return f"{self.name}_chars", f'{columns}: "{spaced(needle)}"', needle

    def _server_where(self, actor, needle: str) -> tuple[str, list]:
        """The PostgreSQL index table's condition (SQL, parameters) for a normalised search text."""
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        columns = (("text", "chars"), ("idno", "idchars")) if actor.can(FULL_ID_PERMISSION) else (("text", "chars"),)
        parts, params = [], []
        for column, vector in columns:
            if len(needle) >= 3:
                parts.append(f"{column} ILIKE %s")
                params.append(pattern)
            else:   # one or two characters: the words of the spaced text, rechecked as a substring
                parts.append(f"({vector} @@ phraseto_tsquery('simple', %s) AND {column} ILIKE %s)")
                params += [spaced(needle), pattern]
        return "(" + " OR ".join(parts) + ")", params

    def condition(self, actor, text: str):
        """A condition on the model's id for the search text; a ValidationError when nothing is searchable."""
        found = self._match(actor, text)
        if found is None:
            raise ValidationError("搜索", self.hint)
        table, match, needle = found
        if is_server():
            where, params = self._server_where(actor, needle)
            ids = pw.SQL(f"(SELECT id FROM {self.name} WHERE {where})", params)
        else:
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
        if is_server():
            where, params = self._server_where(actor, needle)
            sql, key, mark = f"SELECT id FROM {self.name} WHERE {where}", "id", "%s"
        else:
            sql, params, key, mark = f"SELECT rowid FROM {table} WHERE {table} MATCH ?", [match], "rowid", "?"
        if before_id is not None:
            sql += f" AND {key} < {mark}"
            params.append(before_id)
        ids = [row[0] for row in db.execute_sql(sql + f" ORDER BY {key} DESC LIMIT {mark}", (*params, limit))]
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
