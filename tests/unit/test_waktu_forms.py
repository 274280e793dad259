"""The waktu forms of issue 14 §5 (sop/duration.py) and their deadlines on the office calendar
(office/calendar.py): ranges take the upper bound (the later, safe deadline), weeks and months
are units of their own, "Sesuai jadwal" is no time standard with a clear warning, "Paling
lambat N Hari Kerja" is N working days."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from office import load_office
from office.calendar import WorkingCalendar
from sop.duration import Duration, approximations, parse_duration

WIB = ZoneInfo("Asia/Jakarta")
CALENDAR = WorkingCalendar.of(load_office())


@pytest.mark.parametrize(
    ("text", "expected", "note"),
    [
        ("1-2 Hari", (2, "calendar_days"), "a range: its upper bound is taken"),
        ("1 - 2 Hari Kerja", (2, "working_days"), "a range: its upper bound is taken"),
        ("3 s.d. 5 Hari Kerja", (5, "working_days"), "a range: its upper bound is taken"),
        ("2 Minggu", (2, "weeks"), "a week is taken as 7 calendar days"),
        ("1 Bulan", (1, "months"), "a month is taken as a calendar month"),
        ("Paling lambat 14 Hari Kerja", (14, "working_days"), None),
        ("selambat-lambatnya 3 x 24 jam", (72, "clock_hours"), None),
        ("Dalam waktu 2 Jam", (2, "hours"), None),
        ("Tidak lebih dari 30 menit", (30, "minutes"), None),
    ],
)
def test_each_new_form_is_a_duration_and_says_what_it_assumed(text, expected, note):
    duration = parse_duration(text)
    assert duration is not None and (duration.value, duration.unit) == expected
    notes = approximations(text)
    if note is None:
        assert notes == []
    else:
        assert len(notes) == 1 and notes[0].startswith(note)


@pytest.mark.parametrize("text", ["Sesuai jadwal", "Sesuai Jadwal Pelayanan", "Tentatif"])
def test_a_schedule_is_no_time_standard_and_says_so(text):
    assert parse_duration(text) is None
    assert approximations(text) == [
        "the step follows a schedule, not a time standard: no deadline and no timer"
    ]


@pytest.mark.parametrize(
    ("start", "text", "due"),
    [
        ("2026-03-17T09:00", "2 Minggu", "2026-03-31T09:00"),  # over Nyepi and Idul Fitri
        ("2026-01-31T09:00", "1 Bulan", "2026-02-28T09:00"),  # a shorter month: its last day
        ("2024-01-31T09:00", "1 Bulan", "2024-02-29T09:00"),  # a leap year
        ("2026-11-30T10:30", "2 Bulan", "2027-01-30T10:30"),  # into the next year
        ("2026-01-01T09:00", "1,5 Bulan", "2026-02-15T09:00"),  # half of February's 28 days
        ("2026-03-17T09:00", "1-2 Hari Kerja", "2026-03-26T09:00"),  # the upper bound
        ("2026-03-17T09:00", "Paling lambat 3 Hari Kerja", "2026-03-27T09:00"),
    ],
)
def test_the_calendar_computes_deadlines_for_the_new_units(start, text, due):
    duration = parse_duration(text)
    assert duration is not None
    begin = datetime.fromisoformat(start).replace(tzinfo=WIB)
    assert CALENDAR.deadline(begin, duration) == datetime.fromisoformat(due).replace(tzinfo=WIB)


def test_weeks_and_months_count_wall_time_for_warnings_and_stopped_clocks():
    start = datetime(2026, 1, 31, 9, 0, tzinfo=WIB)
    month = Duration(value=1, unit="months")
    due = CALENDAR.deadline(start, month)
    half = CALENDAR.share_elapsed_at(start, due, month, 0.5)
    assert half == start + (due - start) / 2
    assert CALENDAR.counted(start, due, month) == due - start
    week = Duration(value=1, unit="weeks")
    assert str(week) == "1 minggu" and str(month) == "1 bulan"
