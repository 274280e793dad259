"""The outbox relay loop: store → Kafka, in order, at least once, surviving Kafka outages.

Two kinds of failure, told apart by what they say about the next try:
- an outage (the broker away, a timeout, a leader moving) will pass: the relay stops its
  producer, waits and sends again from its checkpoint, never skipping an event;
- a refusal of one record (it is larger than the broker takes, or the broker cannot read it)
  will be answered the same way for ever: the relay publishes a small pointer to the stored
  event on the dead-letter topic and moves on, so one event cannot stop every case.

The checkpoint only moves over a contiguous run of events that were acknowledged or
dead-lettered: a batch cut short by an outage keeps what went out before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Protocol

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    CorruptRecordException,
    KafkaError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
    UnsupportedForMessageFormatError,
)

from cases import EventStore
from events import Envelope, Topics
from runtime.outages import POSTGRES_AWAY
from services.relay.checkpoint import RelayCheckpoint

log = structlog.get_logger(__name__)


# What the broker (or the producer's own size check) answers for one record, every time it is
# sent: retrying cannot help.
REFUSED_RECORD = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    RecordListTooLargeError,
    CorruptRecordException,
    UnsupportedForMessageFormatError,
)


# What pauses the relay until it passes: Kafka or PostgreSQL away.
OUTAGES = (KafkaError, OSError, *POSTGRES_AWAY)


def dead_letter_pointer(envelope: Envelope, reason: str) -> bytes:
    """Where to find the refused event in the store, and why it is not on its topic: no
    payload, no personal data."""
    return json.dumps(
        {
            "case_id": str(envelope.case_id),
            "event_id": str(envelope.event_id),
            "position": envelope.position,
            "type": envelope.type,
            "case_type": envelope.case_type,
            "reason": reason,
        }
    ).encode()


class Lease(Protocol):
    async def held(self) -> bool: ...


class Always:
    """The lease of a relay that runs alone."""

    async def held(self) -> bool:
        return True


class OutboxRelay:
    def __init__(
        self,
        store: EventStore,
        checkpoint: RelayCheckpoint,
        new_producer: Callable[[], AIOKafkaProducer],
        topics: Topics,
        *,
        batch_size: int,
        retry_seconds: float,
        name: str = "relay",
        lease: Lease | None = None,
    ) -> None:
        self._store = store
        self._checkpoint = checkpoint
        self._new_producer = new_producer
        self._producer: AIOKafkaProducer | None = None
        self._topics = topics
        self._batch_size = batch_size
        self._retry_seconds = retry_seconds
        self._name = name  # named in each dead letter's `x-alur-consumer`
        self._lease = lease or Always()
        self.position = 0

    async def start(self) -> None:
        self.position = await self._checkpoint.load()
        log.info("relay_resumed", position=self.position)

    async def pass_once(self) -> int:
        """Publish everything stored after the checkpoint; return how many were handled
        (published, or dead-lettered as refused)."""
        handled = 0
        while True:
            batch = await self._store.read_after(self.position, self._batch_size)
            if not batch:
                return handled
            before = self.position
            try:
                await self._publish(batch)
            finally:
                # Also after an outage cut the batch short: what went out stays out.
                if self.position > before:
                    await self._checkpoint.save(self.position)
            handled += len(batch)
            if len(batch) < self._batch_size:  # the rest: none, as of this read
                return handled

    async def run(
        self, wake: asyncio.Event, poll_seconds: float, gather_seconds: float = 0.0
    ) -> None:
        """Relay until cancelled, while this relay holds the lease; an outage of Kafka or
        PostgreSQL pauses the relay, never loses an event."""
        active = False
        while True:
            try:
                if not await self._lease.held():
                    if active:
                        log.info("relay_standing_by", position=self.position)
                        active = False
                        await self.stop()
                    await asyncio.sleep(poll_seconds)
                    continue
                if not active:  # another relay may have published since: from its checkpoint
                    await self.start()
                    active = True
                # Cleared before the pass: an append notified during it wakes the next one.
                wake.clear()
                await self.pass_once()
            except OUTAGES as error:
                # Unacknowledged sends are resent from the checkpoint by a fresh producer.
                kind = "kafka" if isinstance(error, KafkaError) else "store"
                log.warning(f"relay_{kind}_unavailable", error=repr(error), position=self.position)
                await self.stop()
                await asyncio.sleep(self._retry_seconds)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=poll_seconds)
                # Commits come in bursts: what the next ones store joins this pass.
                await asyncio.sleep(gather_seconds)

    async def stop(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()

    async def _started_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = self._new_producer()
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def _publish(self, batch: list[Envelope]) -> None:
        """Send the batch, then settle each event in order: acknowledged, or refused and
        dead-lettered; `position` follows. An outage raises at the first event it hit."""
        producer = await self._started_producer()
        # Send the whole batch, then wait for every ack: the idempotent producer keeps
        # the order per partition, so a case's events arrive in the order they were stored.
        sent: list[asyncio.Future | BaseException] = []
        for envelope in batch:
            try:
                sent.append(
                    await producer.send(
                        self._topics.cases(envelope.case_type),
                        value=envelope.model_dump_json().encode(),
                        key=envelope.key,
                        headers=[("type", envelope.type.encode())],
                    )
                )
            except REFUSED_RECORD as refused:  # the producer's own size check
                sent.append(refused)
        acks = await asyncio.gather(*(_settled(s) for s in sent), return_exceptions=True)
        refused = False
        for envelope, ack in zip(batch, acks, strict=True):
            if isinstance(ack, REFUSED_RECORD):
                await self._dead_letter(producer, envelope, ack)
                refused = True
            elif isinstance(ack, BaseException):
                raise ack
            else:
                log.debug(  # per event: debug; the batch's line below is at info
                    "event_published",
                    case_id=str(envelope.case_id),
                    event_id=str(envelope.event_id),
                    position=envelope.position,
                )
            self.position = envelope.position
        if refused:
            # The idempotent producer may have numbered a batch the broker refused; a fresh
            # producer (a new producer id) starts its sequences clean.
            await self.stop()
        log.info(
            "relay_batch_published",
            count=len(batch),
            positions=[batch[0].position, batch[-1].position],
        )

    async def _dead_letter(
        self, producer: AIOKafkaProducer, envelope: Envelope, error: BaseException
    ) -> None:
        reason = f"{type(error).__name__}: not published; the event stays in the store"
        await producer.send_and_wait(
            self._topics.dead_letter,
            value=dead_letter_pointer(envelope, reason),
            key=envelope.key,
            headers=[
                ("x-alur-reason", reason.encode()),
                ("x-alur-consumer", self._name.encode()),
                ("x-alur-source", f"store:{envelope.position}".encode()),
                ("type", envelope.type.encode()),
            ],
        )
        log.error(
            "event_dead_lettered",
            case_id=str(envelope.case_id),
            event_id=str(envelope.event_id),
            position=envelope.position,
            type=envelope.type,
            reason=reason,
        )


async def _settled(sent: asyncio.Future | BaseException) -> object:
    if isinstance(sent, BaseException):
        raise sent
    return await sent
