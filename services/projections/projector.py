"""Applies an envelope to a projection exactly once, in one PostgreSQL transaction."""

from __future__ import annotations

from typing import Protocol

import asyncpg
import structlog

from events import Envelope
from services.projections import ledger

log = structlog.get_logger(__name__)


class Projection(Protocol):
    name: str

    async def create(self, conn: asyncpg.Connection) -> None: ...

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope) -> None: ...


class Projector:
    def __init__(self, pool: asyncpg.Pool, projection: Projection) -> None:
        self._pool = pool
        self._projection = projection

    async def create_tables(self) -> None:
        async with self._pool.acquire() as conn:
            await ledger.create(conn)
            await self._projection.create(conn)

    async def apply(self, envelope: Envelope) -> None:
        name = self._projection.name
        async with self._pool.acquire() as conn, conn.transaction():
            if not await ledger.claim(conn, name, envelope.position):
                log.info("event_already_applied", projection=name)
                return
            await self._projection.apply(conn, envelope)
        log.info("event_applied", projection=name, type=envelope.type)
