"""The outbox relay loop: store → Kafka, in order, at least once, surviving Kafka outages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from cases import EventStore
from events import Envelope, Topics
from services.relay.checkpoint import RelayCheckpoint

log = structlog.get_logger(__name__)


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
    ) -> None:
        self._store = store
        self._checkpoint = checkpoint
        self._new_producer = new_producer
        self._producer: AIOKafkaProducer | None = None
        self._topics = topics
        self._batch_size = batch_size
        self._retry_seconds = retry_seconds
        self.position = 0

    async def start(self) -> None:
        self.position = await self._checkpoint.load()
        log.info("relay_resumed", position=self.position)

    async def pass_once(self) -> int:
        """Publish everything stored after the checkpoint; return how many were published."""
        published = 0
        while True:
            batch = await self._store.read_after(self.position, self._batch_size)
            if not batch:
                return published
            await self._publish(batch)
            self.position = batch[-1].position
            await self._checkpoint.save(self.position)
            published += len(batch)

    async def run(self, wake: asyncio.Event, poll_seconds: float) -> None:
        """Relay until cancelled; a Kafka outage pauses the relay, never loses an event."""
        while True:
            try:
                await self.pass_once()
            except (KafkaError, OSError) as error:
                # Unacknowledged sends are resent from the checkpoint by a fresh producer.
                log.warning("relay_kafka_unavailable", error=repr(error), position=self.position)
                await self.stop()
                await asyncio.sleep(self._retry_seconds)
                continue
            wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=poll_seconds)

    async def stop(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()

    async def _publish(self, batch: list[Envelope]) -> None:
        if self._producer is None:
            producer = self._new_producer()
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
        # Send the whole batch, then wait for every ack: the idempotent producer keeps
        # the order per partition, so a case's events arrive in the order they were stored.
        sent = [
            await self._producer.send(
                self._topics.cases(envelope.case_type),
                value=envelope.model_dump_json().encode(),
                key=envelope.key,
                headers=[("type", envelope.type.encode())],
            )
            for envelope in batch
        ]
        await asyncio.gather(*sent)
        for envelope in batch:
            log.info(
                "event_published",
                case_id=str(envelope.case_id),
                event_id=str(envelope.event_id),
                position=envelope.position,
            )
        log.debug("relay_batch_published", count=len(batch), position=batch[-1].position)
