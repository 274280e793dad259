"""Complaints from HTTP to the register: throughput and end-to-end latency.

Each complaint is timed from the moment its POST starts to the moment the projection wrote
its register row (the row's `projected_at`, same machine clock).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC

from tests.support.sandbox import Sandbox

COMPLAINT = {
    "channel": "web",
    "reporter": {"name": "Penguji Beban", "email": "uji@example.id"},
    "subject": "Antrean obat di Puskesmas terlalu lama",
    "description": "Pengaduan untuk mengukur kecepatan jalur dari formulir ke buku register.",
}


async def http_to_register(
    alur: Sandbox, complaints: int, concurrency: int
) -> tuple[float, list[float]]:
    """Complaints per second through the whole path, and each one's latency in seconds."""
    started_at: dict[str, float] = {}
    remaining = iter(range(complaints))  # shared by the clients: each takes the next one

    async with alur.http() as client:

        async def worker() -> None:
            for _ in remaining:
                started = time.time()
                response = await client.post("/api/complaints", json=COMPLAINT)
                response.raise_for_status()
                started_at[response.json()["tracking_number"]] = started

        first = time.time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))

    projected = await _wait_for_register(alur, set(started_at))
    latencies = [projected[n] - started_at[n] for n in started_at]
    return complaints / (max(projected.values()) - first), latencies


WAIT_SECONDS = 300


async def _wait_for_register(alur: Sandbox, numbers: set[str]) -> dict[str, float]:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        rows = await alur.sql(
            "SELECT tracking_number, projected_at FROM complaint_register"
            " WHERE tracking_number = ANY($1::text[])",
            list(numbers),
        )
        if len(rows) == len(numbers):
            return {
                r["tracking_number"]: r["projected_at"].astimezone(UTC).timestamp() for r in rows
            }
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(rows)} of {len(numbers)} complaints reached the register")
        await asyncio.sleep(0.2)
