"""工作日: promised completion dates counted in China's working days.

China's working days are not Monday to Friday: public holidays move each year and some weekends are
working days (调休). The State Council's calendar comes from `chinese-calendar`, which knows only
the years up to its release (1.11.0: 2004–2026). For a year it does not know, the count falls back
to weekends plus the holidays and 调休 working days an administrator has entered from the yearly
notice — so a 承诺件 accepted in December still gets a date, and the screen can say how it was made.
"""

from collections.abc import Iterable
from datetime import date, timedelta

import chinese_calendar

MAX_SPAN_DAYS = 3660  # no promise runs ten years: a longer search means bad input


class WorkCalendar:
    """Working days, with the administrator's entries taking precedence over the built-in calendar."""

    def __init__(self, holidays: Iterable[date] = (), workdays: Iterable[date] = ()):
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        self._known: dict[date, bool] = {}  # chinese-calendar searches its tables on every call
        self._left: dict[tuple[date, date], int] = {}  # a list's rows share a few promised dates

    @staticmethod
    def official_covers(year: int) -> bool:
        """Whether the built-in State Council calendar knows this year's holidays."""
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def covers(self, year: int) -> bool:
        """Whether this year's holidays are known — built in, or entered by the administrator."""
        entered = any(d.year == year for d in self.holidays | self.workdays)
        return entered or self.official_covers(year)

    def is_workday(self, day: date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return day.weekday() < 5

    def add_workdays(self, start: date, count: int) -> date:
        """The date `count` working days after `start`; the start day itself is not counted
        (期间开始之日不计算在内). Zero means the same day: a 即办件."""
        if count < 0:
            raise ValueError("count must not be negative")
        day, left = start, count
        while left:
            day += timedelta(days=1)
            if (day - start).days > MAX_SPAN_DAYS:
                raise ValueError("working-day count runs past ten years")
            if self.is_workday(day):
                left -= 1
        return day

    def workdays_left(self, today: date, due: date) -> int:
        """Working days from `today` to `due`: 0 on the due day, negative once overdue (by working days)."""
        if due == today:
            return 0
        key = (today, due)
        if key not in self._left:
            self._left[key] = self._count_between(today, due)
        return self._left[key]

    def _count_between(self, today: date, due: date) -> int:
        step = 1 if due > today else -1
        first, last = (today, due) if step == 1 else (due, today)
        if (last - first).days > MAX_SPAN_DAYS:
            raise ValueError("dates more than ten years apart")
        count = sum(1 for n in range(1, (last - first).days + 1) if self.is_workday(first + timedelta(days=n)))
        return count * step
