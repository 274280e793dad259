"""Rebuild projections from the first stored event, then swap them in atomically.

1. Fresh tables in a private schema (`search_path` puts it first, so projection SQL stays
   unqualified), built from the event store read in position order in large batches.
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
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field

import asyncpg
import structlog
from eventsourcing.persistence import Mapper, StoredEvent

from cases.store import envelope_of
from events import Envelope
from services.projections import ledger
from services.projections.projector import Projection, apply_new, lock_exclusive

log = structlog.get_logger(__name__)

BATCH = 20_000


@dataclass
class Rebuilt:
    """What one projection's replay did: events handed to it and the time it spent on them."""

    name: str
    events: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


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


class StoredEvents:
    """The event store's rows in position order, decoded with the store's own mapper."""

    def __init__(self, conn: asyncpg.Connection, mapper: Mapper) -> None:
        self._conn = conn
        self._mapper = mapper

    async def last_position(self) -> int:
        return await self._conn.fetchval(
            "SELECT coalesce(max(notification_id), 0) FROM casestore_events"
        )

    async def batches(
        self, after: int, upto: int | None, size: int = BATCH
    ) -> AsyncIterator[list[Envelope]]:
        """Batches of envelopes with after < position (<= upto); the next is read meanwhile."""
        pending = asyncio.ensure_future(self._rows(after, upto, size))
        while True:
            rows = await pending
            if not rows:
                return
            pending = asyncio.ensure_future(self._rows(rows[-1][0], upto, size))
            try:
                yield self.decode(rows)
            except BaseException:
                pending.cancel()
                raise

    async def _rows(self, after: int, upto: int | None, size: int) -> list[asyncpg.Record]:
        return await self._conn.fetch(
            "SELECT notification_id, originator_id, originator_version, topic, state"
            " FROM casestore_events WHERE notification_id > $1"
            " AND ($2::bigint IS NULL OR notification_id <= $2)"
            " ORDER BY notification_id LIMIT $3",
            after,
            upto,
            size,
        )

    def decode(self, rows: Sequence[asyncpg.Record]) -> list[Envelope]:
        to_domain_event = self._mapper.to_domain_event
        return [
            envelope_of(
                to_domain_event(StoredEvent(r[1], r[2], r[3], r[4])),  # type: ignore[arg-type]
                r[0],
            )
            for r in rows
        ]


async def replay(
    pool: asyncpg.Pool,
    mapper: Mapper,
    projections: Sequence[Projection],
    say: Callable[[str], None] = lambda line: None,
) -> ReplayReport:
    """Rebuild `projections` from the first event and swap them in; returns what it did."""
    report = ReplayReport(projections=[Rebuilt(p.name) for p in projections])
    started = time.perf_counter()
    schema = f"alur_replay_{uuid.uuid4().hex[:12]}"
    async with pool.acquire() as reader, pool.acquire() as conn:
        live = await conn.fetchval("SELECT current_schema()")
        await ledger.create(conn)  # the live watermarks table, if nothing created it yet
        events = StoredEvents(reader, mapper)
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            await conn.execute(f'SET search_path TO "{schema}", "{live}"')
            for projection in projections:
                await ledger.create(conn)
                await projection.create(conn)
            upto = await events.last_position()
            say(f"replaying {len(projections)} projection(s) up to position {upto}")
            position = await _build(conn, events, projections, report, after=0, upto=upto)
            swap_started = time.perf_counter()
            async with conn.transaction():
                for projection in sorted(projections, key=lambda p: p.name):
                    await lock_exclusive(conn, projection.name)
                await _build(conn, events, projections, report, after=position, upto=None)
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


async def _build(
    conn: asyncpg.Connection,
    events: StoredEvents,
    projections: Sequence[Projection],
    report: ReplayReport,
    after: int,
    upto: int | None,
) -> int:
    """Apply the stored events in (after, upto] to the fresh tables; the last position read."""
    position = after
    clock = time.perf_counter()
    batches = events.batches(after, upto)
    async for envelopes in batches:
        report.read_seconds += time.perf_counter() - clock
        async with conn.transaction():
            for projection, rebuilt in zip(projections, report.projections, strict=True):
                begun = time.perf_counter()
                await apply_new(conn, projection, envelopes)
                rebuilt.seconds += time.perf_counter() - begun
                rebuilt.events += len(envelopes)
        report.events += len(envelopes)
        position = envelopes[-1].position
        clock = time.perf_counter()
    return position


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
