"""What both event-store adapters do the same way: load cases with `eventsourcing`, and append
a worker's fact once (`record_once`: load, check, `commit`).

`CaseJournal` is the library's application (synchronous: the PostgreSQL adapter runs it in a
thread); `JournalStore` gives the port's appending and loading methods on top of it, each
adapter saying how a call runs (`_call`) and reading the history its own way. The PostgreSQL
adapter appends on asyncpg instead of `CaseJournal.commit` (cases/appends.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from cases.case import Case
from cases.codec import envelope_of_event
from cases.port import CaseConflict, CaseNotFound, Change, TrackingRecord, opening
from events import Envelope, Fact

T = TypeVar("T")


class CaseJournal(Application):
    """Appends case events atomically per case, with optimistic concurrency."""

    name = "CaseStore"  # the library names the events table (casestore_events) after it

    def commit(self, *changes: Change) -> list[list[Envelope]]:
        """Store the changes in one transaction, with their tracking records and inbound
        messages: all, or none (the in-memory recorder keeps them with the events)."""
        tracking = [change.tracking for change in changes if change.tracking is not None]
        try:
            recordings = self.save(
                *(event for change in changes for event in change.events),
                tracking_records=tracking,
                inbound_messages=[message for change in changes for message in change.inbound],
            )
        except IntegrityError as error:
            raise CaseConflict(str(error)) from error
        envelopes = iter(envelope_of_event(r.domain_event, r.notification.id) for r in recordings)
        return [[next(envelopes) for _ in change.events] for change in changes]

    def load(self, case_id: UUID) -> Case:
        try:
            return self.repository.get(case_id)
        except AggregateNotFoundError:
            raise CaseNotFound(str(case_id)) from None


class JournalStore:
    """The port's appending and loading methods over a `CaseJournal`."""

    def __init__(self, journal: CaseJournal) -> None:
        self._journal = journal

    async def _call(self, call: Callable[..., T], *args: Any) -> T:
        """Run a journal call (the PostgreSQL adapter: in a thread, outages mapped)."""
        raise NotImplementedError

    def opening(self, case_id: UUID, fact: Fact, tracking: TrackingRecord | None = None) -> Change:
        return opening(case_id, fact, tracking)

    async def commit(self, *changes: Change) -> list[list[Envelope]]:
        return await self._call(self._journal.commit, *changes)

    async def load(self, case_id: UUID) -> Case:
        return await self._call(self._journal.load, case_id)

    async def record_once(self, case_id: UUID, fact: Fact) -> Envelope | None:
        case = await self.load(case_id)
        if fact.causation_id is not None and any(
            earlier.causation_id == fact.causation_id for earlier in case.history
        ):
            return None
        case.record(fact)
        return (await self.commit(Change(case.collect_events())))[0][0]
