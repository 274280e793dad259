"""The complaint register (buku register pengaduan) as a read model.

Each row shows the complaint, its latest event and the SOP step it waits at. The step's
activity is read from the SOP version the case runs under (versions never change).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from events import CATALOG, ComplaintReceived, Envelope
from events.attachments import AttachmentAdded
from events.notes import InternalNoteAdded
from events.privacy import PersonalDataErased, ReporterIdentityViewed
from services.projections.projector import SqlProjection
from services.projections.rows import CaseRows, Row
from services.projections.sops import SopBook

# Events that change no complaint's status: a reading of the reporter's identity, its erasure
# (the case stays where it was; the reporter's name reads "[dihapus]" from then on), an
# officer's internal note, a file attached.
_NOT_A_STATUS = {
    ReporterIdentityViewed.type,
    PersonalDataErased.type,
    InternalNoteAdded.type,
    AttachmentAdded.type,
}

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
    ADD COLUMN IF NOT EXISTS closed boolean NOT NULL DEFAULT false,
    ADD COLUMN IF NOT EXISTS updated_at timestamptz;  -- the latest status change's time
"""

ROWS = CaseRows(
    "complaint_register",
    (
        "case_id",
        "tracking_number",
        "received_at",
        "channel",
        "anonymous",
        "confidential",
        "reporter_name",
        "subject",
        "category",
        "status",
        "case_version",
        "last_position",
        "projected_at",
        "sop_id",
        "sop_version",
        "current_step",
        "current_activity",
        "closed",
        "updated_at",
    ),
)


@dataclass(frozen=True)
class RegisterProjection(SqlProjection, name="complaint_register", schema=SCHEMA):
    sops: SopBook

    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
        mine = [e for e in envelopes if e.case_type == "complaint"]
        if not mine:
            return
        await self.sops.prepare(mine)
        rows = {r["case_id"]: r for r in await ROWS.load(conn, {e.case_id for e in mine})}
        touched = set()
        for envelope in mine:
            row = rows.get(envelope.case_id)
            if envelope.type == ComplaintReceived.type:
                if row is None:
                    rows[envelope.case_id] = self._received(envelope)
                    touched.add(envelope.case_id)
            elif row is not None and row["case_version"] < envelope.case_version:
                if envelope.type in _NOT_A_STATUS:
                    row.update(case_version=envelope.case_version, last_position=envelope.position)
                    touched.add(envelope.case_id)
                    continue
                row.update(
                    status=CATALOG.label(envelope.type),
                    case_version=envelope.case_version,
                    last_position=envelope.position,
                    projected_at=datetime.now(UTC),
                    updated_at=envelope.occurred_at,
                    **self._place(envelope),
                )
                touched.add(envelope.case_id)
        await ROWS.replace(conn, touched, (rows[c] for c in touched))

    def _received(self, envelope: Envelope) -> Row:
        complaint = CATALOG.payload(envelope)
        assert isinstance(complaint, ComplaintReceived)
        return {
            "case_id": envelope.case_id,
            "tracking_number": complaint.tracking_number,
            "received_at": envelope.occurred_at,
            "channel": complaint.channel,
            "anonymous": complaint.anonymous,
            "confidential": complaint.confidential,
            "reporter_name": None if complaint.anonymous else complaint.reporter.name,
            "subject": complaint.subject,
            "category": complaint.category,
            "status": complaint.label,
            "case_version": envelope.case_version,
            "last_position": envelope.position,
            "projected_at": datetime.now(UTC),
            "updated_at": envelope.occurred_at,
            **self._place(envelope),
        }

    def _place(self, envelope: Envelope) -> Row:
        """The SOP, version, the step the case waits at, its activity, closed."""
        ref = envelope.sop
        if ref is None:
            return {
                "sop_id": None,
                "sop_version": None,
                "current_step": None,
                "current_activity": None,
                "closed": False,
            }
        waiting = ref.next_step
        return dict(
            sop_id=ref.id,
            sop_version=ref.version,
            current_step=waiting,
            current_activity=None
            if waiting is None
            else self.sops.activity(ref.id, ref.version, waiting),
            closed=waiting is None,
        )
