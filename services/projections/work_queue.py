"""The officers' work queue (Tugas Saya) as a read model: one row per open case.

A row says where the case waits (SOP, version, step, activity, the roles that may do the step,
the officer it was given to, the unit), the step's deadline and warning time on the office
calendar (moved by `SlaDeadlineChanged`; `SlaWarningRaised`/`SlaBreached` mark it), whether its
clock is suspended, and what the queue shows of the case (tracking number, subject: sealed
as recorded, revealed only as rows are shown). A closed case has no row.

The queues (services/projections/tasks.py) read it with `visible_cases`, like the registers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from events import CATALOG, ComplaintReceived, Envelope
from events.routing import CaseRouted
from events.sla import (
    ClockResumed,
    ClockSuspended,
    SlaBreached,
    SlaDeadlineChanged,
    SlaWarningRaised,
)
from office.calendar import WorkingCalendar, step_duration
from office.config import OfficeConfig
from office.routing_rules import unit_key
from services.projections.projector import SqlProjection
from services.projections.rows import CaseRows, Row
from services.projections.sops import SopBook
from sop.progress import CLOSING
from sop.roles import recording_roles

SCHEMA = """
CREATE TABLE IF NOT EXISTS work_queue (
    case_id uuid PRIMARY KEY,
    case_type text NOT NULL,
    tracking_number text,  -- a complaint's; NULL for other cases
    subject text,  -- sealed as recorded (privacy/envelope.py)
    confidential boolean NOT NULL,
    sop_id text NOT NULL,
    sop_version integer NOT NULL,
    sop_name text,
    step text,  -- the step the case waits at: a number or 'closing'
    activity text,
    current_roles text[] NOT NULL,
    assignee text,
    unit text,  -- compared as office/routing_rules.unit_key
    opened_at timestamptz NOT NULL,
    step_started_at timestamptz NOT NULL,
    due_at timestamptz,
    warn_at timestamptz,
    warned boolean NOT NULL,
    breached boolean NOT NULL,
    suspended boolean NOT NULL,
    case_version integer NOT NULL
);
CREATE INDEX IF NOT EXISTS work_queue_roles ON work_queue USING gin (current_roles);
CREATE INDEX IF NOT EXISTS work_queue_assignee ON work_queue (assignee);
"""

ROWS = CaseRows(
    "work_queue",
    (
        "case_id",
        "case_type",
        "tracking_number",
        "subject",
        "confidential",
        "sop_id",
        "sop_version",
        "sop_name",
        "step",
        "activity",
        "current_roles",
        "assignee",
        "unit",
        "opened_at",
        "step_started_at",
        "due_at",
        "warn_at",
        "warned",
        "breached",
        "suspended",
        "case_version",
    ),
)
# What a case that is not a complaint may call its subject in its first step's data.
SUBJECT_KEYS = ("perihal", "subject", "keperluan", "hal")


@dataclass(frozen=True)
class WorkQueueProjection(SqlProjection, name="work_queue", schema=SCHEMA):
    sops: SopBook
    office: OfficeConfig
    calendar: WorkingCalendar

    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
        mine = [e for e in envelopes if e.sop is not None]
        if not mine:
            return
        await self.sops.prepare(mine)
        rows: dict[Any, Row | None] = {
            r["case_id"]: r for r in await ROWS.load(conn, {e.case_id for e in mine})
        }
        touched = set()
        for envelope in mine:
            row = rows.get(envelope.case_id)
            if row is None and envelope.case_version == 1:
                row = self._opened(envelope)
            elif row is None or row["case_version"] >= envelope.case_version:
                continue
            rows[envelope.case_id] = self._after(row, envelope)
            touched.add(envelope.case_id)
        await ROWS.replace(conn, touched, (r for c in touched if (r := rows[c]) is not None))

    def _opened(self, envelope: Envelope) -> Row:
        ref = envelope.sop
        assert ref is not None
        sop = self.sops.get(ref.id, ref.version)
        row: Row = dict.fromkeys(ROWS.columns)
        row.update(
            case_id=envelope.case_id,
            case_type=envelope.case_type,
            confidential=False,
            sop_id=ref.id,
            sop_version=ref.version,
            sop_name=sop.header.name if sop else None,
            current_roles=[],
            opened_at=envelope.occurred_at,
            step_started_at=envelope.occurred_at,
            warned=False,
            breached=False,
            suspended=False,
            case_version=0,
        )
        if envelope.type == ComplaintReceived.type:
            complaint = CATALOG.payload(envelope, ComplaintReceived)
            row.update(
                tracking_number=complaint.tracking_number,
                subject=complaint.subject,
                confidential=complaint.confidential,
            )
        else:
            data = envelope.payload.get("data") or {}
            found = next((data[k] for k in SUBJECT_KEYS if isinstance(data.get(k), str)), None)
            row["subject"] = found
        return row

    def _after(self, row: Row, envelope: Envelope) -> Row | None:
        """The row once `envelope` is recorded; None when the case is closed."""
        ref = envelope.sop
        assert ref is not None
        row["case_version"] = envelope.case_version
        kind, payload = envelope.type, envelope.payload
        if ref.step is not None:  # an SOP step was done: the case waits at the next one
            if ref.next_step is None:
                return None
            self._waiting(row, envelope, ref.next_step)
            row["assignee"] = payload.get("assignee")
        elif kind == CaseRouted.type:
            row.update(assignee=payload["assignee"], unit=unit_key(payload["unit"]))
        elif kind in (ClockSuspended.type, ClockResumed.type):
            row["suspended"] = kind == ClockSuspended.type
        elif kind == SlaDeadlineChanged.type and _this_step(row, payload):
            if payload.get("clock", "step") == "step":
                moved = datetime.fromisoformat(payload["due_at"])
                row["warn_at"] = _moved(row["warn_at"], row["due_at"], moved)
                row.update(due_at=moved, breached=False)
        elif kind == SlaWarningRaised.type and _this_step(row, payload):
            row["warned"] = True
        elif kind == SlaBreached.type and _this_step(row, payload):
            row["breached"] = True
        return row

    def _waiting(self, row: Row, envelope: Envelope, step: str) -> None:
        ref = envelope.sop
        assert ref is not None
        sop = self.sops.get(ref.id, ref.version)
        roles: set[str] = set()
        due = warn = None
        if sop is not None and step == CLOSING and sop.closing is not None:
            roles = set(sop.closing.roles)
        elif sop is not None and step.isdigit() and 1 <= int(step) <= len(sop.steps):
            definition = sop.step(int(step))
            roles = {role for role, _ in recording_roles(sop, definition)}
            duration = step_duration(self.office, ref.id, definition)
            if duration is not None:
                start = envelope.occurred_at
                due = self.calendar.deadline(start, duration)
                share = self.office.sla.warning_share
                warn = self.calendar.share_elapsed_at(start, due, duration, share)
        row.update(
            step=step,
            activity=self.sops.activity(ref.id, ref.version, step),
            current_roles=sorted(roles),
            step_started_at=envelope.occurred_at,
            due_at=due,
            warn_at=warn if warn is not None and due is not None and warn < due else None,
            warned=False,
            breached=False,
            suspended=False,
        )


def _this_step(row: Row, payload: dict[str, Any]) -> bool:
    return str(payload.get("step")) == row["step"]


def _moved(warn_at: datetime | None, due_at: datetime | None, moved: datetime) -> datetime | None:
    if warn_at is None or due_at is None:
        return None
    return warn_at + max(moved - due_at, timedelta())
