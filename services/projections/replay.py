"""Rebuild projections from the first stored event, then swap them in atomically.

1. Fresh tables in a private schema (`search_path` puts it first, so projection SQL stays
   unqualified), built from the event store read in position order in large batches
   (`EventStore.batches`, which reads the next batch while this one is applied). A replay
   given another `Lane` hands it some of the projections: it builds their tables in the same
   schema, up to the same position, in another process (the second core; the projections
   share no tables).
2. One transaction: take each projection's exclusive lock (live batches hold it shared, so
   the live consumer pauses), apply the events stored meanwhile, replace the live tables with
   the fresh ones (`DROP` + `ALTER TABLE … SET SCHEMA`) and the projection's watermarks with
   the fresh ones, commit. Readers keep reading the old tables until that commit.

The watermarks (services/projections/ledger.py) say, per case, the last version the rebuilt
tables hold; the live consumer, whatever its Kafka offset, skips what is at or below them and
applies what is above. So it neither re-applies nor skips an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import asyncpg
import structlog

from cases import EventStore
from runtime.delivery import POISON
from services.projections import ledger
from services.projections.projector import Projection, apply_new, lock_exclusive

log = structlog.get_logger(__name__)

# What fails the same way however often it is tried.
UNAPPLICABLE = (asyncpg.DataError, *POISON)

# The collector's thresholds while a replay runs: a young generation 100 times larger than the
# default 700 allocations. A replay makes millions of short-lived objects (rows, envelopes,
# payloads) and almost no cycles; with the defaults the collector took 40% of its time.
REPLAY_GC_THRESHOLDS = (70_000, 20, 100)


@contextlib.contextmanager
def collector_for_replay() -> Iterator[None]:
    """What lived before the replay (modules, SOPs, sources) is frozen out of the collector's
    scans, and young collections are rarer; both are restored afterwards."""
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*REPLAY_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


@dataclass
class Rebuilt:
    """What one projection's replay did: events handed to it and the time it spent on them."""

    name: str
    events: int = 0
    seconds: float = 0.0
    skipped: int = 0  # events it could not apply (a live consumer dead-letters them)

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


class Lane(Protocol):
    """Builds some projections' fresh tables elsewhere (another process), meanwhile."""

    names: frozenset[str]  # the projections it builds

    async def build(self, schema: str, live: str, upto: int) -> LaneReport:
        """Build the projections `names` in `schema` (then `live` on the search path) from
        the first event up to position `upto`, committed when it returns."""
        ...


@dataclass
class LaneReport:
    """What a lane did: the events it read and decoded, and each projection it built."""

    events: int = 0
    read_seconds: float = 0.0
    projections: list[Rebuilt] = field(default_factory=list)


@dataclass
class ReplayReport:
    events: int = 0  # stored events read (built + caught up in the swap)
    read_seconds: float = 0.0  # reading and decoding them
    seconds: float = 0.0  # the whole replay, swap included
    swap_seconds: float = 0.0  # the swap transaction: catch up, replace, commit
    projections: list[Rebuilt] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


async def replay(
    pool: asyncpg.Pool,
    store: EventStore,
    projections: Sequence[Projection],
    say: Callable[[str], None] = lambda line: None,
    lane: Lane | None = None,
) -> ReplayReport:
    """Rebuild `projections` from the first event and swap them in; returns what it did.
    `lane`, when given, builds the projections it names meanwhile (the rest are built here)."""
    with collector_for_replay():
        return await _replay(pool, store, projections, say, lane)


async def _replay(
    pool: asyncpg.Pool,
    store: EventStore,
    projections: Sequence[Projection],
    say: Callable[[str], None],
    lane: Lane | None,
) -> ReplayReport:
    report = ReplayReport(projections=[Rebuilt(p.name) for p in projections])
    if lane is not None and not lane.names < {p.name for p in projections}:
        lane = None  # it would build every projection, or ones not asked for: build here
    started = time.perf_counter()
    schema = f"alur_replay_{uuid.uuid4().hex[:12]}"
    async with pool.acquire() as conn:
        live = await conn.fetchval("SELECT current_schema()")
        await ledger.create(conn)  # the live watermarks table, if nothing created it yet
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            await conn.execute(f'SET search_path TO "{schema}", "{live}"')
            for projection in projections:
                await ledger.create(conn)
                await projection.create(conn)
            upto = await store.last_position()
            elsewhere = f"; {len(lane.names)} of them in a second process" if lane else ""
            say(f"replaying {len(projections)} projection(s) up to position {upto}{elsewhere}")
            position = await _build_fresh(
                conn, store, projections, report, schema, live, upto, lane
            )
            swap_started = time.perf_counter()
            async with conn.transaction():
                for projection in sorted(projections, key=lambda p: p.name):
                    await lock_exclusive(conn, projection.name)
                await _build(conn, store, projections, report, after=position, upto=None)
                for projection in projections:
                    await _swap(conn, projection, schema, live)
                await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            report.swap_seconds = time.perf_counter() - swap_started
        except BaseException:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            raise
        finally:
            await conn.execute("RESET search_path")
    report.seconds = time.perf_counter() - started
    for rebuilt in report.projections:
        log.info(
            "projection_replayed",
            projection=rebuilt.name,
            events=rebuilt.events,
            seconds=round(rebuilt.seconds, 3),
        )
    return report


