"""The hall's day summary: how many cases each day accepted, by post, class, channel, status and whether
they were finished on time — so a year's statistics over a million cases sum a few thousand rows.

The summary is derived, never edited and never synchronised. Triggers on ``service_case`` note each day
a write touches (an insert, an update of a counted column, a delete: the old and the new day) in
``stat_dirty``; ``refresh()`` recounts only those days from the cases, in one transaction, before any
figure is read. So the summary is right after the window's own work, a bulk load, a sync import or a
change made outside TownDesk alike. Schema step 6 marks every day that already has cases, so the first
statistics after the upgrade count them all once (a progress callback reports it).
"""

from __future__ import annotations

from datetime import date
from typing import Callable

import peewee as pw

from models.db import is_server, BaseModel, db

HALL = "hall"


class HallDay(BaseModel):
    """Cases accepted on one day, by post, class, channel and status; ``on_time`` is 1/0 for finished
    cases (completed on or before the promised date) and NULL for the others."""

    day = pw.DateField()
    post = pw.CharField(max_length=8)
    matter_class = pw.CharField(max_length=8)
    channel = pw.CharField(max_length=8)
    status = pw.CharField(max_length=8)
    on_time = pw.IntegerField(null=True)
    cases = pw.IntegerField()

    class Meta:
        table_name = "stat_hall_day"
        indexes = ((("day", "post"), False),)


class StatDirty(BaseModel):
    """A day whose summary must be recounted."""

    area = pw.CharField(max_length=8)
    day = pw.DateField()

    class Meta:
        table_name = "stat_dirty"
        primary_key = pw.CompositeKey("area", "day")


TABLES = [HallDay, StatDirty]

_COUNTED = "accepted_on, status, completed_on, promised_date, matter_class, channel, post, deleted_at"
TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS stat_case_insert AFTER INSERT ON service_case WHEN NEW.accepted_on IS NOT NULL "
    "BEGIN INSERT OR IGNORE INTO stat_dirty (area, day) VALUES ('hall', NEW.accepted_on); END",
    f"CREATE TRIGGER IF NOT EXISTS stat_case_update AFTER UPDATE OF {_COUNTED} ON service_case "
    "BEGIN INSERT OR IGNORE INTO stat_dirty (area, day) SELECT 'hall', NEW.accepted_on WHERE NEW.accepted_on IS NOT NULL; "
    "INSERT OR IGNORE INTO stat_dirty (area, day) SELECT 'hall', OLD.accepted_on WHERE OLD.accepted_on IS NOT NULL; END",
    "CREATE TRIGGER IF NOT EXISTS stat_case_delete AFTER DELETE ON service_case WHEN OLD.accepted_on IS NOT NULL "
    "BEGIN INSERT OR IGNORE INTO stat_dirty (area, day) VALUES ('hall', OLD.accepted_on); END",
]
# The same on the town hall's PostgreSQL server, as one trigger function.
SERVER_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION stat_case_dirty() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.accepted_on IS NOT NULL THEN "
    "INSERT INTO stat_dirty (area, day) VALUES ('hall', NEW.accepted_on) ON CONFLICT DO NOTHING; END IF; "
    "IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.accepted_on IS NOT NULL THEN "
    "INSERT INTO stat_dirty (area, day) VALUES ('hall', OLD.accepted_on) ON CONFLICT DO NOTHING; END IF; "
    "RETURN NULL; END $$",
    "CREATE OR REPLACE TRIGGER stat_case_insert AFTER INSERT ON service_case "
    "FOR EACH ROW WHEN (NEW.accepted_on IS NOT NULL) EXECUTE FUNCTION stat_case_dirty()",
    f"CREATE OR REPLACE TRIGGER stat_case_update AFTER UPDATE OF {_COUNTED} ON service_case "
    "FOR EACH ROW EXECUTE FUNCTION stat_case_dirty()",
    "CREATE OR REPLACE TRIGGER stat_case_delete AFTER DELETE ON service_case "
    "FOR EACH ROW WHEN (OLD.accepted_on IS NOT NULL) EXECUTE FUNCTION stat_case_dirty()",
]
# The ratings given in a period are read through this covering index (created_at is UTC).
RATING_INDEX = "CREATE INDEX IF NOT EXISTS rating_stats ON rating (created_at, post, overall)"


def create() -> None:
    """Schema step 6: the tables, the triggers, and every day that already has cases marked to count."""
    from models.hall.tables import ServiceCase

    db.create_tables(TABLES, safe=True)
    db.execute_sql(RATING_INDEX)
    for sql in SERVER_TRIGGERS if is_server() else TRIGGERS:
        db.execute_sql(sql)
    StatDirty.insert_from(
        ServiceCase.select(pw.Value(HALL), ServiceCase.accepted_on).distinct()
        .where(ServiceCase.accepted_on.is_null(False)), [StatDirty.area, StatDirty.day]).on_conflict_ignore().execute()


def pending() -> int:
    return StatDirty.select().where(StatDirty.area == HALL).count()


def refresh(progress: Callable[[int, int], None] | None = None, chunk: int = 31) -> int:
    """Recount the days the triggers marked. Returns how many days were recounted. Each chunk of days is one
    transaction (its marks are removed with it), so an interrupted refresh loses nothing."""
    from models.hall.tables import FINISHED_STATUSES, ServiceCase

    total = pending()
    done = 0
    while True:
        with db.atomic():
            days = [row.day for row in StatDirty.select(StatDirty.day).where(StatDirty.area == HALL)
                    .order_by(StatDirty.day).limit(chunk)]
            if not days:
                return done
            HallDay.delete().where(HallDay.day.in_(days)).execute()
            finished = ServiceCase.status.in_(FINISHED_STATUSES)
            on_time = pw.Case(None, [(finished & (ServiceCase.completed_on <= ServiceCase.promised_date), 1),
                                     (finished, 0)], None)
            query = (ServiceCase
                     .select(ServiceCase.accepted_on, ServiceCase.post, ServiceCase.matter_class, ServiceCase.channel,
                             ServiceCase.status, on_time, pw.fn.COUNT(ServiceCase.id))
                     .where(ServiceCase.accepted_on.in_(days), ServiceCase.deleted_at.is_null())
                     # by position: PostgreSQL cannot match the CASE's bound parameters to a repeated one
                     .group_by(pw.SQL("1, 2, 3, 4, 5, 6"))
                     .tuples())
            rows = [dict(day=d, post=p, matter_class=c, channel=ch, status=s, on_time=o, cases=n)
                    for d, p, c, ch, s, o, n in query]
            for first in range(0, len(rows), 500):
                HallDay.insert_many(rows[first:first + 500]).execute()
            StatDirty.delete().where(StatDirty.area == HALL, StatDirty.day.in_(days)).execute()
        done += len(days)
        if progress:
            progress(done, max(total, done))


def hall_rows(start: date, end: date, post: str = ""):
    """The summary rows of the days from start to end (inclusive), of one post or all."""
    query = HallDay.select().where(HallDay.day.between(start, end))
    if post:
        query = query.where(HallDay.post == post)
    return query
