"""The office calendar: what each Waktu unit means around holidays, cuti bersama, Fridays,
weekends, breaks and in the three Indonesian time zones (DOMAIN.md §2–3). (Closures, the
calendar's identity and its configuration: test_calendar_closures.py.)"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from office.calendar import step_duration
from office.calendar_rules import CalendarRules, SpecialHours
from sop.definition import Step
from sop.duration import Duration, parse_duration
from tests.support.office_calendars import at, calendar, deadline, office

# -- working days around holidays and cuti bersama ---------------------------------------


def test_three_working_days_from_17_march_2026_skip_nyepi_idul_fitri_and_cuti_bersama():
    assert deadline("2026-03-17T09:00+07:00", "3 Hari Kerja") == "2026-03-27T09:00:00+07:00"


def test_with_cuti_bersama_not_stopping_the_clock_only_nyepi_and_the_weekend_are_skipped():
    open_on_cuti = calendar(cuti_bersama_stops_clock=False)
    # 18 (cuti), 20 (cuti), 23 (cuti) count; 19 Nyepi and the weekend with Idul Fitri do not.
    assert deadline("2026-03-17T09:00+07:00", "3 Hari Kerja", open_on_cuti) == (
        "2026-03-23T09:00:00+07:00"
    )


def test_cuti_bersama_is_a_closed_day_only_when_it_stops_the_clock():
    assert not calendar().is_working_day(date(2026, 3, 18))
    assert calendar(cuti_bersama_stops_clock=False).is_working_day(date(2026, 3, 18))
    assert not calendar(cuti_bersama_stops_clock=False).is_working_day(date(2026, 3, 19))


def test_idul_adha_and_its_cuti_bersama_are_skipped():
    # Tue 26 May 2026 → Wed 27 Idul Adha, Thu 28 cuti bersama → Fri 29.
    assert deadline("2026-05-26T10:00+07:00", "1 Hari Kerja") == "2026-05-29T10:00:00+07:00"


def test_christmas_with_its_cuti_bersama_and_the_weekend_after_it():
    # Wed 23 Dec 2026 → Thu 24 cuti bersama, Fri 25 Natal, weekend → Mon 28.
    assert deadline("2026-12-23T10:00+07:00", "1 Hari Kerja") == "2026-12-28T10:00:00+07:00"
    open_on_cuti = calendar(cuti_bersama_stops_clock=False)
    assert deadline("2026-12-23T10:00+07:00", "1 Hari Kerja", open_on_cuti) == (
        "2026-12-24T10:00:00+07:00"
    )


def test_new_year_day_is_skipped_across_the_year_end():
    # Wed 31 Dec 2025 → Thu 1 Jan 2026 (Tahun Baru) → Fri 2 Jan.
    assert deadline("2025-12-31T10:00+07:00", "1 Hari Kerja") == "2026-01-02T10:00:00+07:00"
    # The last half hour of the year, then Friday's morning.
    assert deadline("2025-12-31T15:30+07:00", "2 Jam") == "2026-01-02T09:00:00+07:00"


def test_a_step_started_on_a_holiday_counts_from_the_next_opening():
    # Nyepi (Thu 19 Mar 2026): the office next opens on Wed 25 March.
    assert deadline("2026-03-19T10:00+07:00", "30 Menit") == "2026-03-25T08:00:00+07:00"
    assert deadline("2026-03-19T10:00+07:00", "1 Hari Kerja") == "2026-03-26T07:30:00+07:00"


# -- office hours: Fridays, breaks, before and after hours, weekends ---------------------


def test_a_30_minute_step_started_friday_1115_resumes_after_the_friday_prayer_break():
    assert deadline("2026-11-20T11:15+07:00", "30 Menit") == "2026-11-20T13:15:00+07:00"


def test_friday_closes_at_1630_and_the_rest_runs_on_monday_morning():
    assert deadline("2026-11-20T16:00+07:00", "1 Jam") == "2026-11-23T08:00:00+07:00"


def test_minutes_do_not_run_during_the_lunch_break():
    assert deadline("2026-11-23T11:30+07:00", "60 Menit") == "2026-11-23T13:30:00+07:00"
    assert deadline("2026-11-23T12:15+07:00", "15 Menit") == "2026-11-23T13:15:00+07:00"


def test_a_step_may_end_exactly_at_closing_time():
    assert deadline("2026-11-23T15:00+07:00", "1 Jam") == "2026-11-23T16:00:00+07:00"


def test_a_step_started_at_0600_counts_from_0730():
    assert deadline("2026-11-24T06:00+07:00", "30 Menit") == "2026-11-24T08:00:00+07:00"
    assert deadline("2026-11-24T06:00+07:00", "1 Hari Kerja") == "2026-11-25T07:30:00+07:00"


def test_a_step_started_at_1700_counts_from_the_next_morning():
    assert deadline("2026-11-24T17:00+07:00", "30 Menit") == "2026-11-25T08:00:00+07:00"
    assert deadline("2026-11-24T17:00+07:00", "1 Hari Kerja") == "2026-11-26T07:30:00+07:00"


def test_a_step_started_on_saturday_counts_from_monday():
    assert deadline("2026-11-21T10:00+07:00", "30 Menit") == "2026-11-23T08:00:00+07:00"
    assert deadline("2026-11-21T10:00+07:00", "1 Hari Kerja") == "2026-11-24T07:30:00+07:00"


def test_working_days_land_at_the_same_time_of_day_or_the_last_office_moment_before_it():
    assert deadline("2026-11-23T10:00+07:00", "5 Hari Kerja") == "2026-11-30T10:00:00+07:00"
    # Friday 16:15 is office time; Monday closes at 16:00.
    assert deadline("2026-11-20T16:15+07:00", "1 Hari Kerja") == "2026-11-23T16:00:00+07:00"
    # Monday 11:45 lands on Friday's prayer break, which starts at 11:30.
    assert deadline("2026-11-23T11:45+07:00", "4 Hari Kerja") == "2026-11-27T11:30:00+07:00"


def test_fractions_of_a_working_day_and_of_an_hour():
    # Half a 7.5-hour day = 3 h 45 min of office time.
    assert deadline("2026-11-23T09:00+07:00", "0,5 Hari Kerja") == "2026-11-23T13:45:00+07:00"
    assert deadline("2026-11-23T11:00+07:00", "1,5 Jam") == "2026-11-23T13:30:00+07:00"


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


# -- wall time: N x 24 Jam and N Hari -----------------------------------------------------


def test_3_x_24_jam_runs_through_holidays_nights_and_weekends():
    assert deadline("2026-03-18T09:00+07:00", "3 x 24 Jam") == "2026-03-21T09:00:00+07:00"
    assert deadline("2026-11-20T22:00+07:00", "3x24 jam") == "2026-11-23T22:00:00+07:00"


def test_n_hari_is_calendar_days_by_default():
    assert deadline("2026-03-17T09:00+07:00", "2 Hari") == "2026-03-19T09:00:00+07:00"


def test_n_hari_is_working_days_when_the_office_says_so():
    reads_working_days = calendar(hari_means_working_days=True)
    assert deadline("2026-03-17T09:00+07:00", "2 Hari", reads_working_days) == (
        "2026-03-26T09:00:00+07:00"
    )


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


# -- WITA and WIT offices ----------------------------------------------------------------


def test_a_wita_office_counts_in_its_own_time():
    wita = calendar("Asia/Makassar")
    assert deadline("2026-03-17T09:00+08:00", "3 Hari Kerja", wita) == "2026-03-27T09:00:00+08:00"
    # 07:00 WIB is 08:00 WITA: half an hour after the Makassar office opened.
    assert deadline("2026-11-24T07:00+07:00", "30 Menit", wita) == "2026-11-24T08:30:00+08:00"


def test_a_wit_office_counts_in_its_own_time():
    wit = calendar("Asia/Jayapura")
    # 23:00 UTC on Monday is 08:00 WIT on Tuesday.
    assert deadline("2026-11-23T23:00+00:00", "1 Jam", wit) == "2026-11-24T09:00:00+09:00"
    # 06:30 WIB is 08:30 WIT.
    assert deadline("2026-11-24T06:30+07:00", "1 Hari Kerja", wit) == "2026-11-25T08:30:00+09:00"


def test_deadlines_are_in_the_office_time_zone_and_naive_starts_are_office_time():
    assert deadline("2026-11-24T02:00+00:00", "30 Menit") == "2026-11-24T09:30:00+07:00"
    assert deadline("2026-11-24T09:00", "30 Menit") == "2026-11-24T09:30:00+07:00"


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
