"""Deadline states every area shows the same way (lists colour them, home pages list them)."""

from __future__ import annotations

from datetime import date

OVERDUE, DUE_TODAY, DUE_SOON, ON_TIME, NO_DEADLINE = "已超期", "今日到期", "即将到期", "正常", ""


def state_of(due: date, today: date, left: int, soon: int) -> str:
    """The state of a running deadline `due`, with `left` days (working or calendar, as the area counts)
    between today and it, and `soon` days counting as 即将到期."""
    if due < today:
        return OVERDUE
    if left == 0:
        return DUE_TODAY
    if left <= soon:
        return DUE_SOON
    return ON_TIME
