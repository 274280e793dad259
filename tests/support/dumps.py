"""Everything a sandbox keeps, as an attacker with a copy would read it: a `pg_dump` of its
whole database and every record of every Kafka topic of its namespace (the case topics and the
dead-letter topic), to search for personal data."""

from __future__ import annotations

import asyncio
import glob
import shutil
import subprocess

from aiokafka import AIOKafkaConsumer

from tests.support.sandbox import Alur


def _pg_dump() -> str:
    """The server's own pg_dump (Debian's, next to the postgres binary), else the one on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))
    return found[-1] if found else (shutil.which("pg_dump") or "pg_dump")


async def database_bytes(database_url: str) -> bytes:
    """`pg_dump` of a database (schema and data, plain SQL)."""
    done = await asyncio.to_thread(
        subprocess.run,
        [_pg_dump(), "--no-owner", database_url],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return done.stdout


async def database_dump(alur: Alur) -> str:
    """`pg_dump` of the sandbox's database, as text."""
    return (await database_bytes(alur.database_url)).decode("utf-8", errors="replace")


async def topic_records(alur: Alur) -> dict[str, bytes]:
    """Every record (key, value, header names and values) of every topic of the sandbox's
    namespace, from the earliest offset to the end, per topic."""
    lister = AIOKafkaConsumer(bootstrap_servers=alur.kafka)
    await lister.start()
    try:
        topics = sorted(t for t in await lister.topics() if t.startswith(f"{alur.namespace}."))
    finally:
        await lister.stop()
    # Without a group, a consumer of these topics is given all their partitions.
    consumer = AIOKafkaConsumer(
        *topics, bootstrap_servers=alur.kafka, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        async with asyncio.timeout(60):
            while not consumer.assignment():
                await asyncio.sleep(0.1)
            partitions = list(consumer.assignment())
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            dumps = {t: bytearray() for t in topics}
            while [p for p in partitions if await consumer.position(p) < ends[p]]:
                for tp, records in (await consumer.getmany(timeout_ms=1000)).items():
                    for r in records:
                        headers = b" ".join(k.encode() + b"=" + (v or b"") for k, v in r.headers)
                        dumps[tp.topic] += b"\n".join((r.key or b"", r.value or b"", headers, b""))
        return {t: bytes(d) for t, d in dumps.items()}
    finally:
        await consumer.stop()


async def kafka_dump(alur: Alur) -> str:
    """`topic_records` as one text, headed by the names of the topics read."""
    records = await topic_records(alur)
    parts = ["topics: " + " ".join(records)]
    parts += [raw.decode("utf-8", errors="replace") for raw in records.values()]
    return "\n".join(parts)
