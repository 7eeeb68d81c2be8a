"""节假日设置: the administrator's holidays and 调休 working days, and the calendar every deadline uses."""

from datetime import date

import peewee as pw

from models import records
from models.accounts import User, require
from models.db import db
from models.errors import ValidationError
from models.hall.tables import CalendarDay
from models.hall.workdays import WorkCalendar


_cache: tuple[tuple, WorkCalendar] | None = None


def work_calendar() -> WorkCalendar:
    """The built-in State Council calendar with this office's entries on top.

    The same calendar is handed out until the entries change (it remembers every day it has been
    asked about, which makes a long list's deadlines cheap)."""
    global _cache
    stamp = (id(db.obj), *CalendarDay.select(pw.fn.COUNT(CalendarDay.id), pw.fn.MAX(CalendarDay.updated_at),
                                             pw.fn.COUNT(CalendarDay.deleted_at)).tuples().get())
    if _cache is not None and _cache[0] == stamp:
        return _cache[1]
    holidays, workdays = [], []
    for row in CalendarDay.live(CalendarDay.day, CalendarDay.workday):
        (workdays if row.workday else holidays).append(row.day)
    calendar = WorkCalendar(holidays, workdays)
    _cache = (stamp, calendar)
    return calendar


def list_days(year: int | None = None) -> list[CalendarDay]:
    query = CalendarDay.live()
    if year is not None:
        query = query.where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
    return list(query.order_by(CalendarDay.day))


def set_day(actor: User, day: date, workday: bool, note: str = "") -> CalendarDay:
    """Enter (or change) one day: a holiday (workday False) or a 调休 working day (workday True)."""
    require(actor, "settings.manage")
    if not isinstance(day, date):
        raise ValidationError("日期", "请填写日期。")
    note = (note or "").strip()
    if len(note) > 64:
        raise ValidationError("说明", "说明最多 64 个字。")
    kind = "调休上班" if workday else "放假"
    with db.atomic():
        existing = CalendarDay.live().where(CalendarDay.day == day).first()
        if existing is None:
            return records.create(actor, CalendarDay, f"节假日设置：{day:%Y-%m-%d} {kind}",
                                  day=day, workday=workday, note=note)
        records.update(actor, existing, {"workday": workday, "note": note},
                       f"节假日设置：{day:%Y-%m-%d} 改为{kind}", {"workday": "放假/上班", "note": "说明"})
        return existing


def remove_day(actor: User, entry: CalendarDay) -> None:
    require(actor, "settings.manage")
    with db.atomic():
        records.delete(actor, entry, f"节假日设置：删除 {entry.day:%Y-%m-%d}")
