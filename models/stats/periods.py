"""统计期间 and 同比: the period a leader picks (month, quarter, year or a custom range), the same period of
the previous year, and the change between them written as the town's report writes it ("同比下降24%").
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from models.errors import ValidationError

MONTH, QUARTER, YEAR, CUSTOM = "月度", "季度", "年度", "自定义"
KINDS = (MONTH, QUARTER, YEAR, CUSTOM)
MAX_DAYS = 366 * 5          # a custom range longer than five years is a typing mistake


@dataclass(frozen=True)
class Period:
    start: date
    end: date               # inclusive
    kind: str = CUSTOM

    @property
    def label(self) -> str:
        if self.kind == YEAR:
            return f"{self.start.year}年"
        if self.kind == QUARTER:
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        if self.kind == MONTH:
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start:%Y年%m月%d日}至{self.end:%Y年%m月%d日}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def months(self) -> list[tuple[int, int]]:
        """The (year, month) pairs the period touches, in order."""
        out, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def buckets(self) -> list[tuple[str, date, date]]:
        """The bars of a chart over the period: its days when it lies within one month, else its months
        (each cut to the period). Each is (label, first day, last day)."""
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            return [(f"{d.day}日", d, d) for d in (self.start + timedelta(days=i) for i in range(self.days))]
        out = []
        for year, month in self.months():
            first = max(self.start, date(year, month, 1))
            last = min(self.end, date(year, month, calendar.monthrange(year, month)[1]))
            label = f"{month}月" if self.start.year == self.end.year else f"{year % 100:02d}年{month}月"
            out.append((label, first, last))
        return out

    def previous_year(self) -> "Period":
        """The same period one year earlier (同比): 29 February becomes the 28th; a whole February of a
        leap year compares with the whole February before it."""
        end = _year_back(self.end)
        if self.kind in (MONTH, QUARTER, YEAR):   # whole months stay whole months
            end = date(end.year, end.month, calendar.monthrange(end.year, end.month)[1])
        return Period(_year_back(self.start), end, self.kind)


def _year_back(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def year(number: int) -> Period:
    _check_year(number)
    return Period(date(number, 1, 1), date(number, 12, 31), YEAR)


def quarter(number: int, which: int) -> Period:
    _check_year(number)
    if which not in (1, 2, 3, 4):
        raise ValidationError("季度", "季度应为第1至第4季度")
    first = 3 * (which - 1) + 1
    return Period(date(number, first, 1), date(number, first + 2, calendar.monthrange(number, first + 2)[1]), QUARTER)


def month(number: int, which: int) -> Period:
    _check_year(number)
    if not 1 <= which <= 12:
        raise ValidationError("月份", "月份应为1至12月")
    return Period(date(number, which, 1), date(number, which, calendar.monthrange(number, which)[1]), MONTH)


def custom(start: date, end: date) -> Period:
    if start is None or end is None:
        raise ValidationError("统计期间", "请填写统计期间的起止日期")
    if end < start:
        raise ValidationError("统计期间", "统计期间的结束日期早于开始日期，请检查")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError("统计期间", "自定义统计期间不能超过五年，请分段统计")
    _check_year(start.year)
    _check_year(end.year)
    return Period(start, end, CUSTOM)


def _check_year(number: int) -> None:
    if not isinstance(number, int) or not 2000 <= number <= 2099:
        raise ValidationError("年份", "年份应在2000至2099年之间")


# --- 同比 ---------------------------------------------------------------------------------------------

def _number(value: float, digits: int = 1) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text or "0"


def change_text(value: float, previous: float | None, unit: str = "", percent: bool = False) -> str:
    """同比 as the report writes it: "同比增长12%", "同比下降24%", "与上年同期持平"; for a rate the change
    is in percentage points ("同比提高2.5个百分点"); when last year's figure was 0, the increase itself
    ("同比增加5件"). "" when there is nothing to compare with (``previous`` is None)."""
    if previous is None:
        return ""
    if percent:
        points = (value - previous) * 100
        if abs(points) < 0.05:
            return "与上年同期持平"
        return f"同比{'提高' if points > 0 else '降低'}{_number(abs(points))}个百分点"
    if value == previous:
        return "与上年同期持平"
    if previous == 0:
        return f"同比增加{_number(value, 0)}{unit}"
    share = abs(value - previous) / previous * 100
    return f"同比{'增长' if value > previous else '下降'}{_number(share)}%"


def percent_text(value: float | None) -> str:
    """A rate as the report writes it: 0.985 → "98.5%"."""
    return "—" if value is None else f"{_number(value * 100)}%"
