"""Workers start at once on a fresh database, and several of them create the same tables (the
office closures, the simulated clock) and the same tracking-number sequence. Two processes
running the same CREATE … IF NOT EXISTS at the same moment can collide in PostgreSQL's catalog
(a unique violation, or "relation already exists"): whoever loses must not stop at start."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

import asyncpg

from cases import PostgresEventStore
from office.closures import ClosureBook
from runtime.clock import start_clock
from tests.support import sandbox

PROCESSES = 6  # workers creating the same table at once
ROUNDS = 5  # fresh databases: the collision needs the table not to exist yet


async def _closures(url: str) -> None:
    pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
    try:
        await ClosureBook(pool).create()
    finally:
        await pool.close()


async def _clock(url: str) -> None:
    clock = await start_clock("simulated", url, ZoneInfo("Asia/Jakarta"))
    await clock.close()


async def _tracking_sequence(url: str) -> None:
    store = await PostgresEventStore.connect(url)
    try:
        await store.next_tracking_value("ADU", 2026)
    finally:
        await store.close()


async def _at_once(url: str) -> list[str]:
    """What each of the processes failed with, creating the tables at once."""
    creating = [_closures, _clock, _tracking_sequence] * PROCESSES
    ended = await asyncio.gather(*(create(url) for create in creating), return_exceptions=True)
    return [repr(error) for error in ended if error is not None]


def test_workers_creating_the_same_tables_at_once_all_start() -> None:
    for _ in range(ROUNDS):
        url = sandbox.create_database("shared")
        try:
            assert asyncio.run(_at_once(url)) == []
        finally:
            sandbox.drop_database(url)
