"""Complaints from HTTP to the register: throughput, latency and what each one costs.

Each complaint is timed from the moment its POST starts to the moment the projection wrote
its register row (the row's `projected_at`, same machine clock). The requests come from the
light load generator (bench/load.py).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC

from bench.load import Run, Target, closed_loop, open_loop
from tests.support.sandbox import Sandbox

COMPLAINT = {
    "channel": "web",
    "reporter": {"name": "Penguji Beban", "email": "uji@example.id"},
    "subject": "Antrean obat di Puskesmas terlalu lama",
    "description": "Pengaduan untuk mengukur kecepatan jalur dari formulir ke buku register.",
}


@dataclass(frozen=True)
class Path:
    """A load run of complaints and when each reached the register."""

    run: Run
    latencies: list[float]  # POST started → register row written, seconds
    lags: list[float]  # answer read → register row written, seconds (the register's lag)
    rate: float  # complaints per second through the register (first POST → last row)


def complaints(alur: Sandbox) -> Target:
    return Target(alur.base_url, "/api/complaints", COMPLAINT)


async def saturated(alur: Sandbox, count: int, concurrency: int) -> Path:
    """`concurrency` clients send `count` complaints as fast as they are answered."""
    return await _through(alur, await closed_loop(complaints(alur), count, concurrency))


async def offered(alur: Sandbox, rate: float, count: int) -> Path:
    """`count` complaints sent at `rate` per second (open loop)."""
    return await _through(alur, await open_loop(complaints(alur), rate, count))


async def _through(alur: Sandbox, run: Run) -> Path:
    answered = {a.json()["tracking_number"]: a for a in run.answers}
    projected = await _wait_for_register(alur, set(answered))
    latencies = [projected[n] - a.sent for n, a in answered.items()]
    lags = [projected[n] - (a.sent + a.seconds) for n, a in answered.items()]
    first = min(a.sent for a in run.answers)
    return Path(run, latencies, lags, len(answered) / (max(projected.values()) - first))


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
        await asyncio.sleep(0.1)
