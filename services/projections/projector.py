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
        await self.apply_many([envelope])

    async def apply_many(self, envelopes: list[Envelope]) -> None:
        """Apply envelopes in one transaction, skipping those already applied."""
        name = self._projection.name
        async with self._pool.acquire() as conn, conn.transaction():
            outcomes = []
            for envelope in envelopes:
                fresh = await ledger.claim(conn, name, envelope.position)
                if fresh:
                    await self._projection.apply(conn, envelope)
                outcomes.append((envelope, fresh))
        # Logged after the commit, so a line means the effect is durable.
        for envelope, fresh in outcomes:
            log.info(
                "event_applied" if fresh else "event_already_applied",
                projection=name,
                case_id=str(envelope.case_id),
                event_id=str(envelope.event_id),
                position=envelope.position,
            )
