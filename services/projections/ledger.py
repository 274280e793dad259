"""How far each projection has applied each case, recorded in the same transaction as the effect.

One row per (projection, case): the case version (and its global position) of the last event
the projection applied. A case's events travel on one Kafka partition, in order, so an event
at or below a case's watermark is a redelivery and is skipped; anything above it is new. One
row per case instead of one per event keeps the ledger small, and lets a replay hand over
exactly: its watermarks say what the rebuilt tables hold, whatever the live consumer's offsets.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from events import Envelope

SCHEMA = """
CREATE TABLE IF NOT EXISTS projection_watermarks (
    projection text NOT NULL,
    case_id uuid NOT NULL,
    case_version integer NOT NULL,  -- the last version of the case the projection applied
    position bigint NOT NULL,  -- that event's global position
    PRIMARY KEY (projection, case_id)
)
"""
TABLE = "projection_watermarks"


async def create(conn: asyncpg.Connection) -> None:
    await conn.execute(SCHEMA)


async def claim(
    conn: asyncpg.Connection, projection: str, envelopes: Sequence[Envelope]
) -> list[Envelope]:
    """The envelopes not applied yet (in the order given), marked applied."""
    case_ids = list({e.case_id for e in envelopes})
    rows = await conn.fetch(
        "SELECT case_id, case_version FROM projection_watermarks"
        " WHERE projection = $1 AND case_id = ANY($2::uuid[])",
        projection,
        case_ids,
    )
    marks: dict[UUID, int] = {r["case_id"]: r["case_version"] for r in rows}
    fresh: list[Envelope] = []
    moved: dict[UUID, Envelope] = {}
    for envelope in envelopes:
        if envelope.case_version > marks.get(envelope.case_id, -1):
            fresh.append(envelope)
            marks[envelope.case_id] = envelope.case_version
            moved[envelope.case_id] = envelope
    if moved:
        await conn.execute(
            "INSERT INTO projection_watermarks (projection, case_id, case_version, position)"
            " SELECT $1, * FROM unnest($2::uuid[], $3::integer[], $4::bigint[])"
            " ON CONFLICT (projection, case_id) DO UPDATE"
            " SET case_version = EXCLUDED.case_version, position = EXCLUDED.position",
            projection,
            list(moved),
            [e.case_version for e in moved.values()],
            [e.position for e in moved.values()],
        )
    return fresh
