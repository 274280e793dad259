"""Applies envelopes to a projection exactly once, in one PostgreSQL transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import asyncpg
import structlog

from events import Envelope
from services.projections import ledger

log = structlog.get_logger(__name__)


class Projection(Protocol):
    """A read model: its tables, and how a batch of new events changes them.

    `apply` gets each event once, in global position order (events it does not care about
    included: it skips them). Its SQL names tables unqualified, so a replay can build the same
    tables in a fresh schema through `search_path`.
    """

    name: str
    tables: tuple[str, ...]  # every table the projection owns; a replay swaps them together

    async def create(self, conn: asyncpg.Connection) -> None: ...

    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None: ...


async def lock_shared(conn: asyncpg.Connection, projection: str) -> None:
    """Held by live batches for their transaction; a replay's swap takes it exclusively."""
    await conn.execute("SELECT pg_advisory_xact_lock_shared(hashtext($1))", _lock_key(projection))


async def lock_exclusive(conn: asyncpg.Connection, projection: str) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", _lock_key(projection))


def _lock_key(projection: str) -> str:
    return f"alur.projection.{projection}"


async def apply_new(
    conn: asyncpg.Connection, projection: Projection, envelopes: Sequence[Envelope]
) -> list[Envelope]:
    """Inside the caller's transaction: apply the envelopes not applied yet; returns them."""
    fresh = await ledger.claim(conn, projection.name, envelopes)
    if fresh:
        await projection.apply(conn, fresh)
    return fresh


class Projector:
    def __init__(self, pool: asyncpg.Pool, projection: Projection) -> None:
        self._pool = pool
        self._projection = projection

    @property
    def name(self) -> str:
        return self._projection.name

    async def create_tables(self) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('alur.projections.ddl'))")
            await ledger.create(conn)
            await self._projection.create(conn)

    async def apply(self, envelope: Envelope) -> None:
        await self.apply_many([envelope])

    async def apply_many(self, envelopes: list[Envelope]) -> None:
        """Apply envelopes in one transaction, skipping those already applied."""
        name = self._projection.name
        async with self._pool.acquire() as conn, conn.transaction():
            await lock_shared(conn, name)
            fresh = {id(e) for e in await apply_new(conn, self._projection, envelopes)}
        # Logged after the commit, so a line means the effect is durable.
        for envelope in envelopes:
            log.info(
                "event_applied" if id(envelope) in fresh else "event_already_applied",
                projection=name,
                case_id=str(envelope.case_id),
                event_id=str(envelope.event_id),
                position=envelope.position,
            )
