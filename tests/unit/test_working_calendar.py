"""The office calendar: what each Waktu unit means around holidays, cuti bersama, Fridays,
weekends, breaks and in the three Indonesian time zones (DOMAIN.md §2–3). (Closures, the
calendar's identity and its configuration: test_calendar_closures.py.)"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from office.calendar import step_duration
from office.calendar_rules import CalendarRules, SpecialHours
from sop.definition import Step
from sop.duration import Duration, parse_duration
from tests.support.office_calendars import at, calendar, deadline, office

# -- deadlines on the default calendar: holidays, cuti bersama, office hours, weekends --------

# (start, Waktu, due) on the shipped office's default calendar, each with why.
DEADLINES = [
    # 3 working days from 17 March 2026 skip Nyepi, Idul Fitri and cuti bersama.
    ("2026-03-17T09:00+07:00", "3 Hari Kerja", "2026-03-27T09:00:00+07:00"),
    # Tue 26 May 2026 → Wed 27 Idul Adha, Thu 28 cuti bersama → Fri 29.
    ("2026-05-26T10:00+07:00", "1 Hari Kerja", "2026-05-29T10:00:00+07:00"),
    # Wed 23 Dec 2026 → Thu 24 cuti bersama, Fri 25 Natal, weekend → Mon 28.
    ("2026-12-23T10:00+07:00", "1 Hari Kerja", "2026-12-28T10:00:00+07:00"),
    # New Year's Day is skipped across the year end: Wed 31 Dec 2025 → Fri 2 Jan 2026 …
    ("2025-12-31T10:00+07:00", "1 Hari Kerja", "2026-01-02T10:00:00+07:00"),
    # … and so is it for the last half hour of the year, then Friday's morning.
    ("2025-12-31T15:30+07:00", "2 Jam", "2026-01-02T09:00:00+07:00"),
    # Started on a holiday (Nyepi, Thu 19 Mar 2026): counted from the next opening, Wed 25.
    ("2026-03-19T10:00+07:00", "30 Menit", "2026-03-25T08:00:00+07:00"),
    ("2026-03-19T10:00+07:00", "1 Hari Kerja", "2026-03-26T07:30:00+07:00"),
    # A 30-minute step started Friday 11:15 resumes after the Friday prayer break.
    ("2026-11-20T11:15+07:00", "30 Menit", "2026-11-20T13:15:00+07:00"),
    # Friday closes at 16:30; the rest runs on Monday morning.
    ("2026-11-20T16:00+07:00", "1 Jam", "2026-11-23T08:00:00+07:00"),
    # Minutes do not run during the lunch break.
    ("2026-11-23T11:30+07:00", "60 Menit", "2026-11-23T13:30:00+07:00"),
    ("2026-11-23T12:15+07:00", "15 Menit", "2026-11-23T13:15:00+07:00"),
    # A step may end exactly at closing time.
    ("2026-11-23T15:00+07:00", "1 Jam", "2026-11-23T16:00:00+07:00"),
    # Started at 06:00: counted from 07:30.
    ("2026-11-24T06:00+07:00", "30 Menit", "2026-11-24T08:00:00+07:00"),
    ("2026-11-24T06:00+07:00", "1 Hari Kerja", "2026-11-25T07:30:00+07:00"),
    # Started at 17:00: counted from the next morning.
    ("2026-11-24T17:00+07:00", "30 Menit", "2026-11-25T08:00:00+07:00"),
    ("2026-11-24T17:00+07:00", "1 Hari Kerja", "2026-11-26T07:30:00+07:00"),
    # Started on Saturday: counted from Monday.
    ("2026-11-21T10:00+07:00", "30 Menit", "2026-11-23T08:00:00+07:00"),
    ("2026-11-21T10:00+07:00", "1 Hari Kerja", "2026-11-24T07:30:00+07:00"),
    # Working days land at the same time of day …
    ("2026-11-23T10:00+07:00", "5 Hari Kerja", "2026-11-30T10:00:00+07:00"),
    # … or at the last office moment before it: Friday 16:15 is office time, Monday closes
    # at 16:00; Monday 11:45 lands on Friday's prayer break, which starts at 11:30.
    ("2026-11-20T16:15+07:00", "1 Hari Kerja", "2026-11-23T16:00:00+07:00"),
    ("2026-11-23T11:45+07:00", "4 Hari Kerja", "2026-11-27T11:30:00+07:00"),
    # Fractions: half a 7.5-hour day is 3 h 45 min of office time; 1.5 hours.
    ("2026-11-23T09:00+07:00", "0,5 Hari Kerja", "2026-11-23T13:45:00+07:00"),
    ("2026-11-23T11:00+07:00", "1,5 Jam", "2026-11-23T13:30:00+07:00"),
    # N x 24 Jam is wall time: it runs through holidays, nights and weekends.
    ("2026-03-18T09:00+07:00", "3 x 24 Jam", "2026-03-21T09:00:00+07:00"),
    ("2026-11-20T22:00+07:00", "3x24 jam", "2026-11-23T22:00:00+07:00"),
    # N Hari is calendar days by default.
    ("2026-03-17T09:00+07:00", "2 Hari", "2026-03-19T09:00:00+07:00"),
    # Deadlines are in the office's time zone; a start without an offset is office time.
    ("2026-11-24T02:00+00:00", "30 Menit", "2026-11-24T09:30:00+07:00"),
    ("2026-11-24T09:00", "30 Menit", "2026-11-24T09:30:00+07:00"),
]


@pytest.mark.parametrize(("start", "waktu", "due"), DEADLINES)
def test_the_deadline_of_a_waktu_started_at_a_moment(start: str, waktu: str, due: str) -> None:
    assert deadline(start, waktu) == due


# -- the same on other calendars: cuti bersama kept open, WITA and WIT offices ----------------

OPEN_ON_CUTI = {"cuti_bersama_stops_clock": False}
HARI_IS_WORKING_DAYS = {"hari_means_working_days": True}
WITA = {"time_zone": "Asia/Makassar"}
WIT = {"time_zone": "Asia/Jayapura"}

# (calendar rules or time zone, start, Waktu, due).
OTHER_CALENDARS = [
    # 18 (cuti), 20 (cuti), 23 (cuti) count; 19 Nyepi and the weekend with Idul Fitri do not.
    (OPEN_ON_CUTI, "2026-03-17T09:00+07:00", "3 Hari Kerja", "2026-03-23T09:00:00+07:00"),
    # Christmas: only Fri 25 and the weekend are skipped.
    (OPEN_ON_CUTI, "2026-12-23T10:00+07:00", "1 Hari Kerja", "2026-12-24T10:00:00+07:00"),
    # N Hari is working days when the office says so.
    (HARI_IS_WORKING_DAYS, "2026-03-17T09:00+07:00", "2 Hari", "2026-03-26T09:00:00+07:00"),
    # A WITA office counts in its own time; 07:00 WIB is 08:00 WITA, half an hour after the
    # Makassar office opened.
    (WITA, "2026-03-17T09:00+08:00", "3 Hari Kerja", "2026-03-27T09:00:00+08:00"),
    (WITA, "2026-11-24T07:00+07:00", "30 Menit", "2026-11-24T08:30:00+08:00"),
    # A WIT office too: 23:00 UTC on Monday is 08:00 WIT on Tuesday; 06:30 WIB is 08:30 WIT.
    (WIT, "2026-11-23T23:00+00:00", "1 Jam", "2026-11-24T09:00:00+09:00"),
    (WIT, "2026-11-24T06:30+07:00", "1 Hari Kerja", "2026-11-25T08:30:00+09:00"),
]


@pytest.mark.parametrize(("rules", "start", "waktu", "due"), OTHER_CALENDARS)
def test_the_deadline_on_an_office_calendar_of_other_rules_or_time_zone(
    rules: dict[str, Any], start: str, waktu: str, due: str
) -> None:
    assert deadline(start, waktu, calendar(**rules)) == due


def test_cuti_bersama_is_a_closed_day_only_when_it_stops_the_clock():
    assert not calendar().is_working_day(date(2026, 3, 18))
    assert calendar(**OPEN_ON_CUTI).is_working_day(date(2026, 3, 18))
    assert not calendar(**OPEN_ON_CUTI).is_working_day(date(2026, 3, 19))


def test_the_default_week_has_37_5_office_hours():
    assert CalendarRules().hours.weekly_hours() == 37.5


def test_ramadan_hours_start_at_0800_and_make_a_32_5_hour_week():
    ramadan = SpecialHours(
        first_day=date(2026, 2, 19),
        last_day=date(2026, 3, 20),
        name="Ramadan 1447 H",
        hours={
            **{day: ("08:00-12:00", "12:30-15:00") for day in ("monday", "tuesday")},
            **{day: ("08:00-12:00", "12:30-15:00") for day in ("wednesday", "thursday")},
            "friday": ("08:00-11:30", "12:30-15:30"),
        },
    )
    assert ramadan.hours.weekly_hours() == 32.5
    fasting = calendar(special_hours=(ramadan,))
    assert deadline("2026-03-02T07:45+07:00", "30 Menit", fasting) == "2026-03-02T08:30:00+07:00"
    assert deadline("2026-03-02T14:30+07:00", "1 Jam", fasting) == "2026-03-03T08:30:00+07:00"
    # After Ramadan the ordinary hours are back.
    assert deadline("2026-03-30T07:45+07:00", "30 Menit", fasting) == "2026-03-30T08:15:00+07:00"


# -- a step's time standard ------------------------------------------------------------------


def test_step_duration_applies_the_n_hari_option_and_the_published_service_standard():
    def step(waktu: str | None) -> Step:
        return Step(
            number=4,
            activity="Melayani",
            roles=["petugas"],
            action="melayani",
            event="Dilayani",
            duration=parse_duration(waktu),
        )

    assert step_duration(office(), "prima", step("2 Hari")) == Duration(
        value=2, unit="calendar_days"
    )
    assert step_duration(office(hari_means_working_days=True), "prima", step("2 Hari")) == (
        Duration(value=2, unit="working_days")
    )
    assert step_duration(office(), "prima", step("Sesuai standar pelayanan")) == Duration(
        value=30, unit="minutes"
    )
    assert step_duration(office(), "other-sop", step("Sesuai standar pelayanan")) is None
    assert step_duration(office(), "prima", step(None)) is None


def test_a_service_standard_without_its_published_time_has_no_deadline():
    with pytest.raises(ValueError, match="standar pelayanan"):
        calendar().deadline(
            at("2026-11-23T09:00+07:00"), Duration(value=None, unit="service_standard")
        )


def test_only_indonesian_time_zones_are_accepted():
    with pytest.raises(ValidationError, match="time_zone"):
        office("Europe/Berlin")
    with pytest.raises(ValidationError, match="time_zone"):
        office("Asia/Nowhere")


# -- shares, counted time, extensions ----------------------------------------------------


def test_the_75_percent_warning_of_three_working_days_comes_in_office_time():
    three_days = Duration(value=3, unit="working_days")
    start, due = at("2026-03-17T09:00+07:00"), at("2026-03-27T09:00+07:00")
    # 22.5 office hours; 75% = 16 h 52.5 min: 6 h on the 17th, 7.5 h on the 25th, then 3 h
    # 22.5 min on the 26th.
    warning = calendar().share_elapsed_at(start, due, three_days, 0.75)
    assert warning.isoformat() == "2026-03-26T10:52:30+07:00"


def test_the_75_percent_warning_of_3_x_24_jam_comes_in_wall_time():
    clock_hours = Duration(value=72, unit="clock_hours")
    start, due = at("2026-03-18T09:00+07:00"), at("2026-03-21T09:00+07:00")
    warning = calendar().share_elapsed_at(start, due, clock_hours, 0.75)
    assert warning.isoformat() == "2026-03-20T15:00:00+07:00"


def test_counted_time_is_office_time_or_wall_time():
    work = calendar()
    three_days = Duration(value=3, unit="working_days")
    start, due = at("2026-03-17T09:00+07:00"), at("2026-03-27T09:00+07:00")
    assert work.counted(start, due, three_days) == timedelta(hours=22.5)
    assert work.counted(start, due, Duration(value=3, unit="clock_hours")) == timedelta(days=10)
    assert work.counted(due, start, three_days) == timedelta()
    # A Friday from opening to closing: 4 h before the prayer break, 3.5 h after it.
    friday = at("2026-11-20T00:00+07:00"), at("2026-11-21T00:00+07:00")
    assert work.counted(*friday, Duration(value=1, unit="hours")) == timedelta(hours=7.5)


def test_a_suspended_clock_moves_the_deadline_by_the_office_time_it_was_suspended():
    work = calendar()
    three_days = Duration(value=3, unit="working_days")
    due = work.deadline(at("2026-11-23T09:00+07:00"), three_days)
    assert due.isoformat() == "2026-11-26T09:00:00+07:00"
    # Suspended Monday 15:00 until Tuesday 10:00: 1 h on Monday and 2.5 h on Tuesday.
    suspended = work.counted(at("2026-11-23T15:00+07:00"), at("2026-11-24T10:00+07:00"), three_days)
    assert suspended == timedelta(hours=3.5)
    assert work.extend(due, suspended, three_days).isoformat() == "2026-11-26T13:30:00+07:00"
    # Wall-time clocks move by wall time.
    clock = Duration(value=72, unit="clock_hours")
    assert work.extend(due, timedelta(hours=19), clock).isoformat() == ("2026-11-27T04:00:00+07:00")


@pytest.mark.parametrize(
    "start",
    [
        "2026-03-17T09:00+07:00",
        "2026-11-20T11:15+07:00",
        "2026-11-20T16:29+07:00",
        "2026-12-23T15:59+07:00",
        "2025-12-31T07:30+07:00",
    ],
)
@pytest.mark.parametrize("waktu", ["15 Menit", "1 Jam", "4 Jam", "1 Hari Kerja", "10 Jam"])
def test_counted_and_extend_are_each_others_inverse_on_office_time(start, waktu):
    work = calendar()
    duration = parse_duration(waktu)
    assert duration is not None
    begin = at(start)
    due = work.deadline(begin, duration)
    spent = work.counted(begin, due, duration)
    if duration.unit == "minutes":
        assert spent == timedelta(minutes=duration.value)
    if duration.unit == "hours":
        assert spent == timedelta(hours=duration.value)
    # The same office moment (a closing time and the next opening are one point of office time).
    extended = work.extend(begin, spent, duration)
    assert work.counted(extended, due, duration) == work.counted(due, extended, duration)
    assert work.counted(extended, due, duration) == timedelta()
    assert work.share_elapsed_at(begin, due, duration, 1.0) == due
    assert work.share_elapsed_at(begin, due, duration, 0.0) == begin
