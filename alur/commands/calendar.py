"""`alur calendar …`: deadlines on the office calendar, closures, holidays.

Exit codes: 0 done; 2 bad input (an unreadable --start, --duration, --date, a missing reason:
argparse's code for usage errors); 1 the office configuration or the database cannot be used.
Messages go to stderr, in Bahasa Indonesia, naming the option.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date

import asyncpg

from alur.commands.refusals import USAGE_ERROR, Refused, moment
from office.calendar import Closure, WorkingCalendar
from office.calendar_rules import office_time_zone
from office.closures import ClosureBook
from office.config import OfficeConfig, OfficeConfigError, load_office
from runtime.settings import AlurSettings
from sop.duration import Duration, UnreadableDuration, approximations, parse_duration

CONFIG_ERROR = 1


def deadline(args: argparse.Namespace) -> int:
    """Print the deadline of a Waktu text started at a moment, ISO 8601 with offset."""
    try:
        office = _office(args.office)
        duration = _duration(office, args.duration)
        start = moment(args.start, "--start", office_time_zone(office.time_zone))
    except Refused as refused:
        return _refuse("deadline", refused)
    calendar = WorkingCalendar.of(office, _stored_closures_if_reachable("deadline"))
    print(calendar.deadline(start, duration).isoformat())
    return 0


def close(args: argparse.Namespace) -> int:
    """Add a closure to the office calendar (table office_closures) and print it."""
    try:
        office = _office(args.office)
        first = _day(args.date, "--date")
        last = _day(args.until, "--until") if args.until else first
        if last < first:
            raise Refused(f"--until {args.until} lebih awal dari --date {args.date}", USAGE_ERROR)
        reason = (args.reason or "").strip()
        if not reason:
            raise Refused("--reason wajib diisi: sebutkan alasan kantor tutup", USAGE_ERROR)
        closure = asyncio.run(_add(first, last, reason, args.by))
    except Refused as refused:
        return _refuse("close", refused)
    before = WorkingCalendar.of(office)
    lost = sum(1 for day in closure.days() if before.is_working_day(day))
    print(f"Kantor tutup {_range_text(closure.first_day, closure.last_day)}: {closure.reason}")
    print(f"({lost} hari kerja menurut konfigurasi kantor)")
    return 0


def closures(args: argparse.Namespace) -> int:
    """List the closures and regional holidays of the configuration and the closures added."""
    try:
        office = _office(args.office)
        stored = asyncio.run(_stored())
    except Refused as refused:
        return _refuse("closures", refused)
    rows = [
        (rule.date, rule.until, rule.name, "libur daerah (konfigurasi)")
        for rule in office.calendar.regional_holidays
    ]
    rows += [
        (rule.date, rule.until, rule.reason, "penutupan (konfigurasi)")
        for rule in office.calendar.closures
    ]
    rows += [
        (c.first_day.isoformat(), c.last_day.isoformat(), c.reason, "penutupan (ditambahkan)")
        for c in stored
    ]
    if not rows:
        print("Tidak ada penutupan kantor atau libur daerah.")
    for first, last, reason, source in rows:
        when = first if not last or last == first else f"{first} s.d. {last}"
        if len(first) <= 5:
            when = f"setiap tahun {when}"
        print(f"{when}\t{reason}\t[{source}]")
    return 0


def holidays(args: argparse.Namespace) -> int:
    """The days of a year the office is closed (holidays, cuti bersama, closures), named."""
    try:
        office = _office(args.office)
        if not 1900 <= args.year <= 2200:
            raise Refused(f"--year {args.year} di luar rentang yang dikenal", USAGE_ERROR)
    except Refused as refused:
        return _refuse("holidays", refused)
    calendar = WorkingCalendar.of(office, _stored_closures_if_reachable("holidays"))
    first, last = date(args.year, 1, 1), date(args.year, 12, 31)
    closed = dict(calendar.closed_days(first, last))
    if not office.calendar.cuti_bersama_stops_clock:
        for day, name in calendar.cuti_bersama(first, last):
            closed.setdefault(day, f"{name} (kantor tetap dihitung bekerja)")
    for day, name in sorted(closed.items()):
        print(f"{day.isoformat()}\t{_WEEKDAYS[day.weekday()]}\t{name}")
    working = sum(1 for day in _days(first, last) if calendar.is_working_day(day))
    print(f"Hari kerja {args.year}: {working}")
    return 0


def _office(path: str | None) -> OfficeConfig:
    try:
        return load_office(path or AlurSettings().office_path)
    except OfficeConfigError as error:
        raise Refused(f"konfigurasi kantor tidak dapat dibaca: {error}", CONFIG_ERROR) from error


def _duration(office: OfficeConfig, text: str) -> Duration:
    try:
        duration = parse_duration(text)
    except UnreadableDuration as error:
        raise Refused(f"--duration {text!r} bukan waktu yang dapat dibaca", USAGE_ERROR) from error
    if duration is None and approximations(text):
        raise Refused(
            f"--duration {text!r}: mengikuti jadwal, bukan standar waktu; tidak ada tenggat",
            USAGE_ERROR,
        )
    if duration is None:
        raise Refused("--duration kosong: tidak ada standar waktu", USAGE_ERROR)
    if duration.unit == "service_standard":
        raise Refused(
            f"--duration {text!r}: 'sesuai standar pelayanan' tidak punya lama waktu sendiri;"
            ' tuliskan waktu dari standar pelayanan, misalnya "30 Menit"',
            USAGE_ERROR,
        )
    if duration.unit == "calendar_days" and office.calendar.hari_means_working_days:
        return Duration(value=duration.value, unit="working_days")
    return duration


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise Refused(
            f"{option} {text!r} bukan tanggal (tulis YYYY-MM-DD, contoh: 2026-06-10)",
            USAGE_ERROR,
        ) from error


def _refuse(command: str, refused: Refused) -> int:
    print(f"alur calendar {command}: {refused}", file=sys.stderr)
    return refused.code


async def _add(first: date, last: date, reason: str, added_by: str | None) -> Closure:
    pool = await _pool()
    try:
        return await ClosureBook(pool).add(first, last, reason, added_by)
    finally:
        await pool.close()


async def _stored() -> list[Closure]:
    pool = await _pool()
    try:
        return await ClosureBook(pool).all()
    finally:
        await pool.close()


async def _pool() -> asyncpg.Pool:
    url = AlurSettings().database_url
    try:
        return await asyncpg.create_pool(url, min_size=1, max_size=1, timeout=_CONNECT_SECONDS)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        raise Refused(f"basis data tidak dapat dihubungi: {error}", CONFIG_ERROR) from error


def _stored_closures_if_reachable(command: str) -> list[Closure]:
    """The closures added at run time; without a reachable database, none (with a warning)."""
    try:
        return asyncio.run(_stored())
    except Refused as refused:
        print(
            f"alur calendar {command}: peringatan: penutupan kantor yang ditambahkan tidak"
            f" terbaca, hanya konfigurasi yang dipakai ({refused})",
            file=sys.stderr,
        )
        return []


def _range_text(first: date, last: date) -> str:
    if first == last:
        return first.isoformat()
    return f"{first.isoformat()} s.d. {last.isoformat()}"


def _days(first: date, last: date) -> list[date]:
    return [date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1)]


_WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_CONNECT_SECONDS = 5
