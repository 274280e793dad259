"""Kafka delivery: redelivered messages change nothing, poison goes to the dead-letter topic."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from events import Envelope, StepRecorded, Topics
from runtime.consumer import AfterCommit, Applier
from runtime.watermarks import CONSUMERS, Watermarks, WatermarkTable
from tests.conftest import Alur, eventually
from tests.support import sandbox
from tests.support.factories import posted_complaint, stored
from tests.support.service_layer import private_schema

# Marks that a replay may swap, as the projections' are (a batch holds them shared).
PROJECTION_MARKS = WatermarkTable("delivery_test_marks", key="projection", swapped=True)


def _envelope(position: int) -> Envelope:
    return stored(posted_complaint(f"ADU-1999-{position:06d}"), position)


def _later(envelope: Envelope) -> Envelope:
    """The case's next event: on the same partition, so consumed after everything before it."""
    return envelope.model_copy(
        update={
            "event_id": uuid.uuid4(),
            "type": "ComplaintRegistered",
            "payload": StepRecorded(activity="Dicatat").model_dump(mode="json"),
            "case_version": envelope.case_version + 1,
            "position": envelope.position + 1,
        }
    )


async def _send(alur: Alur, *messages: tuple[bytes, bytes]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=alur.kafka)
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(Topics(alur.namespace).cases("complaint"), value, key=key)
    finally:
        await producer.stop()


async def _twice_then_a_later_event(alur: Alur, envelope: Envelope) -> Envelope:
    """Deliver the envelope's message twice, then the case's next event (the marker)."""
    message = (envelope.key, envelope.model_dump_json().encode())
    marker = _later(envelope)
    await _send(alur, message, message, (marker.key, marker.model_dump_json().encode()))
    return marker


def _log(alur: Alur, worker: str) -> Path:
    # The sandbox logs each worker to `<prefix>-<worker>.log`; its namespace is `<prefix><8 hex>`.
    return sandbox.LOGS / f"{alur.namespace[:-8]}-{worker}.log"


def _outcomes(alur: Alur, worker: str, consumer: str, event: Envelope) -> list[str]:
    """What `consumer` logged after committing each delivery of the event: `event_applied`
    the first time, `event_already_applied` for a copy."""
    outcomes = []
    event_id = str(event.event_id)
    for line in _log(alur, worker).read_text().splitlines():
        if event_id in line:
            entry = json.loads(line)
            if entry.get("consumer") == consumer and entry["event"] == "events_applied":
                if event_id in entry["applied"]:
                    outcomes.append("event_applied")
                if event_id in entry["already_applied"]:
                    outcomes.append("event_already_applied")
    return outcomes


async def _consumed(alur: Alur, worker: str, consumer: str, marker: Envelope) -> None:
    """Wait until `consumer` has committed the marker: it has consumed every copy before it.

    Its lines are logged after the commit of its batch, in order: once the marker's line is
    there, so are the lines of everything delivered before it.
    """

    async def marker_applied() -> bool:
        return _outcomes(alur, worker, consumer, marker) == ["event_applied"]

    await eventually(marker_applied)


async def test_the_same_kafka_message_delivered_twice_changes_the_register_once(alur: Alur) -> None:
    envelope = _envelope(position=10_000_001)
    marker = await _twice_then_a_later_event(alur, envelope)
    await _consumed(alur, "projections", "projections", marker)

    # Without deduplication both copies would be applied (the register's row survives a
    # second ComplaintReceived, but the consumer would say it applied the event twice).
    assert _outcomes(alur, "projections", "projections", envelope) == [
        "event_applied",
        "event_already_applied",
    ]
    rows = await alur.sql(
        "SELECT tracking_number, case_version FROM complaint_register WHERE case_id = $1",
        envelope.case_id,
    )
    assert [tuple(r) for r in rows] == [("ADU-1999-10000001", 2)]


async def test_the_same_kafka_message_delivered_twice_is_applied_once_by_each_worker(
    alur: Alur,
) -> None:
    envelope = _envelope(position=10_000_011)
    marker = await _twice_then_a_later_event(alur, envelope)
    for worker in ("routing", "sla", "notifier"):
        await _consumed(alur, worker, worker, marker)
        assert _outcomes(alur, worker, worker, envelope) == [
            "event_applied",
            "event_already_applied",
        ], worker


async def test_every_group_commits_its_offsets_past_what_it_applied(alur: Alur) -> None:
    """Offsets are committed every half second, not per batch (runtime/offsets.py): a group
    that has applied an event has soon committed past it, so a restart resumes after it."""
    envelope = _envelope(position=10_000_021)
    producer = AIOKafkaProducer(bootstrap_servers=alur.kafka)
    await producer.start()
    try:
        sent = await producer.send_and_wait(
            Topics(alur.namespace).cases("complaint"),
            envelope.model_dump_json().encode(),
            key=envelope.key,
        )
    finally:
        await producer.stop()
    place = TopicPartition(sent.topic, sent.partition)
    admin = AIOKafkaAdminClient(bootstrap_servers=alur.kafka)
    await admin.start()
    try:
        for group in ("routing", "sla", "notifier", "retention", "projections"):

            async def committed_past_it(group: str = group) -> bool:
                offsets = await admin.list_consumer_group_offsets(f"{alur.namespace}.{group}")
                return place in offsets and offsets[place].offset > sent.offset

            await eventually(committed_past_it, timeout=30)
    finally:
        await admin.close()


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
        # Every consumer group dead-letters what it cannot read; follow the register's. The
        # two messages have different keys, so they may come from different partitions in
        # either order.
        register = f"{alur.namespace}.projections".encode()
        reasons: dict[bytes, bytes] = {}
        while len(reasons) < 2:
            record = await asyncio.wait_for(consumer.getone(), timeout=30)
            headers = dict(record.headers)
            if headers["x-alur-consumer"] == register:
                reasons[record.value] = headers["x-alur-reason"]
        assert b"not an event envelope" in reasons[b"this is not an event envelope"]
        assert b"ValidationError" in reasons[unreadable.model_dump_json().encode()]

        async def next_one_applied() -> bool:
            rows = await alur.sql(
                "SELECT 1 FROM complaint_register WHERE case_id = $1", after.case_id
            )
            return bool(rows)

        await eventually(next_one_applied)
    finally:
        await consumer.stop()


