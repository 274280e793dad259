"""The days an office is closed, and why: Indonesia's national holidays and *cuti bersama* (the
`holidays` package), the regional holidays and closures of the office configuration
(office/calendar_rules.py) and the closures the office adds at run time (office/closures.py).

`WorkingCalendar` (office/calendar.py) counts office time on the days left open.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

import holidays

from office.calendar_rules import CalendarRules


@dataclass(frozen=True)
class Closure:
    """A day (or days) the office is closed: a regional holiday, an ad-hoc closure."""

    first_day: date
    last_day: date
    reason: str  # Bahasa Indonesia, e.g. "HUT Kabupaten Musi Banyuasin"

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("last_day is before first_day")
        if not self.reason.strip():
            raise ValueError("a closure needs a reason")

    def days(self) -> Iterator[date]:
        for ordinal in range(self.first_day.toordinal(), self.last_day.toordinal() + 1):
            yield date.fromordinal(ordinal)


@cache
def national_holidays(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """Indonesia's public holidays and cuti bersama of a year (names in Bahasa Indonesia),
    and which of those days are cuti bersama only."""
    public = holidays.country_holidays("ID", years=year, categories=("public",), language="id")
    government = holidays.country_holidays(
        "ID", years=year, categories=("government",), language="id"
    )
    names: dict[date, str] = {}
    for day, name in sorted(government.items()):
        names[day] = name
    for day, name in sorted(public.items()):
        names[day] = f"{name}; {names[day]}" if day in names else name
    only_cuti = frozenset(day for day in government if day not in public)
    return names, only_cuti


class ClosedDays:
    """Which days an office with these calendar rules and run-time closures is closed."""

    def __init__(self, rules: CalendarRules, closures: Sequence[Closure] = ()) -> None:
        self.rules = rules
        self.closures: tuple[Closure, ...] = tuple(closures)
        self._office_years: dict[int, dict[date, str]] = {}

    def reason(self, day: date) -> str | None:
        """Why the office is closed on `day` (the names of its holidays and closures), or None
        when it is not closed for a holiday or closure (weekends are the office hours' matter)."""
        reasons = []
        names, only_cuti = national_holidays(day.year)
        if day in names and (day not in only_cuti or self.rules.cuti_bersama_stops_clock):
            reasons.append(names[day])
        office = self._office_days(day.year).get(day)
        if office:
            reasons.append(office)
        return "; ".join(reasons) if reasons else None

    def between(self, first: date, last: date) -> list[tuple[date, str]]:
        """Holidays and closures between first and last (inclusive) on which the office is
        closed, with their names. Cuti bersama is listed only when it stops the clock."""
        return [(day, name) for day in days(first, last) if (name := self.reason(day)) is not None]

    def cuti_bersama(self, first: date, last: date) -> list[tuple[date, str]]:
        """Cuti bersama days between first and last (whether or not they stop the clock)."""
        found = []
        for year in range(first.year, last.year + 1):
            names, only_cuti = national_holidays(year)
            found += [(day, names[day]) for day in sorted(only_cuti) if first <= day <= last]
        return found

    def _office_days(self, year: int) -> dict[date, str]:
        """The days of a year the office itself closes: regional holidays, the configured
        closures and the closures added at run time, with their names."""
        known = self._office_years.get(year)
        if known is not None:
            return known
        found: dict[date, list[str]] = {}
        years = range(year - 1, year + 1)  # an annual range may start in the year before
        named = [(rule, rule.name) for rule in self.rules.regional_holidays]
        named += [(rule, rule.reason) for rule in self.rules.closures]
        for rule, name in named:
            for day in rule.days(years):
                if day.year == year and name not in found.setdefault(day, []):
                    found[day].append(name)
        for closure in self.closures:
            for day in closure.days():
                if day.year == year and closure.reason not in found.setdefault(day, []):
                    found[day].append(closure.reason)
        by_day = {day: "; ".join(names) for day, names in sorted(found.items())}
        self._office_years[year] = by_day
        return by_day


_MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
_WEEKDAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def day_text(day: date) -> str:
    """ "Kamis, 26 Maret 2026"."""
    return f"{_WEEKDAY_NAMES[day.weekday()]}, {day.day} {_MONTHS[day.month - 1]} {day.year}"


def days(first: date, last: date) -> Iterator[date]:
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        yield date.fromordinal(ordinal)
