"""Which events the SLA worker has applied, recorded in the same transaction as their effect."""

from __future__ import annotations

import asyncpg

SCHEMA = """
CREATE TABLE IF NOT EXISTS sla_applied (
    position bigint PRIMARY KEY,
    event_id uuid NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


async def create(conn: asyncpg.Connection) -> None:
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('sla_applied'))")
        await conn.execute(SCHEMA)


async def claim(conn: asyncpg.Connection, position: int, event_id: object) -> bool:
    """Mark the event at `position` applied; False if it already was (a redelivery)."""
    claimed = await conn.fetchval(
        "INSERT INTO sla_applied (position, event_id) VALUES ($1, $2)"
        " ON CONFLICT DO NOTHING RETURNING true",
        position,
        event_id,
    )
    return bool(claimed)