async def _build_fresh(
    conn: asyncpg.Connection,
    store: EventStore,
    projections: Sequence[Projection],
    report: ReplayReport,
    schema: str,
    live: str,
    upto: int,
    lane: Lane | None,
) -> int:
    """Build the fresh tables up to `upto`, here and in `lane`; the last position read."""
    if lane is None:
        return await build(conn, store, projections, report, upto)
    here = [p for p in projections if p.name not in lane.names]
    part = LaneReport(projections=[r for r in report.projections if r.name not in lane.names])
    try:
        async with asyncio.TaskGroup() as both:  # one failing stops the other
            building = both.create_task(build(conn, store, here, part, upto))
            elsewhere = both.create_task(lane.build(schema, live, upto))
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None  # what failed first, as without a lane
    there = {r.name: r for r in elsewhere.result().projections}
    report.projections = [there.get(r.name, r) for r in report.projections]  # `part`'s are here
    report.events = part.events  # both read the same events
    report.read_seconds = part.read_seconds + elsewhere.result().read_seconds
    return building.result()


async def build(
    conn: asyncpg.Connection,
    store: EventStore,
    projections: Sequence[Projection],
    report: LaneReport | ReplayReport,
    upto: int,
) -> int:
    """Apply the stored events up to `upto` to fresh tables (`search_path` names their schema);
    the last position read. Each batch's commit does not wait for the WAL to reach the disk:
    the fresh tables are read by nobody before the swap, and a crash leaves a private schema
    to drop, never a half-built read model. The swap's transaction is durable as always."""
    return await _build(conn, store, projections, report, after=0, upto=upto, flushed=False)


async def _build(
    conn: asyncpg.Connection,
    store: EventStore,
    projections: Sequence[Projection],
    report: LaneReport | ReplayReport,
    after: int,
    upto: int | None,
    *,
    flushed: bool = True,
) -> int:
    """Apply the stored events in (after, upto] to the tables; the last position read.
    `report.projections` are the projections' `Rebuilt`, in the same order."""
    position = after
    clock = time.perf_counter()
    async for envelopes in store.batches(after, upto):
        report.read_seconds += time.perf_counter() - clock
        async with conn.transaction():
            if not flushed:
                await conn.execute("SET LOCAL synchronous_commit TO off")
            for projection, rebuilt in zip(projections, report.projections, strict=True):
                begun = time.perf_counter()
                await _apply(conn, projection, envelopes, rebuilt)
                rebuilt.seconds += time.perf_counter() - begun
                rebuilt.events += len(envelopes)
        report.events += len(envelopes)
        position = envelopes[-1].position
        clock = time.perf_counter()
    return position


async def _apply(
    conn: asyncpg.Connection, projection: Projection, envelopes: list, rebuilt: Rebuilt
) -> None:
    """Apply a batch; an event the projection cannot apply (text PostgreSQL does not take, a
    payload that does not parse) is skipped and logged, as the live consumer dead-letters it
    (runtime/delivery.py): the rebuilt tables hold what the live ones do."""
    try:
        async with conn.transaction():  # a savepoint: a failed batch leaves nothing behind
            await apply_new(conn, projection, envelopes)
        return
    except UNAPPLICABLE:
        if len(envelopes) == 1:
            raise
    for envelope in envelopes:
        try:
            async with conn.transaction():
                await apply_new(conn, projection, [envelope])
        except UNAPPLICABLE as error:
            rebuilt.skipped += 1
            log.error(
                "replay_event_skipped",
                projection=projection.name,
                case_id=str(envelope.case_id),
                event_id=str(envelope.event_id),
                position=envelope.position,
                reason=repr(error)[:500],
            )


async def _swap(conn: asyncpg.Connection, projection: Projection, schema: str, live: str) -> None:
    """Inside the swap transaction: the fresh tables and watermarks replace the live ones."""
    for table in projection.tables:
        await conn.execute(f'DROP TABLE IF EXISTS "{live}"."{table}"')
        await conn.execute(f'ALTER TABLE "{schema}"."{table}" SET SCHEMA "{live}"')
    await conn.execute(
        f'DELETE FROM "{live}".{ledger.TABLE} WHERE projection = $1',  # noqa: S608
        projection.name,
    )
    await conn.execute(
        f'INSERT INTO "{live}".{ledger.TABLE}'  # noqa: S608 - our own names
        f' SELECT * FROM "{schema}".{ledger.TABLE} WHERE projection = $1',
        projection.name,
    )
