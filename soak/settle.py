"""Waiting for the system to settle once the load and the faults stopped: the relay has
published everything, every consumer applied every event, no notification waits to be sent and
no timer waits to fire. What does not settle in time is what the invariants then report."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg

from cases import PostgresEventStore
from soak.probe import PROJECTION_NAMES, WORKER_CONSUMERS

CONSUMERS = (*WORKER_CONSUMERS, *PROJECTION_NAMES)


class Progress:
    """The store's last version of each case, read incrementally."""

    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store
        self.position = 0
        self.last: dict[uuid.UUID, int] = {}

    async def refresh(self) -> None:
        while batch := await self.store.read_after(self.position, 5000):
            for envelope in batch:
                self.last[envelope.case_id] = envelope.case_version
            self.position = batch[-1].position


async def unsettled(pool: asyncpg.Pool, progress: Progress, excluded: set[str]) -> list[str]:
    await progress.refresh()
    waiting = []
    relayed = await pool.fetchval("SELECT position FROM relay_checkpoint WHERE name = 'kafka'")
    if (relayed or 0) < progress.position:
        waiting.append(f"relay at {relayed} of {progress.position}")
    marks = await pool.fetch(
        "SELECT consumer AS name, case_id, case_version FROM consumer_watermarks"
        " UNION ALL SELECT projection, case_id, case_version FROM projection_watermarks"
    )
    applied = {(r["name"], r["case_id"]): r["case_version"] for r in marks}
    behind = sum(
        1
        for case, version in progress.last.items()
        if str(case) not in excluded
        for name in CONSUMERS
        if applied.get((name, case), 0) < version
    )
    if behind:
        waiting.append(f"{behind} (consumer, case) behind")
    due = await pool.fetchval(
        "SELECT count(*) FROM notifications WHERE status IN ('pending', 'failed', 'sending')"
    )
    if due:
        waiting.append(f"{due} notifications not sent")
    timers = await pool.fetchval(
        "SELECT count(*) FROM sla_timers WHERE status = 'open' AND next_fire_at <="
        " now() + make_interval(secs => (SELECT offset_seconds FROM simulated_clock))"
        " - interval '3 seconds'"
    )
    if timers:
        waiting.append(f"{timers} timers due")
    return waiting


async def settle(database_url: str, excluded: set[str], within: float) -> list[str]:
    """Wait until nothing is unsettled (or `within` seconds); what is still unsettled."""
    store = await PostgresEventStore.connect(database_url, wait_seconds=30)
    pool = await asyncpg.create_pool(database_url, min_size=0, max_size=2)
    progress = Progress(store)
    deadline = time.monotonic() + within
    try:
        while True:
            try:
                waiting = await unsettled(pool, progress, excluded)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                waiting = [repr(error)]
            if not waiting or time.monotonic() > deadline:
                return waiting
            await asyncio.sleep(1)
    finally:
        await pool.close()
        await store.close()
