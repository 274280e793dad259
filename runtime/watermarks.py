"""How far each consumer has applied each case: the one deduplication record of Alur's consumers.

One row per (consumer, case): the case version (and its global position) of the last event of
the case the consumer applied, written in the same PostgreSQL transaction as the effect. The
key is (case, consumer), case first: a batch reads the marks of its few cases for all its
consumers, and with the consumer first PostgreSQL read every case of those consumers whenever
the table's statistics were missing or stale (a new or freshly replayed table: 6 ms per batch
instead of 0.3 ms at 3,000 cases).

Why per-case watermarks, for every consumer (routing, SLA timers, notifier, projections):
- Kafka delivers at least once, and a case's events in order: they are keyed by case id, so
  they travel on one partition, in case-version order. An event at or below its case's
  watermark is therefore a redelivery (skipped); anything above it is new.
- One row per case instead of one per event keeps the table as small as the set of cases, and
  one query per batch reads the marks of all the batch's cases.
- A replay hands over exactly: the watermarks say what the rebuilt tables hold, whatever the
  live consumer's Kafka offsets (services/projections/replay.py swaps them with the tables).
What it assumes: nothing re-publishes an older event of a case *as new* after a later one was
applied (a dead letter sent back by hand after later events of its case is skipped).

Projections keep their marks in `projection_watermarks` (part of each read model: a replay
swaps them with its tables); the workers in `consumer_watermarks`. Same columns, same code.

Installations upgraded from the event-id ledgers (`routing_applied_events`,
`sla_applied_events`, `notifier_planned_events`): a consumer that names its old ledger
(`replaces`) also skips the events listed there, as long as that table exists when the worker
starts. Only events the old worker applied without committing their Kafka offsets can come
again, so the old table may be dropped, while the worker is stopped, once the upgraded worker
has caught up.

Marks that something may replace while their consumer runs (a replay's swap of a projection,
`WatermarkTable(swapped=True)`) are guarded by a lock: every batch holds `lock_shared` for its
transaction, the swap holds `lock_exclusive`. The workers' marks are never swapped, so their
batches skip that round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from events import Envelope
from runtime.database import create_once


@dataclass(frozen=True)
class WatermarkTable:
    name: str = "consumer_watermarks"
    key: str = "consumer"  # the column naming the consumer
    swapped: bool = False  # replaced while the consumer runs (a replay): batches lock them

    def __post_init__(self) -> None:
        for identifier in (self.name, self.key):
            if not identifier.isidentifier():
                raise ValueError(f"not an SQL identifier: {identifier!r}")

    async def create(self, conn: asyncpg.Connection) -> None:
        """Create the table (in the first schema of the search path) if it is missing."""
        await create_once(
            conn,
            self.name,
            f"""
            CREATE TABLE IF NOT EXISTS {self.name} (
                {self.key} text NOT NULL,
                case_id uuid NOT NULL,
                case_version integer NOT NULL,  -- the last version of the case applied
                position bigint NOT NULL,  -- that event's global position
                PRIMARY KEY (case_id, {self.key})
            );
            DO $$
            DECLARE old_key name;
            BEGIN  -- an earlier version keyed the table by consumer first: case first now
                SELECT c.conname INTO old_key
                FROM pg_constraint c JOIN pg_attribute a
                  ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.conrelid = '{self.name}'::regclass AND c.contype = 'p'
                  AND a.attname = '{self.key}';
                IF old_key IS NOT NULL THEN
                    EXECUTE format(
                        'ALTER TABLE {self.name} DROP CONSTRAINT %I,'
                        ' ADD PRIMARY KEY (case_id, {self.key})', old_key);
                END IF;
            END $$;
            """,  # noqa: S608 - identifiers checked in __post_init__
        )

    def of(self, consumer: str, *, replaces: str | None = None) -> Watermarks:
        return Watermarks(self, consumer, replaces)


# The workers' marks (routing, SLA timers, notifier).
CONSUMERS = WatermarkTable()


@dataclass(frozen=True)
class Watermarks:
    """One consumer's marks."""

    table: WatermarkTable
    consumer: str
    replaces: str | None = None  # the consumer's event-id ledger before the watermarks

    def __post_init__(self) -> None:
        if self.replaces is not None and not self.replaces.isidentifier():
            raise ValueError(f"not a table name: {self.replaces!r}")

    async def claim(
        self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]
    ) -> list[Envelope]:
        """Inside the caller's transaction: the envelopes not applied yet (in the order
        given), marked applied."""
        return (await claim_together(conn, [self], envelopes))[0]

    async def replaced_ledger(self, conn: asyncpg.Connection) -> str | None:
        """The old event-id ledger, if this installation still has it."""
        if self.replaces is None:
            return None
        found = await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", self.replaces)
        return self.replaces if found else None

    async def applied_before(
        self, conn: asyncpg.Connection, ledger: str, envelopes: Sequence[Envelope]
    ) -> set[UUID]:
        """Which of the envelopes the old event-id ledger lists as applied."""
        if not envelopes:
            return set()
        rows = await conn.fetch(
            f"SELECT event_id FROM {ledger} WHERE event_id = ANY($1::uuid[])",  # noqa: S608
            [e.event_id for e in envelopes],
        )
        return {r["event_id"] for r in rows}

    async def lock_shared(self, conn: asyncpg.Connection) -> None:
        await lock_shared_together(conn, [self])

    async def lock_exclusive(self, conn: asyncpg.Connection) -> None:
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", self.lock_key)

    @property
    def lock_key(self) -> str:
        return f"alur.{self.table.name}.{self.consumer}"


