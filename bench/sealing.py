"""What encryption adds to the complaint path (issue 13, point 6).

Receiving a complaint now also makes its reporter's data key (one row of `personal_data_keys`:
a random key wrapped by the master key, two blind indexes) and seals four values (name, email,
phone, description) before the event is appended; nothing else on the way to the register
decrypts. This measures exactly that added work, at the same concurrency as the complaint
path, and compares it with the complaint's own latency in the same run: the ratio is the share
encryption adds (the goal is at most 0.10).
"""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg

from bench.complaint_path import COMPLAINT
from privacy import PersonalDataKeys
from runtime.settings import AlurSettings


async def sealing_latencies(database_url: str, complaints: int, concurrency: int) -> list[float]:
    """Each complaint's sealing (its key row and four sealed values), in seconds."""
    pool = await asyncpg.create_pool(database_url, min_size=concurrency, max_size=concurrency)
    try:
        keys = PersonalDataKeys.over(pool, AlurSettings().secret_key_bytes())
        await keys.create()
        reporter = {**COMPLAINT["reporter"], "phone": "+62 812 3456 7890"}
        latencies: list[float] = []
        remaining = iter(range(complaints))

        async def worker() -> None:
            for _ in remaining:
                started = time.perf_counter()
                subject = await keys.new_subject(
                    uuid.uuid4(), email=reporter["email"], phone=reporter["phone"]
                )
                for value in (*reporter.values(), COMPLAINT["description"]):
                    subject.seal(value)
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies
    finally:
        await pool.close()
