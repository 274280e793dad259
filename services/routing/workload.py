"""The router's own state in PostgreSQL: open assigned steps per officer, and whose turn it is.

Open assignments are folded from the events: a step given to an officer (by the rules, or by the
officer who did the previous step) is open until the case moves on. Turns are kept per unit and
step role, for round robin.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from events import CATALOG, Envelope
from events.routing import CaseRouted

SCHEMA = """
CREATE TABLE IF NOT EXISTS routing_open_assignments (
    case_id uuid PRIMARY KEY,
    step text NOT NULL,
    assignee text NOT NULL,
    position bigint NOT NULL  -- of the event that opened it
);
CREATE INDEX IF NOT EXISTS routing_open_assignments_assignee
    ON routing_open_assignments (assignee);
CREATE TABLE IF NOT EXISTS routing_turns (
    unit text NOT NULL,
    role text NOT NULL,
    turns bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (unit, role)
);
"""


async def create(conn: asyncpg.Connection) -> None:
    await conn.execute(SCHEMA)


async def follow(conn: asyncpg.Connection, envelope: Envelope) -> None:
    """Keep the open assignments up to date with one event of a case."""
    ref = envelope.sop
    if envelope.type == CaseRouted.type:
        routed = CATALOG.payload(envelope, CaseRouted)
        await assign(conn, envelope.case_id, routed.step, routed.assignee, envelope.position)
        return
    if ref is None or ref.step is None:
        return  # SLA, clock and other facts: the waiting step and its assignee stay
    assignee = envelope.payload.get("assignee")
    if assignee and ref.next_step is not None:
        await assign(conn, envelope.case_id, ref.next_step, assignee, envelope.position)
    else:
        await conn.execute(
            "DELETE FROM routing_open_assignments WHERE case_id = $1 AND position < $2",
            envelope.case_id,
            envelope.position,
        )


async def assign(
    conn: asyncpg.Connection, case_id: UUID, step: str, assignee: str, position: int
) -> None:
    await conn.execute(
        "INSERT INTO routing_open_assignments (case_id, step, assignee, position)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (case_id) DO UPDATE"
        " SET step = excluded.step, assignee = excluded.assignee, position = excluded.position"
        " WHERE routing_open_assignments.position <= excluded.position",
        case_id,
        step,
        assignee,
        position,
    )


async def load(conn: asyncpg.Connection, officers: Sequence[str]) -> dict[str, int]:
    """How many open assigned steps each of `officers` holds."""
    rows = await conn.fetch(
        "SELECT assignee, count(*) AS open FROM routing_open_assignments"
        " WHERE assignee = ANY($1) GROUP BY assignee",
        list(officers),
    )
    return {r["assignee"]: r["open"] for r in rows}


async def turn(conn: asyncpg.Connection, unit: str, role: str) -> int:
    """Whose turn it is in the unit for the role (locked until the transaction ends)."""
    await conn.execute(
        "INSERT INTO routing_turns (unit, role) VALUES ($1, $2) ON CONFLICT DO NOTHING", unit, role
    )
    return await conn.fetchval(
        "SELECT turns FROM routing_turns WHERE unit = $1 AND role = $2 FOR UPDATE", unit, role
    )


async def take_turn(conn: asyncpg.Connection, unit: str, role: str) -> None:
    await conn.execute(
        "UPDATE routing_turns SET turns = turns + 1 WHERE unit = $1 AND role = $2", unit, role
    )
