"""`alur calendar …`: deadlines on the office calendar, closures, holidays.

Exit codes: 0 done; 2 bad input (an unreadable --start, --duration, --date, a missing reason:
argparse's code for usage errors); 1 the office configuration or the database cannot be used.
Messages go to stderr, in Bahasa Indonesia, naming the option.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date, datetime

from alur.settings import AlurSettings
from office.calendar import Closure, WorkingCalendar, step_duration  # noqa: F401
from office.config import OfficeConfig, OfficeConfigError, load_office
from sop.duration import Duration, UnreadableDuration, parse_duration

USAGE_ERROR = 2
CONFIG_ERROR = 1


class _Refused(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def deadline(args: argparse.Namespace) -> int:
    """Print the deadline of a Waktu text started at a moment, ISO 8601 with offset."""
    try:
        office = _office(args.office)
        calendar = WorkingCalendar.of(office)
        duration = _duration(office, args.duration)
        start = _moment(args.start, calendar, "--start")
    except _Refused as refused:
        return _refuse("deadline", refused)
    print(calendar.deadline(start, duration).isoformat())
    return 0


def _office(path: str | None) -> OfficeConfig:
    try:
        return load_office(path or AlurSettings().office_path)
    except OfficeConfigError as error:
        raise _Refused(f"konfigurasi kantor tidak dapat dibaca: {error}", CONFIG_ERROR) from error


def _duration(office: OfficeConfig, text: str) -> Duration:
    try:
        duration = parse_duration(text)
    except UnreadableDuration as error:
        raise _Refused(f"--duration {text!r} bukan waktu yang dapat dibaca", USAGE_ERROR) from error
    if duration is None:
        raise _Refused("--duration kosong: tidak ada standar waktu", USAGE_ERROR)
    if duration.unit == "service_standard":
        raise _Refused(
            f"--duration {text!r}: 'sesuai standar pelayanan' tidak punya lama waktu sendiri;"
            ' tuliskan waktu dari standar pelayanan, misalnya "30 Menit"',
            USAGE_ERROR,
        )
    if duration.unit == "calendar_days" and office.calendar.hari_means_working_days:
        return Duration(value=duration.value, unit="working_days")
    return duration


def _moment(text: str, calendar: WorkingCalendar, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise _Refused(
            f"{option} {text!r} bukan waktu ISO 8601 (contoh: 2026-03-17T09:00+07:00)",
            USAGE_ERROR,
        ) from error
    if moment.tzinfo is None:  # read in the office's time zone
        moment = moment.replace(tzinfo=calendar.time_zone)
    return moment


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise _Refused(
            f"{option} {text!r} bukan tanggal (tulis YYYY-MM-DD, contoh: 2026-06-10)",
            USAGE_ERROR,
        ) from error


def _refuse(command: str, refused: _Refused) -> int:
    print(f"alur calendar {command}: {refused}", file=sys.stderr)
    return refused.code


def _run(coroutine_factory):  # type: ignore[no-untyped-def]
    return asyncio.run(coroutine_factory())
