"""Case timelines: every event of every case, in order, as a line an officer can read."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from events import CATALOG, Envelope
from services.projections.projector import SqlProjection
from services.projections.rows import CaseRows

SCHEMA = """
CREATE TABLE IF NOT EXISTS case_timeline (
    case_id uuid NOT NULL,
    position bigint NOT NULL,
    case_version integer NOT NULL,
    occurred_at timestamptz NOT NULL,
    type text NOT NULL,
    label text NOT NULL,  -- the event's name in Bahasa Indonesia
    actor_id text NOT NULL,
    role text NOT NULL,
    sop_id text,
    sop_version integer,
    step text,  -- the SOP step done; NULL for events that are not a step (SLA, routing)
    next_step text,  -- where the case waits afterwards; NULL once closed
    PRIMARY KEY (case_id, position)
);
"""

ROWS = CaseRows(
    "case_timeline",
    (
        "case_id",
        "position",
        "case_version",
        "occurred_at",
        "type",
        "label",
        "actor_id",
        "role",
        "sop_id",
        "sop_version",
        "step",
        "next_step",
    ),
)


class TimelineProjection(SqlProjection, name="case_timeline", schema=SCHEMA):
    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
        # Append-only: the watermarks hand each event over once, so nothing is read back.
        await ROWS.insert(
            conn,
            (
                {
                    "case_id": e.case_id,
                    "position": e.position,
                    "case_version": e.case_version,
                    "occurred_at": e.occurred_at,
                    "type": e.type,
                    "label": CATALOG.label(e.type),
                    "actor_id": e.actor.id,
                    "role": e.actor.role,
                    "sop_id": e.sop.id if e.sop else None,
                    "sop_version": e.sop.version if e.sop else None,
                    "step": e.sop.step if e.sop else None,
                    "next_step": e.sop.next_step if e.sop else None,
                }
                for e in envelopes
            ),
        )
