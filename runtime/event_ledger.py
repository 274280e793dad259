"""Which events a consuming worker has applied, written in the same transaction as its effect.

Kafka delivers at least once; a worker claims each event id before applying it, so a
redelivered event finds its claim and changes nothing. Each worker keeps its own table.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg


class EventLedger:
    def __init__(self, table: str) -> None:
        if not table.isidentifier():
            raise ValueError(f"not a table name: {table!r}")
        self._table = table

    async def create(self, conn: asyncpg.Connection) -> None:
        # One process at a time: two concurrent CREATE TABLE IF NOT EXISTS can collide.
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", self._table)
            await conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._table} ("
                " event_id uuid PRIMARY KEY,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )

    async def claim(self, conn: asyncpg.Connection, event_id: UUID) -> bool:
        """Mark the event applied; False if it already was (a redelivery)."""
        claimed = await conn.fetchval(
            f"INSERT INTO {self._table} (event_id) VALUES ($1)"  # noqa: S608 - checked identifier
            " ON CONFLICT DO NOTHING RETURNING true",
            event_id,
        )
        return bool(claimed)
