"""Is the whole pipeline working again? A probe complaint, followed until every consumer has
applied it: the relay published it, and routing, the SLA timers, the notifier and each read
model recorded its watermark (runtime/watermarks.py) in the same transaction as their effect.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field

import asyncpg

from services.projections.catalog import PROJECTIONS
from soak.client import Api

WORKER_CONSUMERS = ("routing", "sla", "notifier")
PROJECTION_NAMES = tuple(entry.name for entry in PROJECTIONS)
PROBE = {
    "channel": "web",
    "reporter": {"name": "Penguji Pemulihan", "email": "probe@soak.test"},
    "subject": "Uji pemulihan sistem",
    "description": "Pengaduan uji untuk mengukur waktu pemulihan setelah gangguan.",
    "category": "pelayanan kesehatan",
}


@dataclass
class Probe:
    case_id: str | None
    started: float  # time.monotonic() when the probe was first sent
    accepted_after: float | None = None  # seconds until the web accepted it
    request_id: str | None = None  # the causation id of its first event
    applied_after: dict[str, float] = field(default_factory=dict)  # consumer → seconds

    @property
    def seconds(self) -> float | None:
        """Until the last consumer applied it; None if one never did."""
        names = (*WORKER_CONSUMERS, *PROJECTION_NAMES)
        if self.case_id is None or any(n not in self.applied_after for n in names):
            return None
        return max(self.applied_after.values())


async def applied(pool: asyncpg.Pool, case_id: uuid.UUID) -> set[str]:
    """The consumers that have applied the case's first event."""
    rows = await pool.fetch(
        "SELECT consumer AS name FROM consumer_watermarks WHERE case_id = $1"
        " UNION ALL SELECT projection FROM projection_watermarks WHERE case_id = $1",
        case_id,
    )
    return {r["name"] for r in rows}


async def probe(api: Api, pool: asyncpg.Pool, within: float = 180) -> Probe:
    """Send a complaint (again, while the web does not accept it) and wait until every
    consumer applied it, or `within` seconds passed; times count from the first try."""
    sent = await send(api, within)
    return await follow(sent, pool, sent.started + within)


async def send(api: Api, within: float = 180) -> Probe:
    """The probe complaint, sent until the web accepts it (or `within` seconds passed)."""
    started = time.monotonic()
    result = Probe(None, started)
    while result.case_id is None and time.monotonic() < started + within:
        request_id = f"soak:probe:{uuid.uuid4()}"
        answer = await api.complain(PROBE, request_id)
        if answer.status == 201:
            result.case_id = answer.body["case_id"]
            result.request_id = request_id
            result.accepted_after = time.monotonic() - started
        else:
            await asyncio.sleep(0.2)
    return result


async def follow(result: Probe, pool: asyncpg.Pool, deadline: float) -> Probe:
    """Note when each consumer applies the probe (seconds after `result.started`)."""
    if result.case_id is None:
        return result
    case_id = uuid.UUID(result.case_id)
    wanted = {*WORKER_CONSUMERS, *PROJECTION_NAMES}
    while time.monotonic() < deadline:
        try:
            done = await applied(pool, case_id)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            done = set()
        for name in done - set(result.applied_after):
            result.applied_after[name] = time.monotonic() - result.started
        if wanted <= set(result.applied_after):
            break
        await asyncio.sleep(0.1)
    return result
