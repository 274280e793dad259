"""Everything on the soak's topics, read from the first offset to the end (no consumer group)."""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer

from events import Topics
from events.topics import CASE_TYPES
from soak import lag


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: dict[str, str]

    @property
    def source(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"


async def read_all(kafka: str, namespace: str) -> dict[str, list[Record]]:
    """topic → its records, partition by partition in offset order."""
    topics = Topics(namespace)
    names = [topics.cases(t) for t in CASE_TYPES] + [topics.dead_letter]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka,
        enable_auto_commit=False,
        max_partition_fetch_bytes=4 * 1024 * 1024,
        fetch_max_bytes=64 * 1024 * 1024,
    )
    await consumer.start()
    try:
        partitions = await lag.partitions(kafka, names)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: dict[str, list[Record]] = {name: [] for name in names}
        remaining = {tp for tp in partitions if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=2000, max_records=5000)
            for tp, records in batch.items():
                for r in records:
                    headers = {k: v.decode(errors="replace") for k, v in r.headers}
                    found[tp.topic].append(
                        Record(tp.topic, tp.partition, r.offset, r.key, r.value or b"", headers)
                    )
                if records and records[-1].offset + 1 >= ends[tp]:
                    remaining.discard(tp)
        return found
    finally:
        await consumer.stop()
