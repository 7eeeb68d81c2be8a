"""编号: document numbers PREFIX-POST-YYYYMMDD-NNNN, a serial per prefix, post and day.

The serial is taken with one INSERT … ON CONFLICT DO UPDATE … RETURNING inside the caller's
write transaction, so two windows writing at once never receive the same number, and a
rolled-back intake gives its number back.
"""

import re
from datetime import date, datetime

import peewee as pw

from models import settings
from models.db import BaseModel, db

PREFIX_RE = re.compile(r"^[A-Z]{2,4}$")


class Counter(BaseModel):
    """The last serial handed out for one prefix, post and day. Local to this database."""

    prefix = pw.CharField(max_length=4)
    post = pw.CharField(max_length=8)
    day = pw.DateField()
    last = pw.IntegerField(default=0)

    class Meta:
        table_name = "number_counter"
        indexes = ((("prefix", "post", "day"), True),)


WHOLE_NUMBER_RE = re.compile(r"^[A-Z]{2,4}-[A-Z0-9]+-\d{8}-\d{4,}$")   # what format_number writes


def format_number(prefix: str, post: str, day: date, serial: int) -> str:
    return f"{prefix}-{post}-{day:%Y%m%d}-{serial:04d}"


def next_number(prefix: str, day: date | None = None, post: str | None = None) -> str:
    """Allocate the next number. Must run inside the transaction that writes the numbered record."""
    if not PREFIX_RE.match(prefix):
        raise ValueError(f"number prefix must be 2-4 capital letters, got {prefix!r}")
    if not db.in_transaction():
        raise RuntimeError("next_number() must be called inside the writing transaction (db.atomic())")
    day = day or datetime.now().date()
    post = post or settings.post_code()
    cursor = (
        Counter.insert(prefix=prefix, post=post, day=day, last=1)
        .on_conflict(
            conflict_target=[Counter.prefix, Counter.post, Counter.day],
            update={Counter.last: Counter.last + 1},
        )
        .returning(Counter.last)
        .tuples()
        .execute()
    )
    serial = next(iter(cursor))[0]
    return format_number(prefix, post, day, serial)
