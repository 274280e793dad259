"""Replay speed: `alur replay` over a million stored events, against reading the same rows.

A fresh database gets ≥ 1,000,000 real stored events, appended through the event store in
large commits (cases interleaved, as at a busy office): mostly complaints walking the office's
complaint SOP to the archive, some visits, one case in ten left open. Then, in the same run: the
raw limit (the same rows read as stored, in position order, through one cursor) and the replay
of every projection into fresh tables with the swap.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from alur.commands.replay_lane import LaneProcess, split
from bench.table import Row, render
from cases import Case, Change, EventStore, PostgresEventStore
from events import Actor, Fact, SopRef
from runtime.logs import configure_logging
from runtime.settings import AlurSettings
from services.projections.catalog import PROJECTIONS, build_projection
from services.projections.replay import ReplayReport, replay
from services.projections.sources import load_sources
from sop.definition import SopDefinition
from sop.registry import SopRegistry

EVENTS = int(os.environ.get("BENCH_REPLAY_EVENTS", "1000000"))
CASES_AT_ONCE = 500  # cases whose events interleave in the store, as at a busy office
START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)  # 08:00 WIB on a Monday


def _walk(sop: SopDefinition) -> list[tuple[str, str | None, str, str, str | None]]:
    """(step, next step, event type, activity, decision) of a case going straight through."""
    path = []
    last = len(sop.steps)
    for step in sop.steps:
        after = str(step.number + 1) if step.number < last else ("closing" if sop.closing else None)
        if step.kind == "decision":
            branch = next(b for b in step.branches if b.goto is None)
            path.append((str(step.number), after, branch.event, step.activity, branch.answer))
        else:
            assert step.event is not None
            path.append((str(step.number), after, step.event, step.activity, None))
    if sop.closing:
        path.append(("closing", None, sop.closing.event, sop.closing.activity, None))
    return path


def _facts(sop: SopDefinition, number: int, opened: datetime, open_case: bool) -> list[Fact]:
    path = _walk(sop)
    if open_case:
        path = path[: len(path) // 2]
    facts = []
    for i, (step, after, event_type, activity, decision) in enumerate(path):
        if i == 0 and sop.case_type == "complaint":
            payload = {
                "tracking_number": f"ADU-2026-{number:07d}",
                "channel": "web",
                "reporter": {"name": "Penguji Replay", "email": "uji@example.id"},
                "subject": "Antrean obat di Puskesmas terlalu lama",
                "description": "Pengaduan untuk mengukur kecepatan replay.",
            }
            actor = Actor(id="public", role="pelapor")
        else:
            data = {"nama": f"Tamu {number}", "keperluan": "Konsultasi"} if step == "3" else {}
            payload = {"activity": activity, "decision": decision, "data": data}
            actor = Actor(id=f"petugas-{number % 40}", role=sop.step(1).roles[0])
        facts.append(
            Fact(
                event_id=uuid.uuid4(),
                type=event_type,
                schema_version=1,
                case_type=sop.case_type,
                occurred_at=opened + timedelta(minutes=7 * i),
                actor=actor,
                sop=SopRef(id=sop.id, version=sop.version, step=step, next_step=after),
                causation_id=None,
                payload=payload,
            )
        )
    return facts


def _changes(sops: list[SopDefinition], events: int) -> Iterator[list[Change]]:
    """Commits of `CASES_AT_ONCE` cases each, their events interleaved, until `events`."""
    made, number = 0, 0
    while made < events:
        cases = []
        for _ in range(CASES_AT_ONCE):
            number += 1
            sop = sops[1] if number % 10 == 0 else sops[0]  # one visit in ten
            opened = START + timedelta(minutes=3 * number)
            facts = _facts(sop, number, opened, number % 10 == 5)
            case = Case.open(uuid.uuid4(), facts[0])
            for fact in facts[1:]:
                case.record(fact)
            cases.append(case.collect_events())
        changes = []
        for version in range(max(len(c) for c in cases)):
            for case_events in cases:
                if version < len(case_events) and made < events:
                    changes.append(Change([case_events[version]]))
                    made += 1
        yield changes


async def _fill(database_url: str, store: EventStore) -> tuple[int, float]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    try:
        registry = SopRegistry(pool)
        await registry.create()
        await registry.load_shipped()
        sops = [
            await registry.latest("pengaduan-masyarakat-dinkes-muba"),
            await registry.latest("pelayanan-satu-pintu-dinkes-muba"),
        ]
    finally:
        await pool.close()
    started, stored = time.perf_counter(), 0
    for changes in _changes(sops, EVENTS):
        stored += len(await store.commit(*changes))
    return stored, time.perf_counter() - started


async def _raw_select(store: EventStore) -> tuple[int, float]:
    """The raw limit: the same rows as stored, one sequential read in position order."""
    started = time.perf_counter()
    count = 0
    async for _ in store.records():
        count += 1
    return count, time.perf_counter() - started


async def _replay(database_url: str, store: EventStore) -> ReplayReport:
    pool = await asyncpg.create_pool(database_url, min_size=2, max_size=4)
    try:
        sources = await load_sources(pool, AlurSettings().office())
        projections = [build_projection(entry, sources) for entry in PROJECTIONS]
        lane = LaneProcess(database_url, split(PROJECTIONS), "console", "error")
        return await replay(pool, store, projections, lane=lane)
    finally:
        await pool.close()


async def measure() -> tuple[list[Row], ReplayReport, int, float]:
    admin_url = AlurSettings().database_url
    name = f"alur_bench_replay_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    database_url = urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    store = await PostgresEventStore.connect(database_url)
    try:
        count, fill_seconds = await _fill(database_url, store)
        raw_count, raw_seconds = await _raw_select(store)
        report = await _replay(database_url, store)
    finally:
        await store.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    assert raw_count == count == report.events
    raw = f"sequential SELECT of the {count:,} rows"
    rows = [Row("replay, all projections", "events/s", report.rate, raw, raw_count / raw_seconds)]
    return rows, report, count, fill_seconds


def main() -> None:
    configure_logging("bench", fmt="console", level="error")  # one line per event otherwise
    rows, report, count, fill_seconds = asyncio.run(measure())

    print(f"\n{count:,} stored events written in {fill_seconds:.1f} s; replay per projection:")
    for rebuilt in report.projections:
        print(f"  {rebuilt.name:<20} {rebuilt.seconds:7.1f} s  {rebuilt.rate:>10,.0f} events/s")
    print(f"  {'read + decode':<20} {report.read_seconds:7.1f} s")
    print(f"  swap {report.swap_seconds * 1000:.0f} ms, replay total {report.seconds:.1f} s\n")
    print(render(rows))


if __name__ == "__main__":
    main()


async def replay_rows(notes: list[str] | None = None) -> list[Row]:
    """The replay row of `make bench` (quiet: projections log a line per odd event); the
    time of each projection goes to `notes`."""
    configure_logging("bench", fmt="console", level="error")
    rows, report, count, fill_seconds = await measure()
    if notes is not None:
        notes.append(
            f"replay of {count:,} events (stored in {fill_seconds:.0f} s): "
            + ", ".join(f"{p.name} {p.seconds:.1f} s" for p in report.projections)
            + f", read + decode {report.read_seconds:.1f} s, total {report.seconds:.1f} s"
        )
    return rows
