"""The days an office is closed: regional holidays, closures from the configuration and added at
run time, what a calendar is (its fingerprint) and what changed between two (in Bahasa
Indonesia), and calendar configuration that is refused naming the field."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from office.calendar import Closure
from office.calendar_rules import ConfiguredClosure, RegionalHoliday
from office.config import OfficeConfig
from tests.support.office_calendars import calendar, deadline

# -- regional holidays and closures ------------------------------------------------------


def test_a_regional_holiday_closes_the_office_every_year():
    regional = calendar(
        regional_holidays=(RegionalHoliday(date="11-20", name="Hari Jadi Kabupaten"),)
    )
    assert deadline("2026-11-19T10:00+07:00", "1 Hari Kerja", regional) == (
        "2026-11-23T10:00:00+07:00"
    )
    assert not regional.is_working_day(date(2030, 11, 20))  # a Wednesday
    assert (date(2026, 11, 20), "Hari Jadi Kabupaten") in regional.closed_days(
        date(2026, 11, 1), date(2026, 11, 30)
    )


def test_a_closure_added_by_the_office_is_skipped():
    renovation = Closure(date(2026, 11, 23), date(2026, 11, 24), "Renovasi gedung kantor")
    closed = calendar(added=[renovation])
    assert deadline("2026-11-20T10:00+07:00", "1 Hari Kerja", closed) == (
        "2026-11-25T10:00:00+07:00"
    )
    assert deadline("2026-11-20T16:00+07:00", "1 Jam", closed) == "2026-11-25T08:00:00+07:00"
    assert closed.closed_days(date(2026, 11, 20), date(2026, 11, 25)) == [
        (date(2026, 11, 23), "Renovasi gedung kantor"),
        (date(2026, 11, 24), "Renovasi gedung kantor"),
    ]


def test_a_closure_from_the_configuration_is_skipped():
    configured = calendar(
        closures=(ConfiguredClosure(date="2026-11-23", reason="Pemadaman listrik"),)
    )
    assert not configured.is_working_day(date(2026, 11, 23))
    assert configured.is_working_day(date(2026, 11, 24))


def test_closed_days_name_holidays_and_leave_out_weekends():
    days = dict(calendar().closed_days(date(2026, 3, 16), date(2026, 3, 29)))
    assert days[date(2026, 3, 19)] == "Hari Suci Nyepi"
    assert "Cuti Bersama" in days[date(2026, 3, 23)]
    assert date(2026, 3, 28) not in days  # an ordinary Saturday
    open_on_cuti = dict(
        calendar(cuti_bersama_stops_clock=False).closed_days(date(2026, 3, 16), date(2026, 3, 29))
    )
    assert date(2026, 3, 23) not in open_on_cuti


def test_a_closure_needs_a_reason_and_ordered_days():
    with pytest.raises(ValueError):
        Closure(date(2026, 11, 23), date(2026, 11, 23), " ")
    with pytest.raises(ValueError):
        Closure(date(2026, 11, 24), date(2026, 11, 23), "Renovasi")


# -- identity of a calendar: fingerprint and differences ---------------------------------


def test_the_fingerprint_changes_with_closures_options_and_hours_only():
    base = calendar()
    assert base.fingerprint() == calendar().fingerprint()
    renovation = Closure(date(2026, 11, 23), date(2026, 11, 23), "Renovasi gedung kantor")
    changed = [
        calendar(added=[renovation]),
        calendar(cuti_bersama_stops_clock=False),
        calendar(hari_means_working_days=True),
        calendar(hours={"friday": ("07:30-11:00", "13:00-16:30")}),
        calendar("Asia/Makassar"),
        calendar(regional_holidays=(RegionalHoliday(date="11-20", name="Hari Jadi"),)),
    ]
    fingerprints = {base.fingerprint(), *(other.fingerprint() for other in changed)}
    assert len(fingerprints) == len(changed) + 1


def test_differences_name_the_days_that_closed_in_bahasa_indonesia():
    renovation = Closure(date(2026, 11, 23), date(2026, 11, 23), "Renovasi gedung kantor")
    lines = calendar().differences(
        calendar(added=[renovation]), date(2026, 11, 1), date(2026, 12, 31)
    )
    assert lines == ["Kantor tutup Senin, 23 November 2026: Renovasi gedung kantor"]
    assert calendar().differences(calendar(), date(2026, 1, 1), date(2026, 12, 31)) == []


def test_differences_name_an_option_change_and_the_cuti_bersama_days_it_opens():
    lines = calendar().differences(
        calendar(cuti_bersama_stops_clock=False), date(2026, 12, 1), date(2026, 12, 31)
    )
    assert lines[0] == "Cuti bersama kini tidak lagi menghentikan jam layanan"
    assert any("Kamis, 24 Desember 2026" in line and "kembali buka" in line for line in lines)


def test_differences_name_changed_office_hours():
    lines = calendar().differences(
        calendar(hours={"friday": ("07:30-11:00", "13:00-16:30")}),
        date(2026, 11, 16),
        date(2026, 11, 30),
    )
    assert lines == [
        "Jam kantor berubah pada 2 hari (Jumat, 20 November 2026 s.d. Jumat, 27 November 2026)"
    ]


# -- configuration errors name the field -------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "named"),
    [
        ({"hours": {"monday": ["07:30-25:00"]}}, "monday"),
        ({"hours": {"friday": ["13:00-16:30", "07:30-11:30"]}}, "friday"),
        ({"hours": {"tuesday": ["16:00-07:30"]}}, "tuesday"),
        ({"closures": [{"date": "2026-11-24", "until": "2026-11-23", "reason": "x"}]}, "until"),
        ({"closures": [{"date": "2026-11-24"}]}, "reason"),
        ({"regional_holidays": [{"date": "13-40", "name": "x"}]}, "date"),
        ({"cuti_bersama_stops_clock": "kadang"}, "cuti_bersama_stops_clock"),
        ({"office_hours": {}}, "office_hours"),
        (
            {
                "special_hours": [
                    {"first_day": "2026-02-19", "last_day": "2026-03-20", "name": "A", "hours": {}},
                    {"first_day": "2026-03-20", "last_day": "2026-03-31", "name": "B", "hours": {}},
                ]
            },
            "special_hours",
        ),
    ],
)
def test_bad_calendar_configuration_is_refused_naming_the_field(rules, named):
    with pytest.raises(ValidationError, match=named):
        OfficeConfig.model_validate(
            {"name": "Dinas", "complaint_sop": "pengaduan", "calendar": rules}
        )
