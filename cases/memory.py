"""The event store in memory, for fast tests of the services: the same journal as on
PostgreSQL, over the library's plain-Python recorder, read through the same row codec.

`reachable = False` makes every call fail with `StoreUnavailable`, as an outage would.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, IntegrityError, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder

from cases.codec import StoredFact, StoredRecord, envelope_of_row, stored_fact
from cases.journal import CaseJournal, JournalStore
from cases.port import BATCH, InboundMessage, StoreUnavailable, TrackingRecord
from events import Envelope

T = TypeVar("T")


class _Recorder(POPOApplicationRecorder):
    """The library's in-memory recorder; a change's tracking record is kept with its events,
    under the same lock, or not at all."""

    def __init__(self) -> None:
        super().__init__()
        self.tracking: dict[str, TrackingRecord] = {}
        self.inbound: dict[tuple[str, str], InboundMessage] = {}

    def _assert_uniqueness(
        self,
        stored_events: Sequence[StoredEvent],
        *,
        tracking_records: Sequence[TrackingRecord] = (),
        inbound_messages: Sequence[InboundMessage] = (),
        **kwargs: Any,
    ) -> None:
        super()._assert_uniqueness(stored_events, **kwargs)
        taken = {r.case_id for r in self.tracking.values()}
        for record in tracking_records:
            if record.number in self.tracking or record.case_id in taken:
                raise IntegrityError(f"tracking number {record.number} is taken")
        keys = [(m.channel, m.key) for m in inbound_messages]
        if len(set(keys)) < len(keys) or any(key in self.inbound for key in keys):
            raise IntegrityError("an inbound message is stored already")

    def _update_table(
        self,
        stored_events: Sequence[StoredEvent],
        *,
        tracking_records: Sequence[TrackingRecord] = (),
        inbound_messages: Sequence[InboundMessage] = (),
        **kwargs: Any,
    ) -> Sequence[int] | None:
        positions = super()._update_table(stored_events, **kwargs)
        self.tracking.update((r.number, r) for r in tracking_records)
        self.inbound.update(((m.channel, m.key), m) for m in inbound_messages)
        return positions


class _Journal(CaseJournal):
    def __init__(self) -> None:
        self.wakes: list[asyncio.Event] = []
        super().__init__(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})

    def construct_recorder(self) -> ApplicationRecorder:
        return _Recorder()

    def _notify(self, recordings: Any) -> None:
        for wake in self.wakes:
            wake.set()


class InMemoryEventStore(JournalStore):
    """The event-store port (cases/port.py) in memory."""

    def __init__(self) -> None:
        journal = _Journal()
        super().__init__(journal)
        self._wakes = journal.wakes
        self._recorder: _Recorder = journal.recorder  # type: ignore[assignment]
        self._series: dict[tuple[str, int], int] = {}
        self.reachable = True

    async def _call(self, call: Callable[..., T], *args: Any) -> T:
        self._check()
        return call(*args)

    async def read_after(self, position: int, limit: int) -> list[Envelope]:
        return [envelope_of_row(*r) for r in self._rows(position, limit)]

    async def last_position(self) -> int:
        self._check()
        return self._recorder.max_notification_id() or 0

    async def batches(
        self, after: int = 0, upto: int | None = None, size: int = BATCH
    ) -> AsyncIterator[list[Envelope]]:
        while rows := self._rows(after, size, upto):
            yield [envelope_of_row(*r) for r in rows]
            after = rows[-1][0]

    async def history(self, case_id: UUID) -> list[StoredFact]:
        return [
            stored_fact(position, version, state)
            for position, originator, version, state in self._rows(0, sys.maxsize)
            if originator == case_id
        ]

    async def records(self, *, snapshot: str | None = None) -> AsyncIterator[StoredRecord]:
        self._check()
        for n in self._recorder.select_notifications(1, sys.maxsize):
            yield StoredRecord(n.id, n.originator_id, n.originator_version, n.topic, n.state)  # type: ignore[arg-type]

    async def tracking(self, number: str) -> TrackingRecord | None:
        self._check()
        return self._recorder.tracking.get(number)

    async def inbound(self, channel: str, key: str) -> InboundMessage | None:
        self._check()
        return self._recorder.inbound.get((channel, key))

    async def inbound_of(self, case_id: UUID, channel: str) -> list[InboundMessage]:
        self._check()
        stored = self._recorder.inbound.values()
        return [m for m in stored if m.case_id == case_id and m.channel == channel]

    async def inbound_on(self, channel: str) -> list[InboundMessage]:
        self._check()
        return [m for m in self._recorder.inbound.values() if m.channel == channel]

    async def next_tracking_value(self, prefix: str, year: int) -> int:
        self._check()
        value = self._series.get((prefix, year), 0) + 1
        self._series[prefix, year] = value
        return value

    async def wake_on_append(self, wake: asyncio.Event) -> None:
        self._check()
        self._wakes.append(wake)

    async def close(self) -> None:
        self._journal.close()

    def _check(self) -> None:
        if not self.reachable:
            raise StoreUnavailable("the in-memory event store is unreachable (a test's outage)")

    def _rows(
        self, after: int, limit: int, upto: int | None = None
    ) -> list[tuple[int, UUID, int, bytes]]:
        self._check()
        notifications = self._recorder.select_notifications(
            after, limit, stop=upto, inclusive_of_start=False
        )
        return [(n.id, n.originator_id, n.originator_version, n.state) for n in notifications]  # type: ignore[misc]
