"""The event-store port: the one way the rest of Alur stores and reads the cases' events.

Two adapters implement it: `PostgresEventStore` (cases/postgres.py, the `eventsourcing` library
on PostgreSQL) and `InMemoryEventStore` (cases/memory.py, for fast tests). Nothing outside them
names the library's tables or reads its rows; a stored row becomes an `Envelope`, a
`StoredFact` or a `StoredRecord` in one place, cases/codec.py.

Every method may raise `StoreUnavailable` when the store cannot be reached: a `ConnectionError`,
so a consumer's delivery policy treats it as an outage (wait, redeliver), not a bad message.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol
from uuid import UUID

from cases.case import Case
from cases.codec import StoredFact, StoredRecord
from events import Envelope, Fact

# Stored events read per batch when replaying the whole history.
BATCH = 20_000


class CaseConflict(Exception):
    """Someone else recorded an event on the case first (optimistic concurrency)."""


class CaseNotFound(LookupError):
    pass


class EventTooLarge(ValueError):
    """An event whose stored form is larger than the writer accepts (every stored event must fit
    in one Kafka message, or the relay could not publish it)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"an event of {size} bytes is larger than {limit} bytes")
        self.size = size
        self.limit = limit


class StoreUnavailable(ConnectionError):
    """The event store cannot be reached (PostgreSQL down, restarting, or the store closed)."""


class TrackingRecord(NamedTuple):
    """A case's public tracking number and the keyed hash of its reporter's PIN."""

    number: str
    case_id: UUID
    pin_hash: bytes


class InboundMessage(NamedTuple):
    """A message that reached the office through a channel, by its identity there: a mail's
    `uid:UIDVALIDITY:UID` or `message-id:<...>`, a gateway's message id, a LAPOR! report's
    tracking id. Stored with the events it became, in their transaction, once per
    (channel, key): a second delivery of the same message is refused as a `CaseConflict`, and
    `EventStore.inbound` then names the case it went to."""

    channel: str
    key: str
    case_id: UUID


@dataclass(frozen=True)
class Change:
    """One case's new events, decided but not yet stored, and what is stored in the same
    transaction: the tracking record (a complaint's first event), and the inbound messages the
    events record."""

    events: Sequence[Case.Opened | Case.Recorded]
    tracking: TrackingRecord | None = None
    inbound: Sequence[InboundMessage] = ()


def opening(case_id: UUID, fact: Fact, tracking: TrackingRecord | None = None) -> Change:
    """The change that opens a new case (nothing is stored yet)."""
    return Change(Case.open(case_id, fact).collect_events(), tracking)


class EventStore(Protocol):
    """Cases' events: appended atomically per case, read back per case and in global order."""

    def opening(self, case_id: UUID, fact: Fact, tracking: TrackingRecord | None = None) -> Change:
        """The change that opens a new case (pure: nothing is stored yet)."""
        ...

    async def commit(self, *changes: Change) -> list[list[Envelope]]:
        """Store the changes of several cases in one transaction, all or none; each change's
        envelopes. `CaseConflict` if one of the cases changed since it was read."""
        ...

    async def load(self, case_id: UUID) -> Case:
        """The case as stored now; `CaseNotFound` if it has no event."""
        ...

    async def record_once(self, case_id: UUID, fact: Fact) -> Envelope | None:
        """Append a worker's fact to a case, unless its causation id is already there (None).

        `CaseConflict` if the case changed between reading and appending: read and try again.
        """
        ...

    async def read_after(self, position: int, limit: int) -> list[Envelope]:
        """Up to `limit` stored events after `position`, in position order (with gaps)."""
        ...

    async def last_position(self) -> int:
        """The position of the last stored event; 0 when nothing is stored."""
        ...

    def batches(
        self, after: int = 0, upto: int | None = None, size: int = BATCH
    ) -> AsyncIterator[list[Envelope]]:
        """Every stored event with after < position (<= upto), in position order, in batches."""
        ...

    async def history(self, case_id: UUID) -> list[StoredFact]:
        """Every event of the case in its order (empty for an unknown case)."""
        ...

    def records(self, *, snapshot: str | None = None) -> AsyncIterator[StoredRecord]:
        """Every stored event as stored (topic and state bytes), in position order.

        `snapshot`: a PostgreSQL snapshot id (`pg_export_snapshot()`) to read in, so the records
        agree with tables read in that same snapshot; the in-memory store ignores it.
        """
        ...

    async def tracking(self, number: str) -> TrackingRecord | None:
        """The tracking record stored with a case's first event."""
        ...

    async def inbound(self, channel: str, key: str) -> InboundMessage | None:
        """The inbound message stored under that identity, with the case it went to."""
        ...

    async def inbound_of(self, case_id: UUID, channel: str) -> list[InboundMessage]:
        """The case's inbound messages of one channel, in the order they were stored."""
        ...

    async def inbound_on(self, channel: str) -> list[InboundMessage]:
        """Every inbound message of a channel, in the order they were stored."""
        ...

    async def next_tracking_value(self, prefix: str, year: int) -> int:
        """The next number of the prefix's series for the year (gaps allowed, never twice)."""
        ...

    async def wake_on_append(self, wake: asyncio.Event) -> None:
        """Set `wake` whenever events are appended, by this process or another, until closed."""
        ...

    async def close(self) -> None: ...
