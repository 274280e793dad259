"""SLA timers: one polling pass over 100,000 pending timers, and the firing lag.

Runs the SLA worker's own firing code (services/sla/firing.py) on a fresh database of its own
(no other worker polls it):
- 100,000 open timers are COPYed in; `BENCH_SLA_DUE` of them (1,000) are due and belong to real
  cases in the event store, the rest are due in the future;
- one polling pass fires the due ones (a warning each, appended to its case), against the raw
  limit of the same number of single-row commits;
- the due query alone and a pass with nothing due, against a plain indexed SELECT;
- the firing lag: `BENCH_SLA_LAG_TIMERS` timers come due spread over a few seconds while the
  firing loop polls every `ALUR_SLA_POLL_SECONDS`; lag = when the timer's row moved on minus
  when it was due. Raw limit: a bare poller (same interval, SELECT + UPDATE, no facts).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import asyncpg

from bench.raw_postgres import single_row_commits
from bench.table import Row
from cases import EventStore, PostgresEventStore
from events import Actor, Fact, SopRef
from office import OfficeConfig, load_office
from officers import OfficerDirectory
from runtime.clock import SystemClock
from runtime.logs import configure_logging
from services.sla import timers
from services.sla.firing import Firing

TIMERS = int(os.environ.get("BENCH_SLA_TIMERS", "100000"))
DUE = int(os.environ.get("BENCH_SLA_DUE", "1000"))
LAG_TIMERS = int(os.environ.get("BENCH_SLA_LAG_TIMERS", "300"))
LAG_SPREAD_SECONDS = float(os.environ.get("BENCH_SLA_LAG_SPREAD_SECONDS", "6"))
POLL_SECONDS = float(os.environ.get("ALUR_SLA_POLL_SECONDS", "1.0"))
SOP = "pengaduan-masyarakat-dinkes-muba"
ACTIVITY = "Petugas menerima pengaduan yang disampaikan oleh pelapor"
COLUMNS = [
    "id",
    "case_id",
    "case_type",
    "sop_id",
    "sop_version",
    "step",
    "kind",
    "activity",
    "roles",
    "started_event_id",
    "started_position",
    "started_at",
    "due_at",
    "warn_at",
    "duration_value",
    "duration_unit",
    "next_fire_at",
]


class FixedClock:
    """A clock that stands still, so one pass sees exactly the timers due at that moment."""

    simulated = True

    def __init__(self, moment: datetime) -> None:
        self._moment = moment

    def now(self) -> datetime:
        return self._moment

    async def refresh(self) -> None:
        return None

    async def close(self) -> None:
        return None


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def sla_timer_rows(admin_url: str) -> list[Row]:
    """The SLA rows of the benchmark table, measured on a database created for them."""
    configure_logging("bench", fmt="console", level="warning")  # not a line per timer fired
    name = f"alur_benchsla_{uuid.uuid4().hex[:8]}"
    database_url = urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        return await _measure(database_url)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _measure(database_url: str) -> list[Row]:
    office = load_office()
    zone = ZoneInfo(office.time_zone)
    store = await PostgresEventStore.connect(database_url)
    pool = await asyncpg.create_pool(database_url, min_size=2, max_size=6)
    try:
        async with pool.acquire() as conn:
            await timers.create(conn)
        directory = OfficerDirectory(pool)
        await directory.create()
        now = datetime.now(zone).replace(microsecond=0)

        # 100,000 open timers, DUE of them due now, on real cases.
        due_cases = await _open_cases(store, DUE, now)
        later = now + timedelta(days=30)
        rows = [
            _row(case_id, event_id, now, now - timedelta(seconds=1))
            for case_id, event_id in due_cases
        ]
        rows += [
            _row(uuid.uuid4(), uuid.uuid4(), now, later + timedelta(seconds=i))
            for i in range(TIMERS - DUE)
        ]
        started = time.perf_counter()
        async with pool.acquire() as conn:
            await conn.copy_records_to_table("sla_timers", records=rows, columns=COLUMNS)
            await conn.execute("ANALYZE sla_timers")
        copy_seconds = time.perf_counter() - started

        due_query, plain_query = await _queries(pool, now)
        firing = Firing(pool, store, FixedClock(now), directory, office, batch=200, concurrency=4)
        started = time.perf_counter()
        fired = await firing.pass_once()
        pass_seconds = time.perf_counter() - started
        assert fired == DUE, f"fired {fired} of {DUE}"
        started = time.perf_counter()
        await firing.pass_once()
        idle_seconds = time.perf_counter() - started
        _, plain_idle = await _queries(pool, now)
        raw_rate, _ = await single_row_commits(database_url, rows=DUE, concurrency=4)
        raw_pass_seconds = DUE / raw_rate

        lags, bare_lags = await _lags(pool, store, directory, office, zone)
    finally:
        await pool.close()
        await store.close()

    raw_select = f"plain indexed SELECT … LIMIT {DUE}"
    print(f"COPY of {TIMERS:,} timers: {copy_seconds:.2f} s")
    rows_out = [
        Row(
            f"due query, {DUE:,} of {TIMERS:,} (SKIP LOCKED)",
            "ms",
            due_query * 1000,
            raw_select,
            plain_query * 1000,
        ),
        Row(
            f"polling pass, nothing due of {TIMERS:,}",
            "ms",
            idle_seconds * 1000,
            "plain indexed SELECT, nothing due",
            plain_idle * 1000,
        ),
        Row(
            f"polling pass firing {DUE:,} warnings",
            "s",
            pass_seconds,
            f"{DUE:,} single-row commits, 4 connections",
            raw_pass_seconds,
        ),
    ]
    bare = f"bare poller every {POLL_SECONDS:g} s (no facts)"
    for q in (50, 99):
        rows_out.append(
            Row(
                f"firing lag p{q}, poll {POLL_SECONDS:g} s",
                "ms",
                _percentile(lags, q) * 1000,
                bare,
                _percentile(bare_lags, q) * 1000,
            )
        )
    return rows_out


async def _open_cases(
    store: EventStore, count: int, now: datetime
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """`count` complaint cases waiting at step 2; (case id, the event that started step 2)."""
    opened = []
    changes = []
    for _ in range(count):
        case_id, fact = uuid.uuid4(), _received(now)
        opened.append((case_id, fact.event_id))
        changes.append(store.opening(case_id, fact))
    for first in range(0, len(changes), 500):
        await store.commit(*changes[first : first + 500])
    return opened


def _received(now: datetime) -> Fact:
    return Fact(
        event_id=uuid.uuid4(),
        type="StepCompleted",
        schema_version=1,
        case_type="complaint",
        occurred_at=now,
        actor=Actor(id="bench", role="petugas_pengaduan"),
        sop=SopRef(id=SOP, version=1, step="1", next_step="2"),
        payload={"activity": "Pelapor menyampaikan pengaduan"},
    )


def _row(case_id: uuid.UUID, event_id: uuid.UUID, started: datetime, fire_at: datetime) -> tuple:
    due_at = fire_at + timedelta(minutes=10)
    return (
        timers.timer_id(event_id, "step"),
        case_id,
        "complaint",
        SOP,
        1,
        "2",
        "step",
        ACTIVITY,
        ["petugas_pengaduan"],
        event_id,
        1,
        started,
        due_at,
        fire_at,
        10.0,
        "minutes",
        fire_at,
    )


async def _queries(pool: asyncpg.Pool, now: datetime) -> tuple[float, float]:
    """The due query as the worker runs it (median of 5), and a plain indexed SELECT."""
    locked, plain = [], []
    for _ in range(5):
        async with pool.acquire() as conn, conn.transaction():
            started = time.perf_counter()
            await timers.take_due(conn, now, DUE)
            locked.append(time.perf_counter() - started)
        async with pool.acquire() as conn:
            started = time.perf_counter()
            await conn.fetch(
                "SELECT * FROM sla_timers WHERE status = 'open' AND next_fire_at <= $1"
                " ORDER BY next_fire_at LIMIT $2",
                now,
                DUE,
            )
            plain.append(time.perf_counter() - started)
    return statistics.median(locked), statistics.median(plain)


async def _lags(
    pool: asyncpg.Pool,
    store: EventStore,
    directory: OfficerDirectory,
    office: OfficeConfig,
    zone: ZoneInfo,
) -> tuple[list[float], list[float]]:
    """Firing lag of the worker's loop, and of a bare poller, each on its own timers."""
    lags = await _lag_of(pool, store, lambda: _worker_loop(pool, store, directory, office, zone))
    bare = await _lag_of(pool, store, lambda: _bare_loop(pool, zone))
    return lags, bare


