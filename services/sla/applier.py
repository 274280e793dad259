"""Keeps the timers in step with the case events: the SLA worker's consumer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial

import asyncpg
import structlog

from events import Envelope
from office import OfficeConfig
from runtime.consumer import AfterCommit, event_ids
from runtime.watermarks import CONSUMERS
from services.sla import categories, deadline_changes, suspension, timers
from services.sla.changes import Calendar, Change, Context
from services.sla.plan import plan
from sop.definition import SopDefinition, Step
from sop.duration import Duration
from sop.registry import UnknownSop

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class TimerApplier:
    # Before the watermarks, the worker listed the events it applied in `sla_applied_events`.
    watermarks = CONSUMERS.of("sla", replaces="sla_applied_events")

    office: OfficeConfig
    calendar: Callable[[], Awaitable[Calendar]]
    sop_version: Callable[[str, int], Awaitable[SopDefinition]]
    durations: Callable[[SopDefinition, Step], Duration | None]

    async def create(self, conn: asyncpg.Connection) -> None:
        await timers.create(conn)
        await suspension.create(conn)
        await deadline_changes.create(conn)
        await categories.create(conn)

    async def apply(
        self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]
    ) -> Sequence[AfterCommit]:
        """Plan each event's changes on the timers and make them."""
        calendar = await self.calendar()
        changed: list[tuple[Envelope, list[Change]]] = []
        for envelope in envelopes:
            changes = plan(envelope, await self._context(conn, envelope, calendar))
            for change in changes:
                await change.apply(conn)
            if changes:
                changed.append((envelope, changes))
        return [partial(_log_changed, changed)] if changed else ()

    async def _context(
        self, conn: asyncpg.Connection, envelope: Envelope, calendar: Calendar
    ) -> Context:
        sop, ref = None, envelope.sop
        if ref is not None:
            try:
                sop = await self.sop_version(ref.id, ref.version)
            except UnknownSop:
                log.warning("sop_unknown", sop=ref.id, version=ref.version, **event_ids(envelope))
        category = None
        if self.office.sla.time_tiers:  # the case's category is read only when tiers need it
            category = await categories.category_of(conn, envelope.case_id)
        return Context(self.office, calendar, sop, self.durations, category)


def _log_changed(changed: list[tuple[Envelope, list[Change]]]) -> None:
    # Per event: debug (the consumer's `events_applied` line per batch is at info).
    for envelope, changes in changed:
        log.debug(
            "timers_changed", changes=[type(c).__name__ for c in changes], **event_ids(envelope)
        )
