"""The outbox relay's bookkeeping on the in-memory store and a scripted producer: what a refusal
and an outage in the middle of a batch do to the dead-letter topic and the checkpoint. The real
broker's refusals are in tests/test_relay_refusals.py."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError

from cases import InMemoryEventStore
from events import Topics
from services.relay.relay import OutboxRelay
from tests.support.factories import posted_complaint
from tests.support.waiting import eventually

TOPICS = Topics("relaytest")


@dataclass
class Checkpoint:
    saved: list[int] = field(default_factory=list)

    async def load(self) -> int:
        return self.saved[-1] if self.saved else 0

    async def save(self, position: int) -> None:
        self.saved.append(position)


@dataclass
class Broker:
    """What the producers sent, acknowledged; `answer(n)` scripts the n-th record's fate."""

    answer: Callable[[int], BaseException | None] = lambda _: None
    records: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    producers: int = 0
    sent: int = 0

    def producer(self) -> Producer:
        self.producers += 1
        return Producer(self)


@dataclass
class Producer:
    broker: Broker
    stopped: bool = False

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        self.stopped = True

    async def send(self, topic: str, value: bytes, key: bytes, headers: list) -> asyncio.Future:
        self.broker.sent += 1
        failure = self.broker.answer(self.broker.sent)
        done = asyncio.get_running_loop().create_future()
        if failure is None:
            self.broker.records.append((topic, json.loads(value)))
            done.set_result(None)
        else:
            done.set_exception(failure)
        return done

    async def send_and_wait(self, topic: str, value: bytes, key: bytes, headers: list) -> None:
        self.broker.records.append((topic, {**json.loads(value), "headers": dict(headers)}))


async def _stored(count: int) -> InMemoryEventStore:
    store = InMemoryEventStore()
    for n in range(count):
        fact = posted_complaint(f"ADU-2026-{n:06d}")
        await store.commit(store.opening(uuid.uuid4(), fact))
    return store


def _relay(store: InMemoryEventStore, checkpoint: Checkpoint, broker: Broker) -> OutboxRelay:
    return OutboxRelay(
        store, checkpoint, broker.producer, TOPICS, batch_size=10, retry_seconds=0, name="relay"
    )  # type: ignore[arg-type]


async def test_an_event_the_broker_refuses_is_dead_lettered_in_its_place_and_the_rest_published():
    store, checkpoint = await _stored(3), Checkpoint()
    broker = Broker(answer=lambda n: MessageSizeTooLargeError() if n == 2 else None)
    relay = _relay(store, checkpoint, broker)

    assert await relay.pass_once() == 3
    assert _positions(broker, TOPICS.cases("complaint")) == [1, 3]
    assert _positions(broker, TOPICS.dead_letter) == [2]
    pointer = next(r for topic, r in broker.records if topic == TOPICS.dead_letter)
    assert pointer["type"] == "ComplaintReceived"
    assert "payload" not in pointer and "Pengirim Surat" not in str(pointer)
    assert relay.position == 3 and checkpoint.saved == [3]
    await store.commit(store.opening(uuid.uuid4(), posted_complaint("ADU-2026-000099")))
    await relay.pass_once()
    assert broker.producers == 2  # a fresh producer after the refusal


async def test_an_outage_in_the_middle_of_a_batch_keeps_what_went_out_before_it():
    store, checkpoint = await _stored(3), Checkpoint()
    broker = Broker(answer=lambda n: KafkaConnectionError() if n == 2 else None)
    relay = _relay(store, checkpoint, broker)

    try:
        await relay.pass_once()
    except KafkaConnectionError:
        pass
    else:
        raise AssertionError("an outage was not reported")
    assert relay.position == 1 and checkpoint.saved == [1]

    await relay.stop()  # as `run` does, then again from the checkpoint
    await relay.pass_once()
    # At least once, never skipped: the third went out twice.
    assert _positions(broker, TOPICS.cases("complaint")) == [1, 3, 2, 3]
    assert relay.position == 3 and checkpoint.saved == [1, 3]


def _positions(broker: Broker, topic: str) -> list[int]:
    return [r["position"] for t, r in broker.records if t == topic]


async def test_a_backlog_longer_than_a_batch_goes_out_in_one_pass():
    store, checkpoint = await _stored(25), Checkpoint()
    broker = Broker()

    assert await _relay(store, checkpoint, broker).pass_once() == 25  # batches of 10, 10, 5
    assert _positions(broker, TOPICS.cases("complaint")) == list(range(1, 26))
    assert checkpoint.saved == [10, 20, 25]


async def test_an_append_notified_while_a_pass_publishes_goes_out_without_waiting_for_the_poll():
    store, checkpoint = await _stored(1), Checkpoint()
    wake = asyncio.Event()

    def answer(n: int) -> None:
        if n == 1:  # the first record is being sent: another request commits and notifies
            asyncio.get_running_loop().create_task(_append_and_notify(store, wake))
        return None

    broker = Broker(answer=answer)
    relay = _relay(store, checkpoint, broker)
    running = asyncio.create_task(relay.run(wake, poll_seconds=3600, gather_seconds=0.01))

    async def both_published() -> bool:
        return len(_positions(broker, TOPICS.cases("complaint"))) >= 2

    try:
        await eventually(both_published, timeout=10)  # the poll would come after an hour
    finally:
        running.cancel()
    assert _positions(broker, TOPICS.cases("complaint")) == [1, 2]


async def _append_and_notify(store: InMemoryEventStore, wake: asyncio.Event) -> None:
    await store.commit(store.opening(uuid.uuid4(), posted_complaint("ADU-2026-000777")))
    wake.set()  # what the store's NOTIFY does for the relay worker
