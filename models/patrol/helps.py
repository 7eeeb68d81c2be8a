"""群众求助 QZ-…: who asked, for what, and how it was closed (on the spot, coordinated, handed to a
department, turned into an event, or explained)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from models import audit, codes, numbering, records
from models.accounts import User, require
from models.db import db
from models.errors import ValidationError
from models.patrol import grids
from models.patrol.common import choice, day, local_today, optional_phone
from models.patrol.tables import HELP_CLOSED, HELP_CLOSINGS, HELP_OPEN, HELP_TYPES, Finding, Grid, HelpRequest
from models.people import Person
from models.search import capped_count, keyset_page, within
from models.validators import clean_text

PREFIX = "QZ"


@dataclass
class HelpEntry:
    """A help request. ``need`` defaults to the finding's problem; with ``closing`` it is closed at once
    (most are: 当场解决)."""

    requester: str = ""                  # default: the registry person's name
    help_type: str = ""
    person: Person | None = None
    phone: str = ""
    address: str = ""
    need: str = ""
    closing: str = ""
    result: str = ""


def clean_help(entry: HelpEntry, need: str = "") -> dict:
    person = entry.person
    if person is not None and (not isinstance(person, Person) or person.id is None or person.deleted_at is not None):
        raise ValidationError("求助人", "求助人须从人员库中选取，或直接填写姓名。")
    phone = (entry.phone or (person.phone if person else "") or "").strip()
    fields = {
        "requester": clean_text(entry.requester or (person.name if person else ""), "求助人", 64, required=True),
        "person_uid": str(person.uid) if person else "",
        "phone": optional_phone(phone, "求助人电话"),
        "address": clean_text(entry.address or (person.address if person else ""), "求助人住址", 200),
        "help_type": codes.check(HELP_TYPES, entry.help_type, "求助类别"),
        "need": clean_text(entry.need or need, "求助事项", 4000, required=True, min_len=2),
    }
    if entry.closing:
        fields["closing"] = choice(entry.closing, HELP_CLOSINGS, "办结方式")
        fields["result"] = clean_text(entry.result, "办结情况", 2000, required=True, min_len=2)
    return fields


def create(actor: User, fields: dict, asked_on: date, finding: Finding | None = None,
           grid: Grid | None = None) -> HelpRequest:
    """Record a cleaned request (inside the caller's transaction): numbered QZ-POST-YYYYMMDD-NNNN."""
    number = numbering.next_number(PREFIX, day=asked_on)
    closed = bool(fields.get("closing"))
    return records.create(actor, HelpRequest, f"登记群众求助 {number}" + ("（当场办结）" if closed else ""),
                          number=number, status=HELP_CLOSED if closed else HELP_OPEN, finding=finding, grid=grid,
                          asked_on=asked_on, closed_on=asked_on if closed else None,
                          closed_by=actor.display_name if closed else "", **fields)


def visible(actor: User):
    return grids.scope(actor, HelpRequest, HelpRequest.grid)


def get_request(actor: User, number: str) -> HelpRequest:
    return grids.by_number(visible(actor), HelpRequest, number, "求助编号", "群众求助")


def close(actor: User, request: HelpRequest, closing: str, result: str, on: date | None = None,
          now: datetime | None = None) -> HelpRequest:
    require(actor, grids.USE)
    closing = choice(closing, HELP_CLOSINGS, "办结方式")
    result = clean_text(result, "办结情况", 2000, required=True, min_len=2)
    today = local_today(now)
    with db.atomic():
        fresh = grids.fresh_in_scope(visible(actor), request, "群众求助")
        if fresh.status != HELP_OPEN:
            raise ValidationError("状态", f"群众求助 {fresh.number} 已办结。")
        fresh.closed_on = day(on or today, "办结日期", today, fresh.asked_on)
        fresh.status, fresh.closing, fresh.result, fresh.closed_by = HELP_CLOSED, closing, result, actor.display_name
        fresh.save()
        audit.log(actor.username, "update", f"群众求助 {fresh.number} 办结（{closing}）", fresh)
    return fresh


def open_requests(actor: User) -> list[HelpRequest]:
    return list(visible(actor).where(HelpRequest.status == HELP_OPEN).order_by(HelpRequest.asked_on, HelpRequest.id))


def _filtered(actor: User, text: str = "", status: str = "", date_from: date | None = None,
              date_to: date | None = None):
    query = visible(actor)
    if status:
        query = query.where(HelpRequest.status == choice(status, (HELP_OPEN, HELP_CLOSED), "状态"))
    query = within(query, HelpRequest.asked_on, date_from, date_to, "求助日期")
    text = (text or "").strip()
    if text:
        query = query.where(HelpRequest.number.contains(text.upper()) | HelpRequest.requester.contains(text)
                            | HelpRequest.need.contains(text) | HelpRequest.phone.contains(text))
    return query


def list_requests(actor: User, text: str = "", status: str = "", date_from: date | None = None,
                  date_to: date | None = None, before_id: int | None = None, limit: int = 100) -> list[HelpRequest]:
    return keyset_page(_filtered(actor, text, status, date_from, date_to), HelpRequest, before_id, limit)


def count_requests(actor: User, text: str = "", status: str = "", date_from: date | None = None,
                   date_to: date | None = None, cap: int | None = None) -> int:
    return capped_count(_filtered(actor, text, status, date_from, date_to), HelpRequest, cap)
