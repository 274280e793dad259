"""Which events each projection has applied, recorded in the same transaction as the effect."""

from __future__ import annotations

import asyncpg

SCHEMA = """
CREATE TABLE IF NOT EXISTS projection_applied (
    projection text NOT NULL,
    position bigint NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, position)
)
"""


async def create(conn: asyncpg.Connection) -> None:
    await conn.execute(SCHEMA)


async def claim(conn: asyncpg.Connection, projection: str, position: int) -> bool:
    """Mark the event at `position` applied; False if it already was (a redelivery)."""
    claimed = await conn.fetchval(
        "INSERT INTO projection_applied (projection, position) VALUES ($1, $2) "
        "ON CONFLICT DO NOTHING RETURNING true",
        projection,
        position,
    )
    return bool(claimed)
