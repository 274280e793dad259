"""Office calendars for tests: an office with given calendar rules, its calendar, and the
deadline of a time standard on it, as text; the calendar of the shipped office."""

from __future__ import annotations

from datetime import datetime

from office import load_office
from office.calendar import WorkingCalendar
from office.calendar_rules import CalendarRules
from office.config import OfficeConfig
from sop.duration import parse_duration


def office(time_zone: str = "Asia/Jakarta", **calendar: object) -> OfficeConfig:
    return OfficeConfig(
        name="Dinas Kesehatan",
        complaint_sop="pengaduan",
        time_zone=time_zone,
        calendar=CalendarRules(**calendar),
        service_standards={"prima": {4: "30 Menit"}},
    )


def calendar(time_zone: str = "Asia/Jakarta", added=(), **rules: object) -> WorkingCalendar:
    """The calendar of an office with these calendar rules and closures `added` at run time."""
    return WorkingCalendar.of(office(time_zone, **rules), added)


def office_calendar() -> WorkingCalendar:
    """The sandbox's office calendar (the shipped configuration, no closures)."""
    return WorkingCalendar.of(load_office())


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def deadline(start: str, waktu: str, on: WorkingCalendar | None = None) -> str:
    duration = parse_duration(waktu)
    assert duration is not None
    return (on or calendar()).deadline(at(start), duration).isoformat()
