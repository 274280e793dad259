"""The one consumer framework: how routing, SLA timers, the notifier and every projection take
case events from Kafka.

A consumer only says what fresh events do, on one PostgreSQL connection (`Consumer`):

    class Router:
        watermarks = CONSUMERS.of("routing")            # where it marks what it applied
        async def create(self, conn) -> None: ...       # its tables
        async def apply(self, conn, envelopes) -> Sequence[AfterCommit]: ...

`apply` gets the events of a batch it has not applied yet, in order, inside the batch's
transaction; it returns what must happen only once that transaction committed (a log line
that says the effect is durable, waking the notifier's dispatcher). Everything else is the
framework's, the same for every consumer:

1. parse: each message into its envelope and typed payload, once (runtime/delivery.py);
2. claim: one transaction per batch takes the consumer's lock shared and its watermarks
   (runtime/watermarks.py: one row per case, the deduplication scheme and why) and keeps
   the events above them;
3. apply: `consumer.apply(conn, fresh)` in the same transaction, so the effect and its
   watermark commit together, or neither does;
4. after commit: one `events_applied` line per batch (the consumer, the case ids, the ids of
   the events applied and of those it had applied before), then the consumer's hooks;
5. failures: the delivery policy (a failed batch is retried one message at a time, poison is
   dead-lettered at once, an outage waits and the batch is delivered again, anything else is
   retried a bounded number of times, then dead-lettered).

A worker wires a consumer to a consumer group with `subscribe` (runtime/worker.py does it for
each `Feed` of a worker process).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import asyncpg
import structlog
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.message import StreamMessage

from events import Envelope, Topics
from events.topics import CASE_TYPES
from runtime.delivery import DeliveryPolicy
from runtime.kafka import GROUP_TIMEOUTS_MS, dead_letters_through
from runtime.watermarks import Watermarks

log = structlog.get_logger(__name__)

# Runs once the batch's transaction committed: its effect is durable.
AfterCommit = Callable[[], None]


def event_ids(envelope: Envelope) -> dict[str, str]:
    """What every log line about an event carries: its case id and its own id."""
    return {"case_id": str(envelope.case_id), "event_id": str(envelope.event_id)}


class Consumer(Protocol):
    """What a consumer of case events supplies; `Applier` does the rest."""

    @property
    def watermarks(self) -> Watermarks: ...

    async def create(self, conn: asyncpg.Connection) -> None:
        """Create the consumer's tables (if missing)."""

    async def apply(
        self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]
    ) -> Sequence[AfterCommit]:
        """Apply events not applied before, in order, inside the caller's transaction."""
        ...


class Applier:
    """Applies a consumer's batches once each: claim, apply, commit, then the after-commit
    hooks. The delivery policy calls `apply_many` (a batch) and `apply` (one message)."""

    def __init__(self, pool: asyncpg.Pool, consumer: Consumer) -> None:
        self._pool = pool
        self._consumer = consumer
        self._marks = consumer.watermarks
        self._old_ledger: str | None = None  # see Watermarks.replaces

    @property
    def name(self) -> str:
        return self._marks.consumer

    async def create_tables(self) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"alur.{self.name}")
            await self._marks.table.create(conn)
            await self._consumer.create(conn)
            self._old_ledger = await self._marks.replaced_ledger(conn)

    async def apply(self, envelope: Envelope) -> None:
        await self.apply_many([envelope])

    async def apply_many(self, envelopes: Sequence[Envelope]) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            if self._marks.table.swapped:
                await self._marks.lock_shared(conn)
            fresh = await self._marks.claim(conn, envelopes)
            if self._old_ledger is not None:
                before = await self._marks.applied_before(conn, self._old_ledger, fresh)
                fresh = [e for e in fresh if e.event_id not in before]
            hooks = await self._consumer.apply(conn, fresh) if fresh else ()
        # After the commit: the line means the effects are durable. One line per batch (a line
        # per event and consumer cost more CPU than applying most events).
        applied = {id(e) for e in fresh}
        log.info(
            "events_applied",
            consumer=self.name,
            case_ids=sorted({str(e.case_id) for e in envelopes}),
            applied=[str(e.event_id) for e in fresh],
            already_applied=[str(e.event_id) for e in envelopes if id(e) not in applied],
            positions=[envelopes[0].position, envelopes[-1].position],
        )
        for hook in hooks:
            hook()


def subscribe(
    broker: KafkaBroker,
    topics: Topics,
    group: str,
    applier: Applier,
    *,
    batch_size: int,
    attempts: int,
    case_types: Sequence[str] = CASE_TYPES,
) -> None:
    """Feed the case topics to `applier` in consumer group `group`, from the earliest offset.

    Batches go through the delivery policy (retries, dead letters); a batch that meets an
    outage is nacked and comes again.
    """
    policy = DeliveryPolicy(
        consumer=group,
        dead_letter_topic=topics.dead_letter,
        publish=dead_letters_through(broker),
        attempts=attempts,
    )

    @broker.subscriber(
        *(topics.cases(t) for t in case_types),
        group_id=group,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,
        max_records=batch_size,
        batch_timeout_ms=50,
        decoder=_polled_records,
        **GROUP_TIMEOUTS_MS,
    )
    async def on_case_events(records: Any) -> None:
        await policy.deliver(records, applier.apply_many, applier.apply)


async def _polled_records(message: StreamMessage[Any]) -> Any:
    """A polled batch's body: its records as they came. The delivery policy parses each one
    once; FastStream's own decoder would JSON-decode every body first, and a `KafkaMessage`
    parameter is resolved in a worker thread for every batch."""
    return message.raw_message
