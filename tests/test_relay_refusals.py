"""An event Kafka refuses does not stop the relay: a pointer to it goes to the dead-letter topic
(no payload, no personal data), the event stays in the store, and later events flow on.

Both refusals are real: the broker's (the visit topic is given a small `max.message.bytes`, and
an officer opens a visit with a large form) and the producer's own size check (an event larger
than a Kafka request, stored through the event-store port as an older intake could have).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from cases import PostgresEventStore
from events import Actor, Fact, SopRef, StepRecorded, Topics
from tests.support.casework import (
    Officer,
    add_officer,
    case,
    do,
    open_case,
    published_types,
    unique_name,
)
from tests.support.sandbox import Alur
from tests.support.seed_cases import complaint, visit_sop
from tests.support.waiting import eventually

pytestmark = pytest.mark.sandbox("relayrefusal", env={"ALUR_RELAY_RETRY_SECONDS": "0.5"})

# The visit topic takes at most this many bytes per record batch in this module's sandbox.
VISIT_LIMIT = 20_000
SECRET = "Rahasia Pribadi Tamu"  # must never reach the dead-letter topic


@pytest.fixture(scope="module")
async def satpam(alur: Alur) -> Officer:
    admin = AIOKafkaAdminClient(bootstrap_servers=alur.kafka)
    await admin.start()
    try:
        topic = Topics(alur.namespace).cases("visit")
        await admin.alter_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic, {"max.message.bytes": VISIT_LIMIT})]
        )
    finally:
        await admin.close()
    return await add_officer(alur, unique_name("satpam"), "satpam")


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


async def _pointer(alur: Alur, consumer: AIOKafkaConsumer, case_id: str) -> tuple[dict, dict]:
    """The relay's dead letter about the case: its value and headers."""
    relay = f"{alur.namespace}.relay".encode()
    async with asyncio.timeout(60):
        while True:
            record = await consumer.getone()
            headers = dict(record.headers)
            if headers.get("x-alur-consumer") == relay and record.key == case_id.encode():
                assert SECRET.encode() not in record.value
                assert len(record.value) < 1_000
                return json.loads(record.value), headers


async def _in_register(alur: Alur, case_id: str) -> bool:
    rows = await alur.sql("SELECT 1 FROM complaint_register WHERE case_id = $1", case_id)
    return bool(rows)


async def test_an_event_the_broker_refuses_is_dead_lettered_and_the_relay_moves_on(
    alur: Alur, satpam: Officer, dead_letters: AIOKafkaConsumer
) -> None:
    resepsionis = await add_officer(alur, unique_name("resepsionis"), "resepsionis")
    # Larger than the topic takes, within what the web accepts (texts of 5,000 characters).
    form = {"nama": SECRET, **{f"catatan_{i}": "x" * 4_000 for i in range(10)}}
    async with alur.http() as client:
        big = (await open_case(client, satpam, await visit_sop(client), form))["case_id"]
        # The case's next event goes to the same partition, right after the refused batch.
        await do(client, big, resepsionis, "greet_visitor")
    after = (await complaint(alur))["case_id"]  # stored after it: relayed only if it moved on

    pointer, headers = await _pointer(alur, dead_letters, big)
    assert pointer["type"] == "VisitorArrived"
    assert set(pointer) == {"case_id", "event_id", "position", "type", "case_type", "reason"}
    assert b"MessageSizeTooLarge" in headers["x-alur-reason"]
    assert headers["x-alur-source"] == f"store:{pointer['position']}".encode()
    await eventually(lambda: _in_register(alur, after), timeout=60)
    async with alur.http() as client:  # the event itself stays in the store
        stored = await case(client, big, satpam)
    assert stored["history"][0]["event_id"] == pointer["event_id"]
    assert await published_types(alur, "visit", big, 1) == ["VisitorGreeted"]


async def test_an_event_larger_than_a_kafka_request_is_dead_lettered_and_the_relay_moves_on(
    alur: Alur, satpam: Officer, dead_letters: AIOKafkaConsumer
) -> None:
    async with alur.http() as client:
        sop = await visit_sop(client)
    fact = Fact(
        event_id=uuid.uuid4(),
        type="VisitorArrived",
        schema_version=StepRecorded.schema_version,
        case_type="visit",
        occurred_at=datetime.now(UTC),
        actor=Actor(id="satpam-lama", role="satpam"),
        sop=SopRef(id=sop, version=1, step="1", next_step="2"),
        payload=StepRecorded(
            activity="Tamu datang", data={"nama": SECRET, "catatan": "y" * 1_200_000}
        ).model_dump(mode="json"),
    )
    store = await PostgresEventStore.connect(alur.database_url)
    try:
        big = uuid.uuid4()
        await store.commit(store.opening(big, fact))
    finally:
        await store.close()
    after = (await complaint(alur))["case_id"]

    pointer, headers = await _pointer(alur, dead_letters, str(big))
    assert pointer["event_id"] == str(fact.event_id)
    assert b"MessageSizeTooLarge" in headers["x-alur-reason"]
    await eventually(lambda: _in_register(alur, after), timeout=60)
