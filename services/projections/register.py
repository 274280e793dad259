"""The complaint register (buku register pengaduan) as a read model."""

from __future__ import annotations

import asyncpg

from events import CATALOG, ComplaintReceived, Envelope

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
)
"""


class RegisterProjection:
    name = "complaint_register"

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
            " case_version, last_position)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
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
        )

    async def _moved(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        await conn.execute(
            "UPDATE complaint_register SET status = $2, case_version = $3, last_position = $4,"
            " projected_at = clock_timestamp()"
            " WHERE case_id = $1 AND case_version < $3",
            envelope.case_id,
            CATALOG.label(envelope.type),
            envelope.case_version,
            envelope.position,
        )
