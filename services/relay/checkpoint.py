"""The last position the relay has published, kept in PostgreSQL."""

from __future__ import annotations

import asyncpg

SCHEMA = """
CREATE TABLE IF NOT EXISTS relay_checkpoint (
    name text PRIMARY KEY,
    position bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
)
"""


class RelayCheckpoint:
    def __init__(self, pool: asyncpg.Pool, name: str = "kafka") -> None:
        self._pool = pool
        self._name = name

    async def create(self) -> None:
        await self._pool.execute(SCHEMA)

    async def load(self) -> int:
        value = await self._pool.fetchval(
            "SELECT position FROM relay_checkpoint WHERE name = $1", self._name
        )
        return value or 0

    async def save(self, position: int) -> None:
        await self._pool.execute(
            "INSERT INTO relay_checkpoint (name, position) VALUES ($1, $2) "
            "ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()",
            self._name,
            position,
        )
