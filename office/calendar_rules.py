"""The office calendar rules (YAML `calendar:`): office hours, cuti bersama, closures, holidays.

Defaults follow Perpres 21/2023 (DOMAIN.md §3): Monday–Thursday 07:30–16:00 with a 12:00–13:00
break, Friday 07:30–16:30 with an 11:30–13:00 break (37.5 hours a week), no office hours on
Saturday and Sunday. National holidays and *cuti bersama* come from the `holidays` package
(office/calendar.py); what the office adds itself is written here:

```yaml
calendar:
  hours:                       # per weekday: intervals "HH:MM-HH:MM", breaks left out
    friday: ["07:30-11:30", "13:00-16:30"]
  special_hours:               # periods with other hours, e.g. Ramadan (32.5 h a week from 08:00)
    - {first_day: 2026-02-19, last_day: 2026-03-19, name: Ramadan 1447 H,
       hours: {monday: ["08:00-12:00", "12:30-15:00"], ...}}
  cuti_bersama_stops_clock: true
  hari_means_working_days: false
  regional_holidays:           # a date (or "MM-DD" every year), optional until, name
    - {date: "11-20", name: HUT Kabupaten}
  closures:                    # ad-hoc closures decided in advance
    - {date: 2026-06-10, until: 2026-06-11, reason: Renovasi gedung}
```
"""

from __future__ import annotations

import re
from datetime import date, time
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The zones of Indonesia: WIB, WIB (West Kalimantan), WITA, WIT.
INDONESIAN_TIME_ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")
_INTERVAL = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*$")


def office_time_zone(name: str) -> ZoneInfo:
    """The office's time zone; a clear error for a name that is not an Indonesian zone."""
    if name not in INDONESIAN_TIME_ZONES:
        raise ValueError(
            f"time_zone {name!r} is not an Indonesian time zone;"
            f" use one of {', '.join(INDONESIAN_TIME_ZONES)} (WIB, WITA, WIT)"
        )
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError as error:  # pragma: no cover - tzdata missing
        raise ValueError(f"time_zone {name!r} is unknown to this system") from error


