"""事件 SJ-…: a grid finding that needs more than the worker on the spot. It follows
上报 → 受理 → 分派 → 处置 → 办结 → 评价; each step is dated, attributed (EventStep) and audited.

Who does what: the grid worker reports (with the patrol) and records the handling (处置) of an event in
their grids; the 网格长 / centre (``patrol.all``) accepts, assigns, closes after checking (核查结案) and
rates. Every event has a due date (by scale, or set when it is assigned) and is coloured when overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Sequence

from models import audit, codes, numbering, records
from models.accounts import User, require
from models.db import db, utcnow
from models.deadlines import NO_DEADLINE, state_of
from models.errors import ValidationError
from models.patrol import grids
from models.patrol.common import choice, count, day, local_today
from models.patrol.tables import (
    EV_ACCEPTED, EV_ASSIGNED, EV_CLOSED, EV_HANDLED, EV_RATED, EV_REPORTED, EVENT_DAYS, EVENT_OPEN, EVENT_RATINGS,
    EVENT_SCALES, EVENT_STATUSES, FINDING_CATEGORIES, EventStep, Finding, Grid, GridEvent,
)
from models.search import SearchIndex, capped_count, keyset_page, within
from models.validators import clean_text

PREFIX = "SJ"
DUE_SOON_DAYS = 2

# step → (status it leads to, the status it starts from, permission, the verb for messages)
STEPS = {
    "accept": (EV_ACCEPTED, (EV_REPORTED,), grids.ALL, "受理"),
    "assign": (EV_ASSIGNED, (EV_ACCEPTED, EV_ASSIGNED), grids.ALL, "分派"),
    "handle": (EV_HANDLED, (EV_ASSIGNED,), grids.USE, "处置"),
    "close": (EV_CLOSED, (EV_HANDLED,), grids.ALL, "办结"),
    "rate": (EV_RATED, (EV_CLOSED,), grids.ALL, "评价"),
}


@dataclass
class EventEntry:
    """What a finding adds to become an event (its place, category and description come from the finding)."""

    title: str
    scale: str = "一般"
    people_involved: int | str = 0
    party: str = ""
    due_on: date | None = None           # default: the report day + 7 / 3 / 1 days by scale
    occurred_at: datetime | None = None  # local time; default: when the patrol started


def clean_event(entry: EventEntry, reported_on: date) -> dict:
    scale = choice(entry.scale, EVENT_SCALES, "事件规模")
    due_on = entry.due_on or reported_on + timedelta(days=EVENT_DAYS[scale])
    if not isinstance(due_on, date) or due_on < reported_on:
        raise ValidationError("办结期限", "办结期限不能早于上报日期。")
    return {
        "title": clean_text(entry.title, "事件名称", 100, required=True, min_len=2),
        "scale": scale, "people_involved": count(entry.people_involved, "涉及人数"),
        "party": clean_text(entry.party, "当事人", 200), "due_on": due_on,
    }


def create(actor: User, fields: dict, finding: Finding | None, grid: Grid | None, category: str, place: str,
           description: str, occurred_at: datetime, reported_on: date, now: datetime | None = None) -> GridEvent:
    """上报 (inside the caller's transaction): numbered SJ-POST-YYYYMMDD-NNNN."""
    number = numbering.next_number(PREFIX, day=reported_on)
    event = records.create(actor, GridEvent, f"上报事件 {number}", number=number, status=EV_REPORTED,
                           finding=finding, grid=grid, category=category, place=place, description=description,
                           occurred_at=occurred_at, reported_on=reported_on, **fields)
    EventStep.create(event=event, step=EV_REPORTED, at=now or utcnow(), by=actor.display_name, post=event.post,
                     created_by=actor.username, note=fields["title"])
    SEARCH.write(event)
    return event


def visible(actor: User):
    return grids.scope(actor, GridEvent, GridEvent.grid)


def get_event(actor: User, number: str) -> GridEvent:
    return grids.by_number(visible(actor), GridEvent, number, "事件编号", "事件")


def allowed_steps(actor: User, event: GridEvent) -> dict[str, str]:
    """Each step → "" when the actor can take it now, else why not (the step functions enforce the same)."""
    why = {}
    for step, (_to, sources, permission, verb) in STEPS.items():
        if event.status not in sources:
            why[step] = f"事件当前为“{event.status}”，不能{verb}。"
        elif not actor.can(permission):
            why[step] = f"{verb}需由网格长或综治中心办理。"
        else:
            why[step] = ""
    return why


def _step(actor: User, event: GridEvent, step: str, note: str, fields: dict, now: datetime | None) -> GridEvent:
    to, sources, permission, verb = STEPS[step]
    require(actor, permission)
    now = now or utcnow()
    with db.atomic():
        fresh = grids.fresh_in_scope(visible(actor), event, "事件")
        if fresh.status not in sources:
            raise ValidationError("状态", f"事件 {fresh.number} 当前为“{fresh.status}”，不能{verb}。")
        for key, value in fields.items():
            setattr(fresh, key, value)
        fresh.status = to
        fresh.save()
        EventStep.create(event=fresh, step=to, at=now, by=actor.display_name, post=fresh.post,
                         created_by=actor.username, note=note)
        audit.log(actor.username, "update", f"事件 {fresh.number}{verb}" + (f"：{note[:60]}" if note else ""), fresh)
    return fresh


def accept(actor: User, event: GridEvent, note: str = "", now: datetime | None = None) -> GridEvent:
    return _step(actor, event, "accept", clean_text(note, "受理意见", 1000), {}, now)


def assign(actor: User, event: GridEvent, handler: str, due_on: date | None = None, note: str = "",
           now: datetime | None = None) -> GridEvent:
    """分派 to a department or person, with a new due date if given (not before today)."""
    handler = clean_text(handler, "承办单位或人员", 64, required=True)
    fields = {"handler": handler}
    if due_on is not None:
        fields["due_on"] = day(due_on, "办结期限", not_before=local_today(now), future=True)
    note = clean_text(note, "分派说明", 1000)
    return _step(actor, event, "assign", f"分派给{handler}" + (f"：{note}" if note else ""), fields, now)


def handle(actor: User, event: GridEvent, handling: str, now: datetime | None = None) -> GridEvent:
    handling = clean_text(handling, "处置情况", 4000, required=True, min_len=4)
    return _step(actor, event, "handle", handling, {"handling": handling}, now)


def close(actor: User, event: GridEvent, result: str, on: date | None = None, now: datetime | None = None) -> GridEvent:
    """办结 after checking the handling (核查结案)."""
    result = clean_text(result, "核查结果", 4000, required=True, min_len=2)
    today = local_today(now)
    closed_on = day(on or today, "办结日期", today, event.reported_on)
    return _step(actor, event, "close", result, {"result": result, "closed_on": closed_on}, now)


def rate(actor: User, event: GridEvent, rating: str, comment: str = "", now: datetime | None = None) -> GridEvent:
    rating = choice(rating, EVENT_RATINGS, "评价")
    comment = clean_text(comment, "评价说明", 1000)
    return _step(actor, event, "rate", rating + (f"：{comment}" if comment else ""), {"rating": rating}, now)


def steps(event: GridEvent) -> list[EventStep]:
    return list(event.steps.where(EventStep.deleted_at.is_null()).order_by(EventStep.at, EventStep.id))


def deadline(event: GridEvent, today: date) -> tuple[int | None, str]:
    """(days left, state) of an open event; an event closed late keeps no running deadline."""
    if event.status not in EVENT_OPEN:
        return None, NO_DEADLINE
    left = (event.due_on - today).days
    return left, state_of(event.due_on, today, max(left, 0), DUE_SOON_DAYS)


def closed_late(event: GridEvent) -> bool:
    return event.closed_on is not None and event.closed_on > event.due_on


def due_soon(actor: User, today: date) -> list[GridEvent]:
    """Open events overdue or due within two days, the most urgent first."""
    return list(visible(actor).where(GridEvent.status.in_(EVENT_OPEN),
                                     GridEvent.due_on <= today + timedelta(days=DUE_SOON_DAYS))
                .order_by(GridEvent.due_on, GridEvent.id))


# --------------------------------------------------------------------------------------------
# Search and lists
# --------------------------------------------------------------------------------------------

def _event_texts(get) -> tuple[str, str]:
    return " ".join(filter(None, (get("number"), get("title"), get("category"), get("place"), get("party"),
                                  get("handler")))), ""


SEARCH = SearchIndex("grid_event_search", GridEvent, _event_texts, None, (GridEvent.number,),
                     hint="请输入事件编号、名称、地点或当事人。")


@dataclass
class EventFilter:
    text: str = ""
    statuses: Sequence[str] = ()
    category: str = ""
    overdue_on: date | None = None       # only open events past their due date on this day
    date_from: date | None = None
    date_to: date | None = None


def _filtered(actor: User, flt: EventFilter):
    query = visible(actor)
    for status in flt.statuses:
        choice(status, EVENT_STATUSES, "状态")
    if flt.statuses:
        query = query.where(GridEvent.status.in_(list(flt.statuses)))
    if flt.category:
        query = query.where(GridEvent.category == flt.category)
    if flt.overdue_on:
        query = query.where(GridEvent.status.in_(EVENT_OPEN), GridEvent.due_on < flt.overdue_on)
    query = within(query, GridEvent.reported_on, flt.date_from, flt.date_to, "上报日期")
    if flt.text.strip():
        query = query.where(SEARCH.condition(actor, flt.text))
    return query


def list_events(actor: User, flt: EventFilter, before_id: int | None = None, limit: int = 100) -> list[GridEvent]:
    return keyset_page(_filtered(actor, flt), GridEvent, before_id, limit)


def count_events(actor: User, flt: EventFilter, cap: int | None = None) -> int:
    return capped_count(_filtered(actor, flt), GridEvent, cap)


def check_category(value: str) -> str:
    return codes.check(FINDING_CATEGORIES, value, "问题类别")