async def claim_together(
    conn: asyncpg.Connection, consumers: Sequence[Watermarks], envelopes: Sequence[Envelope]
) -> list[list[Envelope]]:
    """`Watermarks.claim` for several consumers of one batch (one transaction applies them
    all): per consumer, the envelopes it has not applied yet, in the order given. One read
    and one write per watermark table, whatever the number of consumers."""
    fresh: dict[tuple[str, str], list[Envelope]] = {}
    by_table: dict[WatermarkTable, list[str]] = {}
    for marks in consumers:
        by_table.setdefault(marks.table, []).append(marks.consumer)
    cases = list({e.case_id for e in envelopes})
    for table, names in by_table.items():
        rows = await conn.fetch(
            f"SELECT {table.key}, case_id, case_version FROM {table.name}"  # noqa: S608 - checked identifiers
            f" WHERE {table.key} = ANY($1::text[]) AND case_id = ANY($2::uuid[])",
            names,
            cases,
        )
        marks: dict[tuple[str, UUID], int] = {(r[0], r[1]): r[2] for r in rows}
        moved: dict[tuple[str, UUID], Envelope] = {}
        for name in names:
            kept = fresh[(table.name, name)] = []
            for envelope in envelopes:
                mark = (name, envelope.case_id)
                if envelope.case_version > marks.get(mark, -1):
                    kept.append(envelope)
                    marks[mark] = envelope.case_version
                    moved[mark] = envelope
        if moved:
            await conn.execute(
                f"INSERT INTO {table.name} ({table.key}, case_id, case_version, position)"  # noqa: S608
                " SELECT * FROM unnest($1::text[], $2::uuid[], $3::integer[], $4::bigint[])"
                f" ON CONFLICT ({table.key}, case_id) DO UPDATE"
                " SET case_version = EXCLUDED.case_version, position = EXCLUDED.position",
                [name for name, _ in moved],
                [case for _, case in moved],
                [e.case_version for e in moved.values()],
                [e.position for e in moved.values()],
            )
    return [fresh[(m.table.name, m.consumer)] for m in consumers]


async def lock_shared_together(conn: asyncpg.Connection, consumers: Sequence[Watermarks]) -> None:
    """Hold the consumers' marks shared until the transaction ends, in one round trip. Locks
    are taken in key order (a replay's swap takes its exclusive ones in the same order), so
    the two never wait on each other in a circle."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock_shared(hashtext(k)) FROM unnest($1::text[]) AS k",
        sorted({m.lock_key for m in consumers}),
    )
