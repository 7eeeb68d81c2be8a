"""Promised dates in working days: holidays, 调休 weekends, and the fallback for years the calendar lacks."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.hall.workdays import WorkCalendar

calendar = WorkCalendar()


def test_national_day_week_and_its_makeup_saturday():
    # 2024: 1–7 October off; Sunday 29 September and Saturday 12 October are working days.
    assert not calendar.is_workday(date(2024, 10, 3))
    assert calendar.is_workday(date(2024, 9, 29)) and calendar.is_workday(date(2024, 10, 12))
    assert calendar.add_workdays(date(2024, 9, 30), 5) == date(2024, 10, 12)


def test_start_day_is_not_counted_and_zero_is_the_same_day():
    assert calendar.add_workdays(date(2024, 5, 20), 1) == date(2024, 5, 21)
    assert calendar.add_workdays(date(2024, 5, 20), 0) == date(2024, 5, 20)
    assert calendar.add_workdays(date(2024, 5, 24), 1) == date(2024, 5, 27)  # Friday → Monday


def test_spring_festival_2026_is_known():
    assert WorkCalendar.official_covers(2026)
    assert not calendar.is_workday(date(2026, 2, 17))  # 春节


def test_a_year_the_calendar_does_not_know_falls_back_to_weekends():
    assert not WorkCalendar.official_covers(2027)
    assert not calendar.covers(2027)
    # Accepted Thursday 31 December 2026: Friday 1 January 2027 counts, the weekend does not.
    assert calendar.add_workdays(date(2026, 12, 31), 2) == date(2027, 1, 4)


def test_administrator_entered_holidays_and_makeup_days_take_precedence():
    entered = WorkCalendar(holidays=[date(2027, 1, 1)], workdays=[date(2027, 1, 9)])
    assert entered.covers(2027)
    assert entered.add_workdays(date(2026, 12, 31), 2) == date(2027, 1, 5)
    assert entered.is_workday(date(2027, 1, 9))  # a Saturday made a working day
    assert not entered.is_workday(date(2027, 1, 1))


def test_working_days_left_counts_down_and_goes_negative_when_overdue():
    due = calendar.add_workdays(date(2024, 9, 30), 5)  # 2024-10-12
    assert calendar.workdays_left(date(2024, 9, 30), due) == 5
    assert calendar.workdays_left(date(2024, 10, 7), due) == 5  # the holiday week does not count down
    assert calendar.workdays_left(due, due) == 0
    assert calendar.workdays_left(date(2024, 10, 15), due) == -2  # 14th and 15th past the promise


def test_bad_counts_are_refused():
    with pytest.raises(ValueError):
        calendar.add_workdays(date(2024, 1, 1), -1)


@given(start=st.dates(min_value=date(2004, 1, 1), max_value=date(2028, 12, 31)), count=st.integers(0, 60))
def test_property_the_promised_date_is_a_working_day_exactly_count_ahead(start, count):
    due = calendar.add_workdays(start, count)
    assert due >= start
    if count:
        assert calendar.is_workday(due)
        assert calendar.workdays_left(start, due) == count
