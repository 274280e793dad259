"""Appending changes to the events table on asyncpg, in the event loop (part of the PostgreSQL
adapter, cases/postgres.py).

The library appends with psycopg, synchronously, so every append crossed into a worker thread
and back: a fifth of the web's CPU per complaint. Here the same transaction is written on the
adapter's asyncpg pool, with the library's own rules (eventsourcing's
`PostgresApplicationRecorder`): the table is locked EXCLUSIVE (with the library's lock timeout)
so positions commit in the order they were given, the table's channel is notified, the events
are inserted in one statement whose `RETURNING` gives their positions in order. The tracking
records and inbound messages go in the same statement (data-modifying CTEs): all or nothing.

The stored form (topic, state) is the library's mapper's, so loading and every reader see
exactly what the library would have written; the hash chain's trigger links each row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from cases.codec import envelope_of_event
from cases.port import CaseConflict, Change, StoreUnavailable
from events import Envelope


@dataclass(frozen=True)
class AppendSql:
    lock: str  # lock timeout, table lock and NOTIFY, in one round trip
    insert: str

    @classmethod
    def of(cls, table: str, channel: str, lock_timeout_seconds: int) -> AppendSql:
        # The names come from the library (our application's name), never from input.
        return cls(
            lock=f"SET LOCAL lock_timeout = '{int(lock_timeout_seconds)}s';"
            f' LOCK TABLE "{table}" IN EXCLUSIVE MODE; NOTIFY "{channel}"',
            insert="WITH tracking AS ("  # noqa: S608 - the library's names
            " INSERT INTO intake_tracking (tracking_number, case_id, pin_hash)"
            " SELECT * FROM unnest($5::text[], $6::uuid[], $7::bytea[])"
            "), inbound AS ("
            " INSERT INTO inbound_messages (channel, message_key, case_id)"
            " SELECT * FROM unnest($8::text[], $9::text[], $10::uuid[])"
            f') INSERT INTO "{table}" (originator_id, originator_version, topic, state)'
            " SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::bytea[])"
            " RETURNING notification_id",
        )


async def append(
    pool: asyncpg.Pool, sql: AppendSql, mapper: Any, changes: Sequence[Change]
) -> list[list[Envelope]]:
    """Store the changes in one transaction (the port's `commit`); `CaseConflict` when a case
    version, a tracking number or an inbound message is stored already."""
    events = [event for change in changes for event in change.events]
    if not events:
        return [[] for _ in changes]
    stored = [mapper.to_stored_event(event) for event in events]
    tracking = [change.tracking for change in changes if change.tracking is not None]
    inbound = [message for change in changes for message in change.inbound]
    try:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(sql.lock)
            rows = await conn.fetch(
                sql.insert,
                [s.originator_id for s in stored],
                [s.originator_version for s in stored],
                [s.topic for s in stored],
                [s.state for s in stored],
                [t.number for t in tracking],
                [t.case_id for t in tracking],
                [t.pin_hash for t in tracking],
                [m.channel for m in inbound],
                [m.key for m in inbound],
                [m.case_id for m in inbound],
            )
    except asyncpg.IntegrityConstraintViolationError as error:
        raise CaseConflict(str(error)) from error
    except asyncpg.LockNotAvailableError as error:  # the library's lock timeout
        raise StoreUnavailable(f"event store busy: {error!r}") from error
    positions = iter(row[0] for row in rows)
    stored_envelopes = iter(envelope_of_event(event, next(positions)) for event in events)
    return [[next(stored_envelopes) for _ in change.events] for change in changes]
