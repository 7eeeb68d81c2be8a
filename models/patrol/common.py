"""What the patrol area's modules share: today's local date, choices, dates and counts checked with the
field named in the message."""

from __future__ import annotations

from datetime import date, datetime
from typing import Sequence

from models.db import to_local, utcnow
from models.errors import ValidationError
from models.validators import normalise_phone


def local_today(now: datetime | None = None) -> date:
    return to_local(now or utcnow()).date()


def choice(value: str, allowed: Sequence[str], label: str) -> str:
    value = (value or "").strip()
    if value not in allowed:
        raise ValidationError(label, f"请选择{label}（{'、'.join(allowed)}）。")
    return value


def day(value, label: str, today: date | None = None, not_before: date | None = None,
        future: bool = False, before_label: str = "") -> date:
    """A date as typed: not after today (unless ``future``), not before ``not_before`` (the message names
    that date as ``before_label`` when given)."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError(label, f"请填写{label}。")
    if not future and today is not None and value > today:
        raise ValidationError(label, f"{label}不能晚于今天。")
    if not_before is not None and value < not_before:
        when = f"{before_label}（{not_before:%Y年%m月%d日}）" if before_label else f"{not_before:%Y年%m月%d日}"
        raise ValidationError(label, f"{label}不能早于{when}。")
    return value


def optional_phone(value: str | None, label: str) -> str:
    """A phone number that may be left blank; one typed in must be a real number."""
    value = (value or "").strip()
    return normalise_phone(value, label) if value else ""


def count(value, label: str, low: int = 0, high: int = 100000) -> int:
    if value in (None, ""):
        value = 0
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(label, f"{label}应为整数。") from None
    if not low <= number <= high:
        raise ValidationError(label, f"{label}应在 {low} 到 {high} 之间。")
    return number
