"""`alur lapor import FILE`, `alur lapor export --since DATE [--out FILE]` and
`alur lapor sync --since DATE`: the SP4N-LAPOR! bridge (services/intake/lapor/).

import: each report of the LAPOR! admin panel's sheet (CSV or XLSX) opened as a complaint on
channel `lapor`, once per LAPOR! id; prints a line per report (LAPOR! id, Alur's tracking
number — "-" when imported before —, case id, "baru" or "sudah diimpor") and a count.
export: the follow-ups and status changes of LAPOR! reports since DATE, as CSV (default,
to stdout) or XLSX (`--out FILE.xlsx`), to upload back to LAPOR!. sync: with LAPOR! developer
access (`ALUR_LAPOR_BASE_URL`, services/intake/lapor/client.py), the reports since DATE
fetched and imported, then the follow-ups since DATE sent.

Exit codes: 0 done; 1 the database cannot be used; 2 bad input (an unreadable file, a sheet
without the needed columns, a bad row — named —, a bad date). Nothing is recorded unless every
row is good.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from alur.commands.refusals import USAGE_ERROR, Refused, moment
from cases import GroupCommit, PostgresEventStore, StoreUnavailable
from office.config import OfficeConfigError
from privacy import PersonalDataKeys
from runtime.clock import start_clock
from runtime.database import DatabaseUnreachable, connect_pool
from runtime.settings import AlurSettings
from services.intake.intake import ComplaintIntake
from services.intake.lapor.bridge import Imported, LaporImport
from services.intake.lapor.client import HttpLaporApi, LaporSettings, LaporUnavailable
from services.intake.lapor.follow_ups import FollowUp, as_csv, as_xlsx, follow_ups_since
from services.intake.lapor.sheet import LaporReport, SheetRefused, read_sheet
from services.intake.tracking import TrackingNumbers
from sop.actions import Refusal
from sop.engine import SopEngine
from sop.registry import SopRegistry

FAILED = 1
LARGEST_SHEET = 20 * 1024 * 1024
OUTAGES = (DatabaseUnreachable, StoreUnavailable, OfficeConfigError)


def import_reports(args: argparse.Namespace) -> int:
    def work() -> int:
        try:
            reports = read_sheet(_read(Path(args.file)))
        except SheetRefused as refused:
            raise Refused(f"{args.file}: {refused}", USAGE_ERROR) from None
        imported = asyncio.run(_import(AlurSettings(), reports))
        if isinstance(imported, Refusal):
            raise Refused(imported.message, FAILED)
        print(f"{_listed(imported)} sebelumnya.")
        return 0

    return _answered("import", work)


def export_follow_ups(args: argparse.Namespace) -> int:
    def work() -> int:
        settings = AlurSettings()
        since = moment(args.since, "--since", ZoneInfo(settings.office().time_zone))
        follow_ups = asyncio.run(_follow_ups(settings, since))
        if args.out is None:
            sys.stdout.write(as_csv(follow_ups).decode("utf-8-sig"))
            return 0
        out = Path(args.out)
        sheet = as_xlsx if out.suffix.lower() == ".xlsx" else as_csv
        out.write_bytes(sheet(follow_ups))
        print(f"{len(follow_ups)} tindak lanjut ditulis ke {out}", file=sys.stderr)
        return 0

    return _answered("export", work)


def sync(args: argparse.Namespace) -> int:
    def work() -> int:
        settings = LaporSettings()
        if not settings.lapor_base_url:
            raise Refused(
                "ALUR_LAPOR_BASE_URL belum diatur (tanpa akses API LAPOR!, gunakan"
                " `alur lapor import FILE` dan `alur lapor export`)",
                USAGE_ERROR,
            )
        since = moment(args.since, "--since", ZoneInfo(settings.office().time_zone))
        imported, sent = asyncio.run(_sync(settings, since))
        print(f"{_listed(imported)}; {sent} tindak lanjut dikirim.")
        return 0

    return _answered("sync", work)


def _answered(command: str, work: Callable[[], int]) -> int:
    """`work`'s exit code; a refusal or an outage said on stderr, with its exit code."""
    try:
        return work()
    except Refused as refused:
        print(f"alur lapor {command}: {refused}", file=sys.stderr)
        return refused.code
    except (*OUTAGES, LaporUnavailable) as error:
        print(f"alur lapor {command}: {error}", file=sys.stderr)
        return FAILED


async def _sync(settings: LaporSettings, since: datetime) -> tuple[list[Imported], int]:
    async with httpx.AsyncClient() as client:
        api = HttpLaporApi(settings, client)
        reports = await api.reports_since(since)
        imported = await _import(settings, reports) if reports else []
        if isinstance(imported, Refusal):
            raise Refused(imported.message, FAILED)
        follow_ups = await _follow_ups(settings, since)
        for follow_up in follow_ups:
            await api.send_follow_up(follow_up)
    return imported, len(follow_ups)


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > LARGEST_SHEET:
            raise Refused(f"{path}: lebih besar dari {LARGEST_SHEET // 2**20} MB", USAGE_ERROR)
        return path.read_bytes()
    except OSError as error:
        raise Refused(f"{path}: tidak dapat dibaca ({error.strerror})", USAGE_ERROR) from None


def _listed(imported: list[Imported]) -> str:
    """Print a line per report; the count of new and earlier ones, to end the summary with."""
    for item in imported:
        print(_line(item))
    new = sum(item.new for item in imported)
    return f"{new} laporan baru, {len(imported) - new} sudah diimpor"


def _line(item: Imported) -> str:
    number = item.tracking_number or "-"
    return f"{item.lapor_id}\t{number}\t{item.case_id}\t{'baru' if item.new else 'sudah diimpor'}"


async def _import(settings: AlurSettings, reports: list[LaporReport]) -> list[Imported] | Refusal:
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
