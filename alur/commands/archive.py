"""`alur archive due [--json]`: the closed cases the retention job listed for review (*nilai
kembali*, `CaseReviewDue`), oldest first. Exit 1 when the database cannot be used."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from runtime.database import DatabaseUnreachable, connect_pool
from runtime.settings import AlurSettings
from services.erasure.review import listed_for_review
from services.erasure.schedule import TABLE

FAILED = 1


def due(args: argparse.Namespace) -> int:
    try:
        rows = asyncio.run(_listed(AlurSettings().database_url))
    except DatabaseUnreachable as error:
        print(f"alur archive due: {error}", file=sys.stderr)
        return FAILED
    if args.json:
        print(json.dumps(rows, default=str, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("Tidak ada arsip yang perlu dinilai kembali.")
        return 0
    print(f"{len(rows)} arsip perlu dinilai kembali (retensi inaktif berakhir):")
    for row in rows:
        print(
            f"{row['case_id']}  {row['case_type']:<9}  {row['reference'] or '-':<22}"
            f"  ditutup {row['closed_on']}  retensi s.d. {row['inactive_until']}"
            f"  {row['record_type'] or ''}".rstrip()
        )
    return 0


async def _listed(database_url: str) -> list[dict[str, Any]]:
    pool = await connect_pool(database_url)
    try:
        async with pool.acquire() as conn:
            if not await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", TABLE):
                return []  # the retention worker has not started yet
            return await listed_for_review(conn)
    finally:
        await pool.close()
