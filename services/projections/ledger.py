"""How far each projection has applied each case: its watermarks (runtime/watermarks.py), in
their own table because they are part of the read model — a replay rebuilds them with the
projection's tables and swaps them in together (services/projections/replay.py).

`projection_watermarks (projection, case_id, case_version, position)`: one row per
(projection, case), the last case version the projection's tables hold.
"""

from __future__ import annotations

import asyncpg

from runtime.watermarks import Watermarks, WatermarkTable

TABLE = "projection_watermarks"
WATERMARKS = WatermarkTable(TABLE, key="projection", swapped=True)


async def create(conn: asyncpg.Connection) -> None:
    """Create the table in the first schema of the search path (a replay's, or the live one)."""
    await WATERMARKS.create(conn)


def watermarks(projection: str) -> Watermarks:
    return WATERMARKS.of(projection)
