"""Which cases are closed and when their retention ends: the retention worker's consumer.

Every case gets a row in `retention_schedule` with its first event; when it closes (its SOP has
no step left, as the archive projection reads it) the office's schedule (office/retention.py)
gives its dates and final disposition. The sweep (services/retention/sweep.py) decides each row
once its inactive period has ended, and marks it decided. The table holds no personal data: a
complaint's reference is its tracking number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from events import CATALOG, ComplaintReceived, Envelope
from office.config import OfficeConfig
from runtime.consumer import AfterCommit
from runtime.database import create_once
from runtime.watermarks import CONSUMERS

TABLE = "retention_schedule"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    case_id uuid PRIMARY KEY,
    case_type text NOT NULL,
    reference text,  -- a complaint's tracking number
    sop_id text,
    opened_at timestamptz NOT NULL,
    closed_on date,  -- office date; NULL while the case is open
    record_type text,
    active_until date,
    inactive_until date,
    final_disposition text,  -- 'musnah' | 'nilai kembali' | 'permanen'
    decided_at timestamptz,  -- when the sweep recorded its decision (office clock)
    decision_event_id uuid  -- the event that recorded it
);
CREATE INDEX IF NOT EXISTS retention_schedule_due
    ON {TABLE} (inactive_until) WHERE decided_at IS NULL;
"""


class ClosedCases:
    """Keeps `retention_schedule` in step with the case events."""

    watermarks = CONSUMERS.of("retention")

    def __init__(self, office: OfficeConfig) -> None:
        self._retention = office.retention
        self._time_zone = ZoneInfo(office.time_zone)

    async def create(self, conn: asyncpg.Connection) -> None:
        await create_once(conn, TABLE, SCHEMA)

    async def apply(
        self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]
    ) -> Sequence[AfterCommit]:
        first: dict[UUID, Envelope] = {}
        for envelope in envelopes:
            first.setdefault(envelope.case_id, envelope)
        await conn.executemany(
            "INSERT INTO retention_schedule (case_id, case_type, reference, opened_at)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (case_id) DO NOTHING",
            [(e.case_id, e.case_type, _reference(e), e.occurred_at) for e in first.values()],
        )
        for envelope in envelopes:
            if envelope.sop is not None and envelope.sop.next_step is None:
                await self._closed(conn, envelope)
        return ()

    async def _closed(self, conn: asyncpg.Connection, closing: Envelope) -> None:
        assert closing.sop is not None
        rule = self._retention.rule(closing.case_type)
        closed_on = closed_day(closing.occurred_at, self._time_zone)
        await conn.execute(
            "UPDATE retention_schedule SET sop_id = $2, closed_on = $3, record_type = $4,"
            " active_until = $5, inactive_until = $6, final_disposition = $7"
            " WHERE case_id = $1 AND closed_on IS NULL",  # a case closes once
            closing.case_id,
            closing.sop.id,
            closed_on,
            rule.record_type,
            rule.active_until(closed_on),
            rule.inactive_until(closed_on),
            rule.final_disposition,
        )


def closed_day(moment: datetime, time_zone: ZoneInfo) -> date:
    return moment.astimezone(time_zone).date()


def _reference(envelope: Envelope) -> str | None:
    if envelope.type == ComplaintReceived.type:
        return CATALOG.payload(envelope, ComplaintReceived).tracking_number
    return None
