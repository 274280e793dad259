"""Which events the notifier has planned, recorded in the same transaction as the plan."""

from __future__ import annotations

from uuid import UUID

import asyncpg

SCHEMA = """
CREATE TABLE IF NOT EXISTS notifier_planned_events (
    event_id uuid PRIMARY KEY,
    planned_at timestamptz NOT NULL DEFAULT now()
)
"""


async def create(conn: asyncpg.Connection) -> None:
    await conn.execute(SCHEMA)


async def claim(conn: asyncpg.Connection, event_id: UUID) -> bool:
    """Mark the event planned; False if it already was (a redelivery)."""
    claimed = await conn.fetchval(
        "INSERT INTO notifier_planned_events (event_id) VALUES ($1)"
        " ON CONFLICT DO NOTHING RETURNING true",
        event_id,
    )
    return bool(claimed)
