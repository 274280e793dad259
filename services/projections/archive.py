"""The archive of closed cases with their retention dates (JRA, DOMAIN.md §7).

A case enters `case_archive` when it closes (its SOP has no step left). Until then the
projection keeps what the archive row needs (when it opened, its reference) in
`case_archive_open`. Retention is computed from the office configuration when the case
closes; after a change of the schedule, `alur replay --projection case_archive` applies it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from events import CATALOG, ComplaintReceived, Envelope
from office.config import OfficeConfig
from services.projections.guest_book import written
from services.projections.projector import SqlProjection
from services.projections.rows import CaseRows, Row

SCHEMA = """
CREATE TABLE IF NOT EXISTS case_archive_open (
    case_id uuid PRIMARY KEY,
    case_type text NOT NULL,
    reference text,
    opened_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS case_archive (
    case_id uuid PRIMARY KEY,
    case_type text NOT NULL,
    sop_id text,
    sop_version integer,
    reference text,  -- the tracking number of a complaint, the visitor of a visit
    record_type text,  -- the retention schedule's name for the files, if it gives one
    opened_at timestamptz NOT NULL,
    closed_at timestamptz NOT NULL,
    active_until date NOT NULL,  -- retensi aktif ends (office dates)
    inactive_until date NOT NULL,  -- retensi inaktif ends
    final_disposition text NOT NULL  -- 'musnah' | 'nilai kembali' | 'permanen'
);
CREATE INDEX IF NOT EXISTS case_archive_closed_at ON case_archive (closed_at);
"""

OPEN = CaseRows("case_archive_open", ("case_id", "case_type", "reference", "opened_at"))
ARCHIVED = CaseRows(
    "case_archive",
    (
        "case_id",
        "case_type",
        "sop_id",
        "sop_version",
        "reference",
        "record_type",
        "opened_at",
        "closed_at",
        "active_until",
        "inactive_until",
        "final_disposition",
    ),
)


class ArchiveProjection(
    SqlProjection, name="case_archive", schema=SCHEMA, tables=("case_archive_open", "case_archive")
):
    def __init__(self, office: OfficeConfig) -> None:
        self._retention = office.retention
        self._time_zone = ZoneInfo(office.time_zone)

    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
        cases = {e.case_id for e in envelopes}
        opened = {r["case_id"]: r for r in await OPEN.load(conn, cases)}
        archived = await conn.fetch(
            "SELECT case_id FROM case_archive WHERE case_id = ANY($1::uuid[])", list(cases)
        )
        done = {r["case_id"] for r in archived}
        closed: dict[UUID, Row] = {}
        for envelope in envelopes:
            if envelope.case_id in done or envelope.case_id in closed:
                continue  # a closed case is archived once; later events change nothing here
            row = opened.get(envelope.case_id)
            if row is None:
                row = opened[envelope.case_id] = {
                    "case_id": envelope.case_id,
                    "case_type": envelope.case_type,
                    "reference": None,
                    "opened_at": envelope.occurred_at,
                }
            row["reference"] = row["reference"] or _reference(envelope)
            if envelope.sop is not None and envelope.sop.next_step is None:
                closed[envelope.case_id] = self._archived(opened.pop(envelope.case_id), envelope)
        await OPEN.replace(conn, cases, opened.values())
        await ARCHIVED.insert(conn, closed.values())

    def _archived(self, row: Row, closing: Envelope) -> Row:
        assert closing.sop is not None
        rule = self._retention.rule(row["case_type"])
        closed_on = closing.occurred_at.astimezone(self._time_zone).date()
        return {
            **row,
            "sop_id": closing.sop.id,
            "sop_version": closing.sop.version,
            "record_type": rule.record_type,
            "closed_at": closing.occurred_at,
            "active_until": rule.active_until(closed_on),
            "inactive_until": rule.inactive_until(closed_on),
            "final_disposition": rule.final_disposition,
        }


def _reference(envelope: Envelope) -> str | None:
    if envelope.type == ComplaintReceived.type:
        return CATALOG.payload(envelope, ComplaintReceived).tracking_number
    data = envelope.payload.get("data")
    return written(data, "visitor_name") if isinstance(data, Mapping) else None
