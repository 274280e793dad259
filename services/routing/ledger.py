"""Which events the router has applied, recorded in the same transaction as its own state."""

from __future__ import annotations

from uuid import UUID

import asyncpg

SCHEMA = """
CREATE TABLE IF NOT EXISTS routing_applied_events (
    event_id uuid PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


async def create(conn: asyncpg.Connection) -> None:
    await conn.execute(SCHEMA)


async def claim(conn: asyncpg.Connection, event_id: UUID) -> bool:
    """Mark the event applied; False if it already was (a redelivery)."""
    claimed = await conn.fetchval(
        "INSERT INTO routing_applied_events (event_id) VALUES ($1)"
        " ON CONFLICT DO NOTHING RETURNING true",
        event_id,
    )
    return bool(claimed)
