"""`alur lapor import FILE` and `alur lapor export --since DATE [--out FILE]`: the SP4N-LAPOR!
bridge (services/intake/lapor/).

import: each report of the LAPOR! admin panel's sheet (CSV or XLSX) opened as a complaint on
channel `lapor`, once per LAPOR! id; prints a line per report (LAPOR! id, Alur's tracking
number — "-" when imported before —, case id, "baru" or "sudah diimpor") and a count.
export: the follow-ups and status changes of LAPOR! reports since DATE, as CSV (default,
to stdout) or XLSX (`--out FILE.xlsx`), to upload back to LAPOR!.

Exit codes: 0 done; 1 the database cannot be used; 2 bad input (an unreadable file, a sheet
without the needed columns, a bad row — named —, a bad date). Nothing is recorded unless every
row is good.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from alur.commands.refusals import USAGE_ERROR, Refused, moment
from cases import GroupCommit, PostgresEventStore, StoreUnavailable
from office.config import OfficeConfigError
from privacy import PersonalDataKeys
from runtime.clock import start_clock
from runtime.database import DatabaseUnreachable, connect_pool
from runtime.settings import AlurSettings
from services.intake.intake import ComplaintIntake
from services.intake.lapor.bridge import Imported, LaporImport
from services.intake.lapor.follow_ups import FollowUp, as_csv, as_xlsx, follow_ups_since
from services.intake.lapor.sheet import LaporReport, SheetRefused, read_sheet
from services.intake.tracking import TrackingNumbers
from sop.engine import SopEngine
from sop.registry import SopRegistry

FAILED = 1
LARGEST_SHEET = 20 * 1024 * 1024
OUTAGES = (DatabaseUnreachable, StoreUnavailable, OfficeConfigError)


def import_reports(args: argparse.Namespace) -> int:
    try:
        data = _read(Path(args.file))
        reports = read_sheet(data)
        imported = asyncio.run(_import(AlurSettings(), reports))
    except Refused as refused:
        print(f"alur lapor import: {refused}", file=sys.stderr)
        return refused.code
    except SheetRefused as refused:
        print(f"alur lapor import: {args.file}: {refused}", file=sys.stderr)
        return USAGE_ERROR
    except OUTAGES as error:
        print(f"alur lapor import: {error}", file=sys.stderr)
        return FAILED
    for item in imported:
        print(_line(item))
    new = sum(item.new for item in imported)
    print(f"{new} laporan baru, {len(imported) - new} sudah diimpor sebelumnya.")
    return 0


def export_follow_ups(args: argparse.Namespace) -> int:
    settings = AlurSettings()
    try:
        since = moment(args.since, "--since", ZoneInfo(settings.office().time_zone))
        follow_ups = asyncio.run(_follow_ups(settings, since))
    except Refused as refused:
        print(f"alur lapor export: {refused}", file=sys.stderr)
        return refused.code
    except OUTAGES as error:
        print(f"alur lapor export: {error}", file=sys.stderr)
        return FAILED
    if args.out is None:
        sys.stdout.write(as_csv(follow_ups).decode("utf-8-sig"))
    else:
        out = Path(args.out)
        out.write_bytes(
            as_xlsx(follow_ups) if out.suffix.lower() == ".xlsx" else as_csv(follow_ups)
        )
        print(f"{len(follow_ups)} tindak lanjut ditulis ke {out}", file=sys.stderr)
    return 0


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > LARGEST_SHEET:
            raise Refused(f"{path}: lebih besar dari {LARGEST_SHEET // 2**20} MB", USAGE_ERROR)
        return path.read_bytes()
    except OSError as error:
        raise Refused(f"{path}: tidak dapat dibaca ({error.strerror})", USAGE_ERROR) from None


def _line(item: Imported) -> str:
    number = item.tracking_number or "-"
    return f"{item.lapor_id}\t{number}\t{item.case_id}\t{'baru' if item.new else 'sudah diimpor'}"


async def _import(settings: AlurSettings, reports: list[LaporReport]) -> list[Imported]:
    async with _intake(settings) as intake:
        return await LaporImport(intake).run(reports)


async def _follow_ups(settings: AlurSettings, since: datetime) -> list[FollowUp]:
    store = await PostgresEventStore.connect(settings.database_url, wait_seconds=10)
    pool = await connect_pool(settings.database_url)
    try:
        keys = PersonalDataKeys.over(pool, settings.secret_key_bytes(), 0)
        return await follow_ups_since(store, keys, since)
    finally:
        await pool.close()
        await store.close()


@asynccontextmanager
async def _intake(settings: AlurSettings) -> AsyncIterator[ComplaintIntake]:
    """The same intake as the web's (without attachments: LAPOR! links stay links)."""
    office = settings.office()
    store = await PostgresEventStore.connect(settings.database_url, wait_seconds=10)
    pool = await connect_pool(settings.database_url)
    writer = GroupCommit(store, max_fact_bytes=settings.max_event_bytes)
    registry = SopRegistry(pool)
    clock = await start_clock(
        settings.checked_clock(), settings.database_url, ZoneInfo(office.time_zone)
    )
    try:
        await registry.create()
        await registry.load_shipped()
        keys = PersonalDataKeys.over(pool, settings.secret_key_bytes(), 0)
        await keys.create()
        tracking = TrackingNumbers(store, settings.secret_key_bytes())
        yield ComplaintIntake(
            writer, tracking, registry, office.complaint_sop, SopEngine(clock.now), keys
        )
    finally:
        await clock.close()
        await writer.close()
        await registry.close()
        await pool.close()
        await store.close()
