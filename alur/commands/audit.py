"""`alur audit CASE_ID [--as-of ISO8601] [--json]` and `alur audit --verify [--anchor HASH]`.

Exit codes: 0 done (and, with --verify, the history is intact); 1 the history is not intact, the
case is unknown or the database cannot be used; 2 bad input (a malformed case id, --as-of or
--anchor). Messages go to stderr, in Bahasa Indonesia, naming what was wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from datetime import datetime
from typing import Any

from alur.commands.refusals import USAGE_ERROR, Refused, moment
from audit import printout
from audit.history import CaseNotStored, stored_history, up_to
from audit.record import audit_record
from audit.verification import verify
from cases import PostgresEventStore, StoreUnavailable
from office.calendar_rules import office_time_zone
from office.config import OfficeConfigError
from privacy import PersonalDataKeys
from runtime.database import DatabaseUnreachable, connect_pool
from runtime.settings import AlurSettings

FAILED = 1


def audit(args: argparse.Namespace) -> int:
    as_json = getattr(args, "json", False)
    try:
        if args.verify:
            if args.case_id or args.as_of:
                raise Refused(
                    "--verify memeriksa seluruh riwayat; jangan sertakan CASE_ID atau --as-of",
                    USAGE_ERROR,
                )
            anchor = _anchor(getattr(args, "anchor", None))
            return asyncio.run(_verify(anchor, as_json))
        if getattr(args, "anchor", None):
            raise Refused("--anchor hanya berlaku bersama --verify", USAGE_ERROR)
        if not args.case_id:
            raise Refused(
                "sebutkan CASE_ID (riwayat satu kasus) atau --verify (seluruh riwayat)",
                USAGE_ERROR,
            )
        case_id = _case_id(args.case_id)
        settings = AlurSettings()
        tz = office_time_zone(settings.office().time_zone)
        as_of = moment(args.as_of, "--as-of", tz) if args.as_of else None
        return asyncio.run(_show(settings, case_id, as_of, tz, as_json))
    except Refused as refused:
        print(f"alur audit: {refused}", file=sys.stderr)
        return refused.code
    except (DatabaseUnreachable, StoreUnavailable, OfficeConfigError, ValueError) as error:
        print(f"alur audit: {error}", file=sys.stderr)
        return FAILED


async def _verify(anchor: bytes | None, as_json: bool) -> int:
    database_url = AlurSettings().database_url
    pool = await connect_pool(database_url)
    try:
        store = await _reading(database_url)
        try:
            async with pool.acquire() as conn:
                verdict = await verify(store, conn, anchor)
        finally:
            await store.close()
    finally:
        await pool.close()
    _print(printout.verdict_json(verdict) if as_json else printout.verdict_text(verdict))
    return 0 if verdict.intact else FAILED


async def _show(
    settings: AlurSettings, case_id: uuid.UUID, as_of: datetime | None, tz, as_json: bool
) -> int:
    database_url = settings.database_url
    pool = await connect_pool(database_url)
    try:
        store = await _reading(database_url)
        try:
            history = await stored_history(store, case_id)
        except CaseNotStored:
            raise Refused(f"kasus {case_id} tidak ditemukan", FAILED) from None
        finally:
            await store.close()
        shown = up_to(history, as_of) if as_of else history
        keys = PersonalDataKeys.over(pool, settings.secret_key_bytes(), cache_seconds=0)
        record = await audit_record(pool, case_id, history, shown, tz, as_of, keys)
    finally:
        await pool.close()
    _print(printout.record_json(record) if as_json else printout.record_text(record))
    return 0


async def _reading(database_url: str) -> PostgresEventStore:
    """The event store as the auditor reads it: nothing created, nothing installed (a chain
    that was removed must be found missing, not put back)."""
    return await PostgresEventStore.connect(database_url, pool_size=1, setup=False, wait_seconds=5)


def _print(shown: str | dict[str, Any]) -> None:
    """Print a text printout as it is, a JSON one as JSON."""
    print(shown if isinstance(shown, str) else json.dumps(shown, ensure_ascii=False, indent=2))


def _case_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise Refused(
            f"CASE_ID {text!r} bukan id kasus (UUID, contoh: 2f68ec53-ca29-554f-b9de-be95067d87cd)",
            USAGE_ERROR,
        ) from None


def _anchor(text: str | None) -> bytes | None:
    if text is None:
        return None
    try:
        anchor = bytes.fromhex(text.strip())
    except ValueError:
        anchor = b""
    if len(anchor) != 32:
        raise Refused(
            f"--anchor {text!r} bukan hash kepala (64 digit heksadesimal dari `alur audit"
            " --verify`)",
            USAGE_ERROR,
        )
    return anchor
