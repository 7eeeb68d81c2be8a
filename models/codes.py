"""Editable lists of names an office tunes to its own practice: dispute types, risk colours, patrol types.

Each list ships with a default (seeded when the database is set up or upgraded); the admin adds
entries, edits a meaning, retires one (停用: kept on old records, no longer offered). A record stores
the name itself, so renaming never rewrites history.
"""

from __future__ import annotations

import peewee as pw

from models import audit, records, settings
from models.accounts import User, require
from models.db import Record, db
from models.errors import ValidationError
from models.validators import clean_text

MANAGE = "settings.manage"


class CodeItem(Record):
    """One entry of an editable list."""

    list_key = pw.CharField(max_length=32)
    name = pw.CharField(max_length=32)
    meaning = pw.CharField(max_length=200, default="")
    position = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)
    number = pw.IntegerField(null=True)     # a list's own figure, e.g. a care colour's visit interval in days

    class Meta:
        table_name = "code_item"
        indexes = ((("list_key", "name"), True),)


# list key → (label shown to the admin, default entries as (name, meaning) or (name, meaning, number))
LISTS: dict[str, tuple[str, tuple[tuple, ...]]] = {}
# list key → what its entries' number means ("走访间隔（天）"); lists without one have no number
NUMBER_LABELS: dict[str, str] = {}
NUMBER_RANGE = (1, 3650)
ADD_NUMBER_COLUMN = "ALTER TABLE code_item ADD COLUMN number INTEGER"


def define(key: str, label: str, defaults: tuple[tuple, ...], number_label: str = "") -> str:
    """Declare a list (at import time of the area that owns it). With ``number_label`` every entry also
    carries a whole number (1–3650) the admin edits with its meaning."""
    LISTS[key] = (label, defaults)
    if number_label:
        NUMBER_LABELS[key] = number_label
    return key


def add_number_column() -> None:
    """Schema step 5: the number column, on a database whose code_item table predates it."""
    columns = {column.name for column in db.get_columns("code_item")}
    if "number" not in columns:
        db.execute_sql(ADD_NUMBER_COLUMN)


def seed(keys=None) -> None:
    """Add each declared list's default entries that are missing (re-runnable)."""
    post = settings.post_code_or_blank() or "TOWN"
    for key in keys or LISTS:
        _label, defaults = LISTS[key]
        present = {row.name for row in CodeItem.select(CodeItem.name).where(CodeItem.list_key == key)}
        for position, (name, meaning, *number) in enumerate(defaults):
            if name not in present:
                CodeItem.create(list_key=key, name=name, meaning=meaning, position=position, post=post,
                                created_by="system", number=number[0] if number else None)


def items(key: str, include_inactive: bool = False) -> list[CodeItem]:
    query = CodeItem.live().where(CodeItem.list_key == key)
    if not include_inactive:
        query = query.where(CodeItem.active == True)  # noqa: E712 (peewee expression)
    return list(query.order_by(CodeItem.position, CodeItem.id))


def names(key: str) -> list[str]:
    return [item.name for item in items(key)]


def meaning_of(key: str, name: str) -> str:
    item = CodeItem.get_or_none(CodeItem.list_key == key, CodeItem.name == name)
    return item.meaning if item else ""


def number_of(key: str, name: str) -> int | None:
    """An entry's number (a retired entry keeps its number for the records that still carry it)."""
    item = CodeItem.get_or_none(CodeItem.list_key == key, CodeItem.name == name)
    return item.number if item else None


def _number(key: str, value) -> int | None:
    if key not in NUMBER_LABELS:
        return None
    label = NUMBER_LABELS[key]
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(label, f"{label}应为整数。") from None
    low, high = NUMBER_RANGE
    if not low <= number <= high:
        raise ValidationError(label, f"{label}应在 {low} 到 {high} 之间。")
    return number


def check(key: str, value: str, field: str, required: bool = True) -> str:
    """`value` must be an active entry of the list; the error names the field and the choices."""
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError(field, f"请选择{field}。")
        return ""
    offered = names(key)
    if value not in offered:
        raise ValidationError(field, f"“{value}”不是可选的{field}（可选：{'、'.join(offered)}）。")
    return value


def save_item(actor: User, key: str, name: str, meaning: str = "", item: CodeItem | None = None,
              number=None) -> CodeItem:
    """Add an entry, or change an entry's meaning (and number, for a list that has one); its name stays:
    records keep the name they were given."""
    require(actor, MANAGE)
    if key not in LISTS:
        raise ValidationError("列表", f"没有名为“{key}”的列表。")
    label = LISTS[key][0]
    meaning = clean_text(meaning, "含义", 200)
    number = _number(key, number)
    with db.atomic():
        if item is not None:
            records.update(actor, item, {"meaning": meaning, "number": number}, f"{label}“{item.name}”",
                           {"meaning": "含义", "number": NUMBER_LABELS.get(key, "数值")})
            return item
        name = clean_text(name, "名称", 32, required=True)
        if CodeItem.select().where(CodeItem.list_key == key, CodeItem.name == name).exists():
            raise ValidationError("名称", f"{label}中已有“{name}”。")
        last = CodeItem.select(pw.fn.MAX(CodeItem.position)).where(CodeItem.list_key == key).scalar() or 0
        return records.create(actor, CodeItem, f"新增{label}“{name}”", list_key=key, name=name, meaning=meaning,
                              position=last + 1, number=number)


def set_active(actor: User, item: CodeItem, active: bool) -> CodeItem:
    require(actor, MANAGE)
    if not active and len(items(item.list_key)) <= 1:
        raise ValidationError("名称", "至少要保留一项可选。")
    with db.atomic():
        item.active = active
        item.save()
        audit.log(actor.username, "update", f"{'启用' if active else '停用'}{LISTS[item.list_key][0]}“{item.name}”", item)
    return item
