"""What time it is for every Alur service: the system clock, or a simulated one.

`ALUR_CLOCK=simulated` (CONTRACT.md) makes every service read the same simulated time: the
real time plus an offset kept in PostgreSQL. `POST /api/clock/advance` moves the offset and
announces it with NOTIFY; each process listens and also re-reads it with `refresh()` (pollers
call that before each pass, so a timer never waits for the notification to arrive).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta, tzinfo
from typing import Any, Protocol

import asyncpg
import structlog

from runtime.database import create_once
from runtime.listening import ChannelListener
from runtime.outages import POSTGRES_AWAY

log = structlog.get_logger(__name__)

CHANNEL = "alur_clock"
SCHEMA = """
CREATE TABLE IF NOT EXISTS simulated_clock (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    offset_seconds double precision NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO simulated_clock (only_row) VALUES (true) ON CONFLICT DO NOTHING;
"""


# What a connection that PostgreSQL ended raises on its next query.
_CONNECTION_ENDED = (OSError, *POSTGRES_AWAY)


class Clock(Protocol):
    simulated: bool

    def now(self) -> datetime: ...

    async def refresh(self) -> None: ...

    async def close(self) -> None: ...


class SystemClock:
    simulated = False

    def __init__(self, time_zone: tzinfo) -> None:
        self._time_zone = time_zone

    def now(self) -> datetime:
        return datetime.now(self._time_zone)

    async def refresh(self) -> None:
        return None

    async def close(self) -> None:
        return None


class SimulatedClock:
    """Real time plus an offset that only ever grows (time never runs backwards)."""

    simulated = True

    def __init__(self, database_url: str, time_zone: tzinfo) -> None:
        self._database_url = database_url
        self._time_zone = time_zone
        self._offset = timedelta()
        self._queries: asyncpg.Connection | None = None  # for the clock's own queries
        self._in_use = asyncio.Lock()  # one connection does one query at a time
        self._listener = ChannelListener(database_url, {CHANNEL: self._heard})

    async def start(self) -> None:
        connection = await self._connection()
        await create_once(connection, "simulated_clock", SCHEMA)
        await self._listener.start()
        await self.refresh()

    def now(self) -> datetime:
        return datetime.now(self._time_zone) + self._offset

    async def refresh(self) -> None:
        seconds = await self._fetch("SELECT offset_seconds FROM simulated_clock")
        self._set(seconds or 0.0)

    async def advance(self, minutes: float) -> datetime:
        """Move every service's time forward by `minutes`; returns the new time."""
        seconds = await self._fetch(
            "UPDATE simulated_clock SET offset_seconds = offset_seconds + $1, changed_at = now()"
            " RETURNING offset_seconds",
            minutes * 60.0,
        )
        await self._fetch("SELECT pg_notify($1, $2)", CHANNEL, str(seconds))
        self._set(seconds)
        log.info("clock_advanced", minutes=minutes, now=self.now().isoformat())
        return self.now()

    async def close(self) -> None:
        await self._listener.close()
        if self._queries is not None:
            await self._queries.close()
            self._queries = None

    async def _connection(self) -> asyncpg.Connection:
        """The clock's connection; a new one once the old one died with its server (a
        PostgreSQL restart), so the clock works again when PostgreSQL does. (Advances are heard
        on the listener's own connection, which comes back by itself.)"""
        if self._queries is None or self._queries.is_closed():
            self._queries = await asyncpg.connect(self._database_url)
        return self._queries

    async def _fetch(self, query: str, *args: object) -> Any:
        async with self._in_use:
            try:
                return await (await self._connection()).fetchval(query, *args)
            except _CONNECTION_ENDED:
                # The connection may have died without saying so yet (its server's goodbye
                # can arrive while a query starts): once more, on a new one.
                if self._queries is not None:
                    self._queries.terminate()
                    self._queries = None
                return await (await self._connection()).fetchval(query, *args)

    def _heard(self, payload: str) -> None:
        with contextlib.suppress(ValueError):
            self._set(float(payload))

    def _set(self, seconds: float) -> None:
        offset = timedelta(seconds=seconds)
        if offset > self._offset:
            self._offset = offset


async def start_clock(kind: str, database_url: str, time_zone: tzinfo) -> Clock:
    """The clock `ALUR_CLOCK` names: "system" (default) or "simulated"."""
    if kind == "system":
        return SystemClock(time_zone)
    if kind == "simulated":
        clock = SimulatedClock(database_url, time_zone)
        await clock.start()
        log.info("clock_simulated", now=clock.now().isoformat())
        return clock
    raise ValueError(f"ALUR_CLOCK must be 'system' or 'simulated', not {kind!r}")
