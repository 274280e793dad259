"""Kafka delivery: redelivered messages change nothing, poison goes to the dead-letter topic."""

from __future__ import annotations

import asyncio
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from events import Envelope, Topics
from tests.conftest import Alur, eventually
from tests.support.factories import posted_complaint, stored


def _envelope(position: int) -> Envelope:
    return stored(posted_complaint(f"ADU-1999-{position:06d}"), position)


async def _send(alur: Alur, *messages: tuple[bytes, bytes]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=alur.kafka)
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(Topics(alur.namespace).cases("complaint"), value, key=key)
    finally:
        await producer.stop()


async def test_the_same_kafka_message_delivered_twice_changes_the_register_once(alur: Alur) -> None:
    envelope = _envelope(position=10_000_001)
    message = (envelope.key, envelope.model_dump_json().encode())
    await _send(alur, message, message)

    async def applied() -> bool:
        rows = await alur.sql(
            "SELECT count(*) AS n FROM projection_watermarks"
            " WHERE projection = 'complaint_register' AND position = $1",
            envelope.position,
        )
        return rows[0]["n"] == 1

    await eventually(applied)
    await asyncio.sleep(1.0)  # give the second copy every chance to be applied too
    rows = await alur.sql(
        "SELECT tracking_number FROM complaint_register WHERE case_id = $1", envelope.case_id
    )
    assert [r["tracking_number"] for r in rows] == ["ADU-1999-10000001"]
    ledger = await alur.sql(
        "SELECT count(*) AS n FROM projection_watermarks"
        " WHERE projection = 'complaint_register' AND position = $1",
        envelope.position,
    )
    assert ledger[0]["n"] == 1


async def test_a_poison_message_goes_to_the_dead_letter_topic_and_the_stream_moves_on(
    alur: Alur,
) -> None:
    topics = Topics(alur.namespace)
    consumer = AIOKafkaConsumer(
        topics.dead_letter,
        bootstrap_servers=alur.kafka,
        group_id=f"{alur.namespace}.test-dlt-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        unreadable = _envelope(position=10_000_003).model_copy(update={"payload": {"x": 1}})
        after = _envelope(position=10_000_002)
        await _send(
            alur,
            (b"poison", b"this is not an event envelope"),
            (unreadable.key, unreadable.model_dump_json().encode()),
            (after.key, after.model_dump_json().encode()),
        )
        # Every consumer group dead-letters what it cannot read; follow the register's.
        register = f"{alur.namespace}.projections.register".encode()
        dead = []
        while len(dead) < 2:
            record = await asyncio.wait_for(consumer.getone(), timeout=30)
            if dict(record.headers)["x-alur-consumer"] == register:
                dead.append(record)
        assert dead[0].value == b"this is not an event envelope"
        assert b"not an event envelope" in dict(dead[0].headers)["x-alur-reason"]
        assert Envelope.model_validate_json(dead[1].value).event_id == unreadable.event_id
        assert b"ValidationError" in dict(dead[1].headers)["x-alur-reason"]

        async def next_one_applied() -> bool:
            rows = await alur.sql(
                "SELECT 1 FROM complaint_register WHERE case_id = $1", after.case_id
            )
            return bool(rows)

        await eventually(next_one_applied)
    finally:
        await consumer.stop()
