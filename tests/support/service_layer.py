"""The fast service-layer tier (tests/service/): the real consumers driven through the real
consumer framework, without Kafka, worker processes or a fresh database.

- `Line`: FastStream's in-memory Kafka broker (`TestKafkaBroker`) around a `KafkaBroker` on
  which `runtime.consumer.subscribe` registered each consumer, exactly as a worker does; it is
  fed from the event store as the outbox relay feeds Kafka. Parsing, claiming, applying and
  dead-lettering are the production code.
- `private_schema`: the consumers' own tables in PostgreSQL, in a schema of their own.
- `FakeClock`: a simulated time the test moves by hand (`runtime.clock.Clock`).

Cases are opened and worked on the in-memory event store with the SOP engine
(tests/support/desk.py).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from aiokafka import ConsumerRecord
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from cases import EventStore
from events import Envelope, Topics
from runtime.consumer import AfterCommit, Applier, Consumer, subscribe
from runtime.kafka import consumer_broker
from runtime.settings import AlurSettings
from runtime.watermarks import Watermarks


@asynccontextmanager
async def private_schema(prefix: str, max_size: int = 3) -> AsyncIterator[asyncpg.Pool]:
    """A pool on the test database whose tables go to a schema of their own (the only one on
    its search path), dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    url = AlurSettings().database_url
    settings = {"search_path": schema}
    async with asyncpg.create_pool(
        url, min_size=1, max_size=max_size, server_settings=settings
    ) as pool:
        await pool.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield pool
        finally:
            await pool.execute(f'DROP SCHEMA "{schema}" CASCADE')


@dataclass
class FakeClock:
    """The time every service of a test reads; it moves only when the test moves it."""

    moment: datetime
    simulated: bool = True

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        """Move on by a `timedelta(**delta)`; returns the new time."""
        self.moment += timedelta(**delta)
        return self.moment

    def to(self, moment: datetime) -> None:
        """Move to `moment` (never backwards)."""
        assert moment >= self.moment, f"time runs forward: {moment} < {self.moment}"
        self.moment = moment

    async def refresh(self) -> None:
        return None

    async def close(self) -> None:
        return None


@dataclass
class Observed:
    """A consumer as the framework drives it, noting the events it is given to apply."""

    consumer: Consumer
    given: list[Envelope] = field(default_factory=list)

    @property
    def watermarks(self) -> Watermarks:
        return self.consumer.watermarks

    async def create(self, conn: asyncpg.Connection) -> None:
        await self.consumer.create(conn)

    async def apply(
        self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]
    ) -> Sequence[AfterCommit]:
        self.given += envelopes
        return await self.consumer.apply(conn, envelopes)


class Line:
    """Case events on the in-memory broker, to consumers each in its own consumer group."""

    BATCH = 500  # at most this many events per polled batch (a worker's ALUR_*_BATCH_SIZE)

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.topics = Topics("service")
        self.broker = consumer_broker("in-memory:9092")  # never connected: TestKafkaBroker
        self.dead_letters: list[ConsumerRecord] = []
        self.consumers: dict[str, Observed] = {}
        self._relayed = 0  # the position of the last event relayed

        @self.broker.subscriber(self.topics.dead_letter)
        async def dead_lettered(message: KafkaMessage) -> None:
            self.dead_letters.append(message.raw_message)  # type: ignore[arg-type]

    @classmethod
    @asynccontextmanager
    async def running(
        cls, store: EventStore, pool: asyncpg.Pool, **consumers: Consumer
    ) -> AsyncIterator[Line]:
        """The line with `consumers` subscribed (keyword: the consumer group), their tables
        created, the broker started in memory."""
        line = cls(store)
        for group, consumer in consumers.items():
            observed = line.consumers[group] = Observed(consumer)
            applier = Applier(pool, observed)
            await applier.create_tables()
            subscribe(line.broker, line.topics, group, applier, batch_size=cls.BATCH, attempts=2)
        async with TestKafkaBroker(line.broker):
            yield line
        unexpected = line.take_dead_letters()
        assert not unexpected, f"dead letters no test took: {unexpected}"

    def given(self, group: str) -> list[uuid.UUID]:
        """The ids of the events the group's consumer was given to apply, in order."""
        return [e.event_id for e in self.consumers[group].given]

    async def relay(self) -> list[Envelope]:
        """Publish every event stored since the last relay, as the outbox relay does; returns
        them."""
        fresh = await self.store.read_after(self._relayed, self.BATCH)
        if fresh:
            self._relayed = fresh[-1].position
            await self.deliver(*fresh)
        return fresh

    async def settle(self) -> list[Envelope]:
        """Relay until the consumers append nothing more (a router's CaseRouted is relayed
        too); everything relayed."""
        relayed: list[Envelope] = []
        while fresh := await self.relay():
            relayed += fresh
        return relayed

    async def deliver(self, *envelopes: Envelope) -> None:
        """Publish the envelopes (again: a redelivery), each case type's as one polled batch."""
        await self.publish(*((e.case_type, e.model_dump_json().encode()) for e in envelopes))

    async def publish(self, *messages: tuple[str, bytes]) -> None:
        """Publish raw message bodies, each (case type, body), a case type's as one batch."""
        by_topic: dict[str, list[bytes]] = defaultdict(list)
        for case_type, body in messages:
            by_topic[self.topics.cases(case_type)].append(body)
        for topic, bodies in by_topic.items():
            await self.broker.publish_batch(*bodies, topic=topic)

    def take_dead_letters(self) -> list[tuple[str, str]]:
        """(consumer group, reason) of every dead letter so far, in order. A dead letter no
        test takes fails the test when the line stops."""
        found = []
        for record in self.dead_letters:
            headers: dict[str, Any] = {k: v.decode() for k, v in record.headers}
            found.append((headers["x-alur-consumer"], headers["x-alur-reason"]))
        self.dead_letters.clear()
        return found
