"""The management line above officers: each one's superior, that one's superior, and so on."""

from __future__ import annotations

from collections.abc import Collection

import asyncpg

LINE_ABOVE = """
WITH RECURSIVE line(id) AS (
    SELECT superior FROM officers WHERE id = ANY($1::text[]) AND superior IS NOT NULL
    UNION
    SELECT o.superior FROM officers o JOIN line ON o.id = line.id WHERE o.superior IS NOT NULL
)
SELECT id FROM line
"""


async def line_above(pool: asyncpg.Pool, officers: Collection[str]) -> frozenset[str]:
    """Every officer above one of `officers` (not the officers themselves)."""
    if not officers:
        return frozenset()
    return frozenset(r["id"] for r in await pool.fetch(LINE_ABOVE, list(officers)))


LINE_BELOW = """
WITH RECURSIVE line(id) AS (
    SELECT id FROM officers WHERE superior = $1
    UNION
    SELECT o.id FROM officers o JOIN line ON o.superior = line.id
)
SELECT id FROM line
"""


async def line_below(pool: asyncpg.Pool, officer: str) -> frozenset[str]:
    """Every officer under `officer` (their direct reports, theirs, and so on)."""
    return frozenset(r["id"] for r in await pool.fetch(LINE_BELOW, officer))
