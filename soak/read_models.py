"""Each read model against a fresh replay, and the hash chain, through the CLI an operator uses.

The live tables (and their watermarks) are copied aside, `alur replay` rebuilds every
projection from the first stored event and swaps the rebuilt tables in, and the copies are
compared with them row by row (without `projected_at`, the moment a row was written).
"""

from __future__ import annotations

import asyncio
import os
import subprocess

import asyncpg

from office import load_office
from services.projections.catalog import PROJECTIONS, build_projection
from services.projections.sources import load_sources
from soak.report import Row
from soak.system import ALUR

SNAPSHOT = "soak_live"
VOLATILE = {"projected_at"}  # when the row was written, not what it says


def alur(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [ALUR, *args],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


async def tables(pool: asyncpg.Pool) -> dict[str, tuple[str, ...]]:
    """Each projection's tables."""
    sources = await load_sources(pool, load_office(None))
    return {e.name: build_projection(e, sources).tables for e in PROJECTIONS}


async def compare_with_replay(database_url: str, excluded: set[str]) -> list[Row]:
    pool = await asyncpg.create_pool(database_url, min_size=0, max_size=2)
    try:
        owned = await tables(pool)
        every = [t for names in owned.values() for t in names]
        async with pool.acquire() as conn:
            await conn.execute(f"DROP SCHEMA IF EXISTS {SNAPSHOT} CASCADE")
            await conn.execute(f"CREATE SCHEMA {SNAPSHOT}")
            for table in every:
                await conn.execute(f"CREATE TABLE {SNAPSHOT}.{table} AS TABLE public.{table}")
        done = await asyncio.to_thread(alur, database_url, "replay")
        if done.returncode != 0:
            return [
                Row.check(
                    "read models = a fresh replay",
                    "alur replay exits 0, differences 0",
                    f"alur replay exit {done.returncode}",
                    False,
                    (done.stderr.strip().splitlines() or ["?"])[-1][:200],
                )
            ]
        differing: dict[str, set[str]] = {}
        rows = 0
        async with pool.acquire() as conn:
            for table in every:
                rows += await conn.fetchval(f"SELECT count(*) FROM public.{table}")  # noqa: S608
                differing[table] = await _differences(conn, table)
        cases = {c for found in differing.values() for c in found}
        counted = sorted(cases - excluded)
        by_table = ", ".join(
            f"{t} {len(c - excluded)}" for t, c in differing.items() if c - excluded
        )
        return [
            Row.check(
                "read models = a fresh replay",
                f"{len(owned)} projections, {len(every)} tables: differences 0",
                f"{rows} rows; cases differing {len(counted)}"
                + (f" ({by_table})" if by_table else "")
                + (f"; {len(cases & excluded)} of bad input skipped" if cases & excluded else ""),
                not counted,
                f"case {counted[0]}" if counted else "",
            )
        ]
    finally:
        await pool.close()


async def _differences(conn: asyncpg.Connection, table: str) -> set[str]:
    """The cases whose rows differ between the copy and the replayed table."""
    columns = [
        r["column_name"]
        for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
            table,
        )
        if r["column_name"] not in VOLATILE
    ]
    listed = ", ".join(f'"{c}"' for c in columns)
    # The projections' own table and column names.
    live, replayed = f"{SNAPSHOT}.{table}", f"public.{table}"
    query = " UNION ALL ".join(
        f"(SELECT {listed} FROM {a} EXCEPT ALL SELECT {listed} FROM {b})"  # noqa: S608
        for a, b in ((live, replayed), (replayed, live))
    )
    found = await conn.fetch(query)
    return {str(r["case_id"]) if "case_id" in columns else "?" for r in found}


def audit_verify(database_url: str) -> Row:
    done = alur(database_url, "audit", "--verify")
    said = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return Row.check(
        "alur audit --verify",
        "exit 0: the hash chain holds",
        f"exit {done.returncode}: {(said or ['-'])[0][:90]}",
        done.returncode == 0,
        (said or ["-"])[-1][:200],
    )