def parse_interval(text: str) -> tuple[time, time]:
    """ "07:30-12:00" → (07:30, 12:00); the end may be "24:00" for midnight."""
    match = _INTERVAL.match(text)
    if not match:
        raise ValueError(f"office hours {text!r}: write an interval as HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        raise ValueError(f"office hours {text!r}: not a time of day")
    start = time(h1, m1)
    end = time.max if h2 == 24 else time(h2, m2)
    if end <= start:
        raise ValueError(f"office hours {text!r}: the interval ends before it starts")
    return start, end


class WeekHours(BaseModel):
    """Office hours per weekday as intervals in local time; breaks are the gaps between them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    monday: tuple[str, ...] = ("07:30-12:00", "13:00-16:00")
    tuesday: tuple[str, ...] = ("07:30-12:00", "13:00-16:00")
    wednesday: tuple[str, ...] = ("07:30-12:00", "13:00-16:00")
    thursday: tuple[str, ...] = ("07:30-12:00", "13:00-16:00")
    friday: tuple[str, ...] = ("07:30-11:30", "13:00-16:30")
    saturday: tuple[str, ...] = ()
    sunday: tuple[str, ...] = ()

    @field_validator(*WEEKDAYS)
    @classmethod
    def _intervals_in_order(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        previous_end: time | None = None
        for text in value:
            start, end = parse_interval(text)
            if previous_end is not None and start < previous_end:
                raise ValueError(f"office hours {text!r} overlap or are out of order")
            previous_end = end
        return value

    def intervals(self, weekday: int) -> tuple[tuple[time, time], ...]:
        """The intervals of a weekday (0 = Monday)."""
        return tuple(parse_interval(text) for text in getattr(self, WEEKDAYS[weekday]))

    def weekly_hours(self) -> float:
        total = 0.0
        for weekday in range(7):
            for start, end in self.intervals(weekday):
                total += _seconds(end) - _seconds(start)
        return total / 3600


class SpecialHours(BaseModel):
    """A period with other office hours (e.g. Ramadan)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first_day: date
    last_day: date
    name: str = Field(min_length=1)
    hours: WeekHours

    @model_validator(mode="after")
    def _ordered(self) -> SpecialHours:
        if self.last_day < self.first_day:
            raise ValueError(f"special_hours {self.name!r}: last_day is before first_day")
        return self


class DatedRule(BaseModel):
    """A day or a range of days: `date` (YYYY-MM-DD, or "MM-DD" every year) and optional `until`."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    date: str
    until: str | None = None

    @field_validator("date", "until", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return value.isoformat() if isinstance(value, date) else value

    @model_validator(mode="after")
    def _readable(self) -> DatedRule:
        first = _day_or_annual(self.date, "date")
        if self.until is not None:
            last = _day_or_annual(self.until, "until")
            if isinstance(first, date) != isinstance(last, date):
                raise ValueError("date and until must both be full dates or both MM-DD")
            if isinstance(first, date) and last < first:
                raise ValueError(f"until {self.until} is before date {self.date}")
        return self

    def days(self, years: range) -> list[date]:
        """The days this rule covers in the given years."""
        first = _day_or_annual(self.date, "date")
        last = _day_or_annual(self.until, "until") if self.until else first
        if isinstance(first, date) and isinstance(last, date):
            return _span(first, last)
        found: list[date] = []
        for year in years:
            start = _annual_day(first, year)  # type: ignore[arg-type]
            end = _annual_day(last, year)  # type: ignore[arg-type]
            if start is None or end is None:
                continue
            if end < start:  # e.g. 12-31 until 01-01: runs into the next year
                end = end.replace(year=year + 1)
            found.extend(_span(start, end))
        return found


class RegionalHoliday(DatedRule):
    name: str = Field(min_length=1)


class ConfiguredClosure(DatedRule):
    reason: str = Field(min_length=1)


class CalendarRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    hours: WeekHours = WeekHours()
    special_hours: tuple[SpecialHours, ...] = ()
    # Cuti bersama (collective leave) closes the office: SLA clocks stop. Public services
    # that stay open set this to false.
    cuti_bersama_stops_clock: bool = True
    # "N Hari" in a Waktu column: calendar days (false) or working days (true). DOMAIN.md §2.
    hari_means_working_days: bool = False
    regional_holidays: tuple[RegionalHoliday, ...] = ()
    closures: tuple[ConfiguredClosure, ...] = ()

    @model_validator(mode="after")
    def _some_hours(self) -> CalendarRules:
        if not any(self.hours.intervals(weekday) for weekday in range(7)):
            raise ValueError("hours: the office must be open on at least one weekday")
        periods = sorted(self.special_hours, key=lambda period: period.first_day)
        for earlier, later in pairwise(periods):
            if later.first_day <= earlier.last_day:
                raise ValueError(
                    f"special_hours {earlier.name!r} and {later.name!r} overlap:"
                    " a day can have only one set of office hours"
                )
        return self


def _seconds(moment: time) -> float:
    if moment == time.max:
        return 24 * 3600.0
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def _day_or_annual(text: str, field: str) -> date | tuple[int, int]:
    try:
        if re.fullmatch(r"\d{1,2}-\d{1,2}", text):
            month, day = (int(part) for part in text.split("-"))
            date(2000, month, day)  # a leap year: 02-29 is allowed
            return (month, day)
        return date.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"{field} {text!r}: write YYYY-MM-DD, or MM-DD for every year") from error


def _annual_day(month_day: tuple[int, int], year: int) -> date | None:
    try:
        return date(year, *month_day)
    except ValueError:  # 02-29 in a common year
        return None


def _span(first: date, last: date) -> list[date]:
    return [date.fromordinal(ordinal) for ordinal in range(first.toordinal(), last.toordinal() + 1)]
