"""The complaint register (buku register pengaduan) as a read model.

Each row shows the complaint, its latest event and the SOP step it waits at. The step's
activity is read from the SOP version the case runs under (versions never change).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg

from events import CATALOG, ComplaintReceived, Envelope
from sop.definition import SopDefinition
from sop.progress import CLOSING
from sop.registry import UnknownSop

SopVersion = Callable[[str, int], Awaitable[SopDefinition]]

SCHEMA = """
CREATE TABLE IF NOT EXISTS complaint_register (
    case_id uuid PRIMARY KEY,
    tracking_number text NOT NULL UNIQUE,
    received_at timestamptz NOT NULL,
    channel text NOT NULL,
    anonymous boolean NOT NULL,
    confidential boolean NOT NULL,
    reporter_name text,  -- NULL when the reporter asked to stay anonymous
    subject text NOT NULL,
    category text,
    status text NOT NULL,
    case_version integer NOT NULL,
    last_position bigint NOT NULL,
    projected_at timestamptz NOT NULL DEFAULT clock_timestamp()  -- when this row last changed
);
ALTER TABLE complaint_register
    ADD COLUMN IF NOT EXISTS sop_id text,
    ADD COLUMN IF NOT EXISTS sop_version integer,
    ADD COLUMN IF NOT EXISTS current_step text,  -- a step number, 'closing', NULL when closed
    ADD COLUMN IF NOT EXISTS current_activity text,
    ADD COLUMN IF NOT EXISTS closed boolean NOT NULL DEFAULT false;
"""


class RegisterProjection:
    name = "complaint_register"

    def __init__(self, sop_version: SopVersion) -> None:
        self._sop_version = sop_version

    async def create(self, conn: asyncpg.Connection) -> None:
        await conn.execute(SCHEMA)

    async def apply(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        if envelope.type == ComplaintReceived.type:
            await self._received(conn, envelope)
        elif envelope.case_type == "complaint":
            await self._moved(conn, envelope)

    async def _received(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        complaint = CATALOG.payload(envelope)
        assert isinstance(complaint, ComplaintReceived)
        await conn.execute(
            "INSERT INTO complaint_register (case_id, tracking_number, received_at, channel,"
            " anonymous, confidential, reporter_name, subject, category, status,"
            " case_version, last_position, sop_id, sop_version, current_step,"
            " current_activity, closed)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
            " $16, $17)"
            " ON CONFLICT (case_id) DO NOTHING",
            envelope.case_id,
            complaint.tracking_number,
            envelope.occurred_at,
            complaint.channel,
            complaint.anonymous,
            complaint.confidential,
            None if complaint.anonymous else complaint.reporter.name,
            complaint.subject,
            complaint.category,
            complaint.label,
            envelope.case_version,
            envelope.position,
            *await self._place(envelope),
        )

    async def _moved(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        await conn.execute(
            "UPDATE complaint_register SET status = $2, case_version = $3, last_position = $4,"
            " sop_id = $5, sop_version = $6, current_step = $7, current_activity = $8,"
            " closed = $9, projected_at = clock_timestamp()"
            " WHERE case_id = $1 AND case_version < $3",
            envelope.case_id,
            CATALOG.label(envelope.type),
            envelope.case_version,
            envelope.position,
            *await self._place(envelope),
        )

    async def _place(
        self, envelope: Envelope
    ) -> tuple[str | None, int | None, str | None, str | None, bool]:
        """(sop id, version, the step the case waits at, its activity, closed)."""
        ref = envelope.sop
        if ref is None:
            return None, None, None, None, False
        if ref.next_step is None:
            return ref.id, ref.version, None, None, True
        try:
            sop = await self._sop_version(ref.id, ref.version)
        except UnknownSop:
            return ref.id, ref.version, ref.next_step, None, False
        if ref.next_step == CLOSING:
            activity = sop.closing.activity if sop.closing else None
        else:
            activity = sop.step(int(ref.next_step)).activity
        return ref.id, ref.version, ref.next_step, activity, False
