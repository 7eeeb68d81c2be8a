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

    class Meta:
        table_name = "code_item"
        indexes = ((("list_key", "name"), True),)


# list key → (label shown to the admin, default entries as (name, meaning))
LISTS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}


def define(key: str, label: str, defaults: tuple[tuple[str, str], ...]) -> str:
    """Declare a list (at import time of the area that owns it)."""
    LISTS[key] = (label, defaults)
    return key


def seed(keys=None) -> None:
    """Add each declared list's default entries that are missing (re-runnable)."""
    post = settings.post_code_or_blank() or "TOWN"
    for key in keys or LISTS:
        _label, defaults = LISTS[key]
        present = {row.name for row in CodeItem.select(CodeItem.name).where(CodeItem.list_key == key)}
        for position, (name, meaning) in enumerate(defaults):
            if name not in present:
                CodeItem.create(list_key=key, name=name, meaning=meaning, position=position, post=post,
                                created_by="system")


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


def save_item(actor: User, key: str, name: str, meaning: str = "", item: CodeItem | None = None) -> CodeItem:
    """Add an entry, or change an entry's meaning (its name stays: records keep the name they were given)."""
    require(actor, MANAGE)
    if key not in LISTS:
        raise ValidationError("列表", f"没有名为“{key}”的列表。")
    label = LISTS[key][0]
    meaning = clean_text(meaning, "含义", 200)
    with db.atomic():
        if item is not None:
            records.update(actor, item, {"meaning": meaning}, f"{label}“{item.name}”")
            return item
        name = clean_text(name, "名称", 32, required=True)
        if CodeItem.select().where(CodeItem.list_key == key, CodeItem.name == name).exists():
            raise ValidationError("名称", f"{label}中已有“{name}”。")
        last = CodeItem.select(pw.fn.MAX(CodeItem.position)).where(CodeItem.list_key == key).scalar() or 0
        return records.create(actor, CodeItem, f"新增{label}“{name}”", list_key=key, name=name, meaning=meaning,
                              position=last + 1)


def set_active(actor: User, item: CodeItem, active: bool) -> CodeItem:
    require(actor, MANAGE)
    if not active and len(items(item.list_key)) <= 1:
        raise ValidationError("名称", "至少要保留一项可选。")
    with db.atomic():
        item.active = active
        item.save()
        audit.log(actor.username, "update", f"{'启用' if active else '停用'}{LISTS[item.list_key][0]}“{item.name}”", item)
    return item
