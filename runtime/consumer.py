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
from runtime.offsets import OffsetCommits
from runtime.watermarks import Watermarks, claim_together, lock_shared_together

log = structlog.get_logger(__name__)

# How long a consumer group's fetch may wait for a batch to fill (`subscribe`): a batch sooner
# than that when this many bytes are waiting (a backlog), else what arrived within the wait.
GATHER_MS = 100
GATHER_BYTES = 1024 * 1024

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
    """Applies each batch once to its consumers, all in one transaction: claim, apply,
    commit, then the after-commit hooks. The delivery policy calls `apply_many` (a batch)
    and `apply` (one message).

    Several consumers fed by one consumer group (the projections) share the batch's fetch,
    decoding and transaction; each keeps its own watermarks, claimed together
    (runtime/watermarks.py), so each still applies every event exactly once."""

    def __init__(self, pool: asyncpg.Pool, *consumers: Consumer, name: str | None = None) -> None:
        assert consumers, "an applier needs a consumer"
        self._pool = pool
        self._consumers = consumers
        self._marks = [c.watermarks for c in consumers]
        self._swapped = [m for m in self._marks if m.table.swapped]
        self._name = name or self._marks[0].consumer
        self._old_ledgers: list[str | None] = [None] * len(consumers)  # Watermarks.replaces

    @property
    def name(self) -> str:
        return self._name

    async def create_tables(self) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"alur.{self.name}")
            for index, (consumer, marks) in enumerate(
                zip(self._consumers, self._marks, strict=True)
            ):
                await marks.table.create(conn)
                await consumer.create(conn)
                self._old_ledgers[index] = await marks.replaced_ledger(conn)

    async def apply(self, envelope: Envelope) -> None:
        await self.apply_many([envelope])

    async def apply_many(self, envelopes: Sequence[Envelope]) -> None:
        hooks: list[AfterCommit] = []
        applied: set[int] = set()
        async with self._pool.acquire() as conn, conn.transaction():
            if self._swapped:
                await lock_shared_together(conn, self._swapped)
            claimed = await claim_together(conn, self._marks, envelopes)
            for consumer, marks, old, fresh in zip(
                self._consumers, self._marks, self._old_ledgers, claimed, strict=True
            ):
                if old is not None:
                    before = await marks.applied_before(conn, old, fresh)
                    fresh = [e for e in fresh if e.event_id not in before]
                if fresh:
                    hooks += await consumer.apply(conn, fresh)
                    applied.update(id(e) for e in fresh)
        # After the commit: the line means the effects are durable. One line per batch (a line
        # per event and consumer cost more CPU than applying most events).
        log.info(
            "events_applied",
            consumer=self.name,
            case_ids=sorted({str(e.case_id) for e in envelopes}),
            applied=[str(e.event_id) for e in envelopes if id(e) in applied],
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
    gather_ms: int = GATHER_MS,
) -> None:
    """Feed the case topics to `applier` in consumer group `group`, from the earliest offset.

    The broker holds each fetch up to `gather_ms` unless a full fetch is waiting
    (`fetch_min_bytes`), so a batch carries what arrived meanwhile: every batch costs a
    transaction, a watermark claim and an offset commit whatever its size, and a consumer
    answering each relayed record alone spent most of its CPU on that.

    Batches go through the delivery policy (retries, dead letters); a batch that meets an
    outage is nacked and comes again.
    """
    policy = DeliveryPolicy(
        consumer=group,
        dead_letter_topic=topics.dead_letter,
        publish=dead_letters_through(broker),
        attempts=attempts,
    )

    commits = OffsetCommits(group)

    @broker.subscriber(
        *(topics.cases(t) for t in case_types),
        group_id=group,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,  # offsets: runtime/offsets.py
        batch=True,
        max_records=batch_size,
        batch_timeout_ms=50,
        decoder=_polled_batch,
        **GROUP_TIMEOUTS_MS,
        fetch_min_bytes=GATHER_BYTES,
        fetch_max_wait_ms=gather_ms,
    )
    async def on_case_events(batch: Any) -> None:
        try:
            await policy.deliver(batch.raw_message, applier.apply_many, applier.apply)
        except BaseException:
            await batch.nack()  # back to the batch's first records: it comes again
            raise
        commits.applied(batch.consumer, batch.raw_message)


async def _polled_batch(message: StreamMessage[Any]) -> Any:
    """A polled batch as the handler's body: the message itself, whose `raw_message` holds the
    records as they came (the delivery policy parses each one once) and which can be sent back
    (`nack`). FastStream's own decoder would JSON-decode every body first, and a `KafkaMessage`
    parameter is resolved in a worker thread for every batch."""
    return message
