"""Everything a sandbox keeps, as an attacker with a copy would read it: a `pg_dump` of its
whole database and every record of every Kafka topic of its namespace (the case topics and the
dead-letter topic), to search for personal data."""

from __future__ import annotations

import asyncio
import subprocess
import uuid

from aiokafka import AIOKafkaConsumer

from tests.support.sandbox import Alur


async def database_dump(alur: Alur) -> str:
    """`pg_dump` of the sandbox's database (schema and data, plain SQL)."""
    done = await asyncio.to_thread(
        subprocess.run,
        ["pg_dump", "--no-owner", alur.database_url],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return done.stdout.decode("utf-8", errors="replace")


async def kafka_dump(alur: Alur) -> str:
    """Every record (key, value, headers) of every topic of the sandbox's namespace, from the
    earliest offset to the end; also the names of the topics read."""
    lister = AIOKafkaConsumer(bootstrap_servers=alur.kafka)
    await lister.start()
    try:
        topics = sorted(t for t in await lister.topics() if t.startswith(f"{alur.namespace}."))
    finally:
        await lister.stop()
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=alur.kafka,
        group_id=f"{alur.namespace}.dump-{uuid.uuid4().hex[:8]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    parts = ["topics: " + " ".join(topics)]
    try:
        async with asyncio.timeout(60):
            while not consumer.assignment():
                await consumer.getmany(timeout_ms=200)  # joins the group, takes every partition
            await consumer.seek_to_beginning()
            ends = await consumer.end_offsets(list(consumer.assignment()))
            while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        headers = b" ".join(
                            k.encode() + b"=" + (v or b"") for k, v in record.headers
                        )
                        for raw in (record.key or b"", record.value or b"", headers):
                            parts.append(raw.decode("utf-8", errors="replace"))
    finally:
        await consumer.stop()
    return "\n".join(parts)