async def _lag_of(
    pool: asyncpg.Pool, store: EventStore, loop_factory: Callable[[], Awaitable[None]]
) -> list[float]:
    zone = ZoneInfo("Asia/Jakarta")
    now = datetime.now(zone)
    cases = await _open_cases(store, LAG_TIMERS, now)
    first = now + timedelta(seconds=1)
    step = timedelta(seconds=LAG_SPREAD_SECONDS / LAG_TIMERS)
    rows = [_row(c, e, now, first + i * step) for i, (c, e) in enumerate(cases)]
    async with pool.acquire() as conn:
        await conn.copy_records_to_table("sla_timers", records=rows, columns=COLUMNS)
    ids = [r[0] for r in rows]
    task = asyncio.create_task(loop_factory())
    try:
        deadline = time.monotonic() + LAG_SPREAD_SECONDS + 60
        while time.monotonic() < deadline:
            moved = await pool.fetchval(
                "SELECT count(*) FROM sla_timers WHERE id = ANY($1) AND stage <> 'pending'", ids
            )
            if moved == len(ids):
                break
            await asyncio.sleep(0.5)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    moved_rows = await pool.fetch(
        "SELECT warn_at, updated_at FROM sla_timers WHERE id = ANY($1) AND stage <> 'pending'", ids
    )
    return [(r["updated_at"] - r["warn_at"]).total_seconds() for r in moved_rows]


async def _worker_loop(
    pool: asyncpg.Pool,
    store: EventStore,
    directory: OfficerDirectory,
    office: OfficeConfig,
    zone: ZoneInfo,
) -> None:
    firing = Firing(pool, store, SystemClock(zone), directory, office, batch=200, concurrency=4)
    await firing.run(POLL_SECONDS)


async def _bare_loop(pool: asyncpg.Pool, zone: ZoneInfo) -> None:
    """The least a poller does: take the due rows, move them on, commit."""
    while True:
        async with pool.acquire() as conn, conn.transaction():
            due = await timers.take_due(conn, datetime.now(UTC), 200)
            await timers.advance_many(conn, [(t.id, "warned", "open", t.due_at) for t in due])
        await asyncio.sleep(POLL_SECONDS)


def main() -> None:
    from bench.table import render
    from runtime.settings import AlurSettings

    rows = asyncio.run(sla_timer_rows(AlurSettings().database_url))
    print(f"\n{TIMERS:,} pending SLA timers, {DUE:,} due, poll every {POLL_SECONDS:g} s\n")
    print(render(rows))


if __name__ == "__main__":
    main()
