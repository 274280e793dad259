"""Whatever the broker takes, a consumer can dead-letter and move past: a message as large as a
Kafka record may be is dead-lettered without its value (the source names it), and the events
after it on its partition are applied."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from events import Topics
from tests.conftest import Alur, eventually
from tests.support.factories import posted_complaint, stored

# A sandbox of its own: other modules read the shared sandbox's dead-letter topic from the
# start, and would meet this one's dead letters there.
pytestmark = pytest.mark.sandbox("deadletterlimits")

# As large as a default producer sends (max_request_size 1 MiB, less the record's framing).
LARGEST = 1_048_576 - 512


@pytest.fixture
async def dead_letters(alur: Alur) -> AsyncIterator[AIOKafkaConsumer]:
    consumer = AIOKafkaConsumer(
        Topics(alur.namespace).dead_letter,
        bootstrap_servers=alur.kafka,
        group_id=f"{alur.namespace}.test-dlt-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        yield consumer
    finally:
        await consumer.stop()


async def test_a_message_as_large_as_kafka_takes_is_dead_lettered_and_the_partition_moves_on(
    alur: Alur, dead_letters: AIOKafkaConsumer
) -> None:
    after = stored(posted_complaint(f"ADU-1998-{uuid.uuid4().int % 10**6:06d}"), 10_000_101)
    producer = AIOKafkaProducer(bootstrap_servers=alur.kafka)
    await producer.start()
    try:
        topic = Topics(alur.namespace).cases("complaint")
        # Same key: the same partition, the huge one first.
        huge = await producer.send_and_wait(topic, b"x" * LARGEST, key=after.key)
        await producer.send_and_wait(topic, after.model_dump_json().encode(), key=after.key)
    finally:
        await producer.stop()
    source = f"{huge.topic}:{huge.partition}:{huge.offset}".encode()

    register = f"{alur.namespace}.projections".encode()
    async with asyncio.timeout(60):
        while True:
            record = await dead_letters.getone()
            headers = dict(record.headers)
            if headers["x-alur-source"] == source and headers["x-alur-consumer"] == register:
                break
    assert headers["x-alur-value-dropped"] == f"{LARGEST} bytes".encode()
    assert record.value == b""

    async def applied_after_it() -> bool:
        rows = await alur.sql("SELECT 1 FROM complaint_register WHERE case_id = $1", after.case_id)
        return bool(rows)

    await eventually(applied_after_it, timeout=60)