# -- the framework on its own database ---------------------------------------------------------


@pytest.fixture
async def pool() -> AsyncIterator[asyncpg.Pool]:
    """A pool whose tables are in a schema of their own, dropped afterwards."""
    async with private_schema("alur_delivery") as pool:
        yield pool


@dataclass
class Counting:
    """A consumer that counts what it is given to apply."""

    watermarks: Watermarks
    applied: list[uuid.UUID] = field(default_factory=list)

    async def create(self, conn: asyncpg.Connection) -> None:
        return None

    async def apply(
        self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]
    ) -> Sequence[AfterCommit]:
        self.applied += [e.event_id for e in envelopes]
        return ()


async def test_each_event_is_applied_once_however_often_it_comes(pool: asyncpg.Pool) -> None:
    first = _envelope(position=1)
    second = _later(first)
    consumer = Counting(CONSUMERS.of("counting"))
    applier = Applier(pool, consumer)
    await applier.create_tables()
    await applier.apply_many([first, first])
    await applier.apply_many([first, second])
    await applier.apply(second)
    assert consumer.applied == [first.event_id, second.event_id]


async def test_consumers_sharing_a_group_each_apply_every_event_once_from_their_own_marks(
    pool: asyncpg.Pool,
) -> None:
    """The projections share one consumer group and one transaction per batch; each keeps
    its own watermarks, so one rebuilt ahead of the others (a replay) skips only what it
    holds, and a failing one leaves every consumer's marks where they were."""
    first = _envelope(position=1)
    second = _later(first)
    behind = Counting(PROJECTION_MARKS.of("behind"))
    ahead = Counting(PROJECTION_MARKS.of("ahead"))
    applier = Applier(pool, behind, ahead, name="projections")
    await applier.create_tables()
    async with pool.acquire() as conn, conn.transaction():
        await ahead.watermarks.claim(conn, [first])  # what a replay's swap leaves behind

    async def failing(conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> list:
        raise RuntimeError("a projection's bug")

    ahead.apply = failing  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await applier.apply_many([first, second])
    del ahead.apply
    behind.applied.clear()  # given in the transaction that was rolled back
    await applier.apply_many([first, second])
    await applier.apply_many([first, second])
    assert behind.applied == [first.event_id, second.event_id]
    assert ahead.applied == [second.event_id]


async def test_an_upgraded_worker_skips_what_its_old_event_ledger_lists(pool: asyncpg.Pool) -> None:
    """An installation upgraded from the event-id ledgers: what the old ledger lists was
    applied before the upgrade, and is not applied again."""
    before = _envelope(position=1)
    after = _later(before)
    await pool.execute(
        "CREATE TABLE routing_applied_events ("
        " event_id uuid PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
    )
    await pool.execute("INSERT INTO routing_applied_events (event_id) VALUES ($1)", before.event_id)
    consumer = Counting(CONSUMERS.of("routing", replaces="routing_applied_events"))
    applier = Applier(pool, consumer)
    await applier.create_tables()
    await applier.apply_many([before, after])
    await applier.apply(before)
    assert consumer.applied == [after.event_id]


async def test_watermarks_kept_by_consumer_first_are_rekeyed_by_case_and_still_count(
    pool: asyncpg.Pool,
) -> None:
    """Watermark tables of an earlier version were keyed (consumer, case); a batch reads the
    marks of its few cases, so the key is now (case, consumer). An upgraded worker rekeys its
    table at start and keeps every mark."""
    applied = _envelope(position=1)
    later = _later(applied)
    await pool.execute(
        "CREATE TABLE consumer_watermarks (consumer text NOT NULL, case_id uuid NOT NULL,"
        " case_version integer NOT NULL, position bigint NOT NULL,"
        " PRIMARY KEY (consumer, case_id))"
    )
    await pool.execute(
        "INSERT INTO consumer_watermarks VALUES ('counting', $1, $2, $3)",
        applied.case_id,
        applied.case_version,
        applied.position,
    )
    consumer = Counting(CONSUMERS.of("counting"))
    applier = Applier(pool, consumer)
    await applier.create_tables()
    key = await pool.fetch(
        "SELECT a.attname FROM pg_index i"
        " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        " WHERE i.indrelid = 'consumer_watermarks'::regclass AND i.indisprimary"
        " ORDER BY array_position(i.indkey::int2[], a.attnum)"
    )
    assert [r["attname"] for r in key] == ["case_id", "consumer"]
    await applier.apply_many([applied, later])
    assert consumer.applied == [later.event_id]
