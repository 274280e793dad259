"""A simulated clock outlives its connection: when PostgreSQL ends it (a restart ends every
connection), the clock reads, advances and hears advances again on a new one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from runtime.clock import SimulatedClock, start_clock
from tests.support import sandbox
from tests.support.waiting import eventually

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def database() -> Iterator[str]:
    """A database of the test's own: every connection to it is the clocks'."""
    url = sandbox.create_database("clock")
    try:
        yield url
    finally:
        sandbox.drop_database(url)


async def _cut(database: str) -> None:
    """End every other connection to the database, as a restart of PostgreSQL would."""
    conn = await asyncpg.connect(database)
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()


async def test_a_simulated_clock_works_again_after_postgresql_ended_its_connection(
    database: str,
) -> None:
    mover = await start_clock("simulated", database, WIB)
    listener = await start_clock("simulated", database, WIB)
    assert isinstance(mover, SimulatedClock)
    assert isinstance(listener, SimulatedClock)
    try:
        before = listener.now()
        await _cut(database)
        await mover.refresh()  # reads on a new connection
        await mover.advance(2 * 24 * 60)
        await listener.refresh()
        assert listener.now() - before >= timedelta(days=2)

        await mover.advance(24 * 60)  # heard through NOTIFY, without asking

        async def heard() -> bool:
            return listener.now() - before >= timedelta(days=3)

        await eventually(heard, timeout=5)
    finally:
        await mover.close()
        await listener.close()
