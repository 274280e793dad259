"""Time in step: one row per step a case started, with its deadline and who completed it.

A step starts with the event after which the case waits at it (`sop.next_step`) and completes
with the event that does it (`sop.step`). The step the opening event records (step 1) was
never waited at, so it has no row. The deadline is the step's time standard (*Waktu*) on the
office calendar from the start, NULL when the step has none; SlaDeadlineChanged moves it.
`performer_unit` is the performing officer's unit in the `officers` table when the step
completed (stored, not joined at read time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from events import CATALOG, Envelope
from events.sla import SlaDeadlineChanged
from office.calendar import WorkingCalendar, step_duration
from office.config import OfficeConfig
from services.projections.projector import SqlProjection
from services.projections.rows import CaseRows, Row
from services.projections.sops import SopBook
from sop.progress import CLOSING

SCHEMA = """
CREATE TABLE IF NOT EXISTS step_times (
    case_id uuid NOT NULL,
    case_type text NOT NULL,
    sop_id text NOT NULL,
    sop_version integer NOT NULL,
    step text NOT NULL,  -- a step number, or 'closing'
    activity text,
    started_position bigint NOT NULL,
    started_at timestamptz NOT NULL,
    due_at timestamptz,  -- NULL: the step has no time standard
    completed_at timestamptz,  -- NULL while the case waits at the step
    completed_position bigint,
    performer text,  -- the officer (or public actor) who did the step
    performer_unit text,
    on_time boolean,  -- NULL while open or without a time standard
    PRIMARY KEY (case_id, started_position)
);
CREATE INDEX IF NOT EXISTS step_times_sop_step ON step_times (sop_id, step);
CREATE INDEX IF NOT EXISTS step_times_open ON step_times (due_at) WHERE completed_at IS NULL;
"""

ROWS = CaseRows(
    "step_times",
    (
        "case_id",
        "case_type",
        "sop_id",
        "sop_version",
        "step",
        "activity",
        "started_position",
        "started_at",
        "due_at",
        "completed_at",
        "completed_position",
        "performer",
        "performer_unit",
        "on_time",
    ),
)


@dataclass(frozen=True)
class StepTimesProjection(SqlProjection, name="step_times", schema=SCHEMA):
    sops: SopBook
    office: OfficeConfig
    calendar: WorkingCalendar

    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
        timed = [e for e in envelopes if e.sop is not None]
        if not timed:
            return
        await self.sops.prepare(timed)
        units = await _units(conn, {e.actor.id for e in timed if e.sop and e.sop.step})
        cases = {e.case_id for e in timed}
        rows: dict[UUID, list[Row]] = {case_id: [] for case_id in cases}
        for row in await ROWS.load(conn, cases):
            rows[row["case_id"]].append(row)
        for envelope in timed:
            self._fold(rows[envelope.case_id], envelope, units)
        await ROWS.replace(conn, cases, (row for case in rows.values() for row in case))

    def _fold(self, rows: list[Row], envelope: Envelope, units: dict[str, str | None]) -> None:
        ref = envelope.sop
        assert ref is not None
        if envelope.type == SlaDeadlineChanged.type:
            moved = CATALOG.payload(envelope, SlaDeadlineChanged)
            row = _open(rows, moved.step) if moved.clock == "step" else None
            if row is not None:
                row["due_at"] = moved.due_at
            return
        row = None if ref.step is None else _open(rows, ref.step)
        if row is not None:
            row.update(
                completed_at=envelope.occurred_at,
                completed_position=envelope.position,
                performer=envelope.actor.id,
                performer_unit=units.get(envelope.actor.id),
                on_time=None if row["due_at"] is None else envelope.occurred_at <= row["due_at"],
            )
        if ref.next_step is not None and _open(rows, ref.next_step) is None:
            self._started(rows, envelope, ref.next_step)

    def _started(self, rows: list[Row], envelope: Envelope, step: str) -> Row:
        ref = envelope.sop
        assert ref is not None
        row: Row = dict.fromkeys(ROWS.columns)
        row.update(
            case_id=envelope.case_id,
            case_type=envelope.case_type,
            sop_id=ref.id,
            sop_version=ref.version,
            step=step,
            activity=self.sops.activity(ref.id, ref.version, step),
            started_position=envelope.position,
            started_at=envelope.occurred_at,
            due_at=self._due(ref.id, ref.version, step, envelope.occurred_at),
        )
        rows.append(row)
        return row

    def _due(self, sop_id: str, version: int, step: str, start: datetime) -> datetime | None:
        sop = self.sops.get(sop_id, version)
        if sop is None or step == CLOSING or not 1 <= int(step) <= len(sop.steps):
            return None
        duration = step_duration(self.office, sop_id, sop.step(int(step)))
        return None if duration is None else self.calendar.deadline(start, duration)


def _open(rows: list[Row], step: str) -> Row | None:
    return next((r for r in rows if r["step"] == step and r["completed_at"] is None), None)


async def _units(conn: asyncpg.Connection, officer_ids: set[str]) -> dict[str, str | None]:
    if not officer_ids or await conn.fetchval("SELECT to_regclass('officers')") is None:
        return {}
    rows = await conn.fetch(
        "SELECT id, unit FROM officers WHERE id = ANY($1::text[])", list(officer_ids)
    )
    return {r["id"]: r["unit"] for r in rows}
