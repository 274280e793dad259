"""Applies case events to the timers exactly once, in one PostgreSQL transaction per batch."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import structlog

from events import Envelope
from office import OfficeConfig
from runtime.event_ledger import EventLedger
from services.sla import timers
from services.sla.plan import Calendar, Context, plan
from sop.definition import SopDefinition, Step
from sop.duration import Duration
from sop.registry import UnknownSop

log = structlog.get_logger(__name__)

# Events already applied, claimed in the same transaction as their effect.
LEDGER = EventLedger("sla_applied_events")


class TimerApplier:
    def __init__(
        self,
        pool: asyncpg.Pool,
        office: OfficeConfig,
        calendar: Callable[[], Awaitable[Calendar]],
        sop_version: Callable[[str, int], Awaitable[SopDefinition]],
        durations: Callable[[SopDefinition, Step], Duration | None],
    ) -> None:
        self._pool = pool
        self._office = office
        self._calendar = calendar
        self._sop_version = sop_version
        self._durations = durations

    async def create_tables(self) -> None:
        async with self._pool.acquire() as conn:
            await LEDGER.create(conn)
            await timers.create(conn)

    async def apply(self, envelope: Envelope) -> None:
        await self.apply_many([envelope])

    async def apply_many(self, envelopes: list[Envelope]) -> None:
        """Apply events in one transaction, skipping those already applied."""
        calendar = await self._calendar()
        contexts = [await self._context(e, calendar) for e in envelopes]
        async with self._pool.acquire() as conn, conn.transaction():
            outcomes = []
            for envelope, context in zip(envelopes, contexts, strict=True):
                fresh = await LEDGER.claim(conn, envelope.event_id)
                changes = plan(envelope, context) if fresh else []
                for change in changes:
                    await change.apply(conn)
                outcomes.append((envelope, fresh, changes))
        # Logged after the commit, so a line means the effect is durable.
        for envelope, fresh, changes in outcomes:
            log.info(
                "event_applied" if fresh else "event_already_applied",
                case_id=str(envelope.case_id),
                event_id=str(envelope.event_id),
                position=envelope.position,
                changes=[type(c).__name__ for c in changes],
            )

    async def _context(self, envelope: Envelope, calendar: Calendar) -> Context:
        sop = None
        if envelope.sop is not None:
            try:
                sop = await self._sop_version(envelope.sop.id, envelope.sop.version)
            except UnknownSop:
                log.warning(
                    "sop_unknown",
                    case_id=str(envelope.case_id),
                    event_id=str(envelope.event_id),
                    sop=envelope.sop.id,
                    version=envelope.sop.version,
                )
        return Context(self._office, calendar, sop, self._durations)
