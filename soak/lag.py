"""Has every consumer group consumed what was on the case topics at a moment? Their committed
offsets against the topics' end offsets then (no group joins for this: the admin API)."""

from __future__ import annotations

import asyncio
import contextlib
import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from events import Topics
from events.topics import CASE_TYPES
from services.projections.catalog import GROUP
from soak.probe import WORKER_CONSUMERS
from soak.system import NAMESPACE

# Every consumer group of case events (as its dead letters name it, `x-alur-consumer`).
GROUPS = tuple(f"{NAMESPACE}.{name}" for name in (*WORKER_CONSUMERS, GROUP))

Offsets = dict[TopicPartition, int]


async def partitions(kafka: str, topics: list[str]) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return [
        TopicPartition(t["topic"], p["partition"])
        for t in described
        if t["error_code"] == 0
        for p in t["partitions"]
    ]


async def end_offsets(kafka: str) -> Offsets:
    """Where each case topic's partitions end now."""
    found = await partitions(kafka, [Topics(NAMESPACE).cases(t) for t in CASE_TYPES])
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False)
    await consumer.start()
    try:
        return dict(await consumer.end_offsets(found))
    finally:
        await consumer.stop()


async def behind(kafka: str, targets: Offsets) -> list[str]:
    """The groups that have not committed up to `targets` yet."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    await admin.start()
    try:
        late = []
        for group in GROUPS:
            committed = await admin.list_consumer_group_offsets(group)
            if any(
                (committed.get(tp).offset if committed.get(tp) else 0) < end
                for tp, end in targets.items()
            ):
                late.append(group)
        return late
    finally:
        await admin.close()


async def until_consumed(kafka: str, targets: Offsets, deadline: float) -> float | None:
    """When (monotonic) every group had consumed up to `targets`; None if not by `deadline`."""
    while time.monotonic() < deadline:
        with contextlib.suppress(KafkaError, OSError):
            if not await behind(kafka, targets):
                return time.monotonic()
        await asyncio.sleep(0.5)
    return None


async def targets_now(kafka: str, deadline: float) -> Offsets | None:
    """`end_offsets`, tried again while the broker is not back yet."""
    while time.monotonic() < deadline:
        with contextlib.suppress(KafkaError, OSError):
            return await end_offsets(kafka)
        await asyncio.sleep(0.5)
    return None
