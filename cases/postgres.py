"""The event store on PostgreSQL: the `eventsourcing` library loads cases (psycopg, synchronous,
run in a thread) and gives the stored form of events; appends (cases/appends.py) and what is
read in position order go through asyncpg, in the event loop.

This adapter (with cases/appends.py) is the only code that knows the library's tables: the
events table (named by the library after the application, `casestore_events`) with its NOTIFY
channel, and the tracking table and sequences kept with it. It installs the hash chain on the
events table (cases/chain.py), and every failure to reach PostgreSQL leaves it as
`StoreUnavailable`.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit
from uuid import UUID

import asyncpg
import eventsourcing.persistence
import psycopg
import structlog
from eventsourcing.postgres import PostgresApplicationRecorder

from cases.appends import AppendSql, append
from cases.chain import install as install_chain
from cases.codec import StoredFact, StoredRecord, envelope_of_row, stored_fact
from cases.journal import CaseJournal, JournalStore
from cases.port import BATCH, Change, InboundMessage, StoreUnavailable, TrackingRecord
from events import Envelope
from runtime.database import create_once, no_session_reset
from runtime.listening import ChannelListener
from runtime.outages import POSTGRES_AWAY

log = structlog.get_logger(__name__)

T = TypeVar("T")

# PostgreSQL cannot be reached, or the store was closed: an outage, not a bad request.
OUTAGES = (
    OSError,  # refused, reset, unreachable, timed out (asyncpg)
    psycopg.OperationalError,  # includes the pool's timeouts and a closed pool
    psycopg.InterfaceError,
    eventsourcing.persistence.OperationalError,
    eventsourcing.persistence.InterfaceError,
    *POSTGRES_AWAY,
)

# The tracking numbers were intake's own table once; the names stay for existing stores.
TRACKING_SCHEMA = """
CREATE TABLE IF NOT EXISTS intake_tracking (
    tracking_number text PRIMARY KEY,
    case_id uuid NOT NULL UNIQUE,
    pin_hash bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
"""
SELECT_TRACKING = "SELECT case_id, pin_hash FROM intake_tracking WHERE tracking_number = $1"
# An inbound message's identity on its channel, stored with the events it became.
INBOUND_SCHEMA = """
CREATE TABLE IF NOT EXISTS inbound_messages (
    channel text NOT NULL,
    message_key text NOT NULL,
    case_id uuid NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (channel, message_key)
);
CREATE INDEX IF NOT EXISTS inbound_messages_case ON inbound_messages (case_id, channel);
"""
SELECT_INBOUND = "SELECT case_id FROM inbound_messages WHERE channel = $1 AND message_key = $2"
SELECT_INBOUND_OF = (
    "SELECT message_key FROM inbound_messages WHERE case_id = $1 AND channel = $2"
    " ORDER BY stored_at, message_key"
)
SELECT_INBOUND_ON = (
    "SELECT message_key, case_id FROM inbound_messages WHERE channel = $1"
    " ORDER BY stored_at, message_key"
)
LOCK_TIMEOUT_SECONDS = 5  # waiting for the events table's lock longer is an outage
SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9]+)?")


def postgres_env(database_url: str, pool_size: int = 2, setup: bool = True) -> dict[str, str]:
    """The `eventsourcing` PostgreSQL settings for a `postgresql://` URL."""
    url = urlsplit(database_url)
    if url.scheme not in ("postgresql", "postgres"):
        raise ValueError(f"DATABASE_URL must be a postgresql:// URL, not {url.scheme!r}")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": url.path.lstrip("/"),
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or ""),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS),
        # Off on purpose: in 9.5 it mixes tables between applications and loses ordering.
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
        "CREATE_TABLE": "y" if setup else "n",
    }


@contextlib.contextmanager
def _outages() -> Iterator[None]:
    try:
        yield
    except StoreUnavailable:
        raise
    except OUTAGES as error:
        raise StoreUnavailable(f"event store unreachable: {error!r}") from error


def _journal(database_url: str, pool_size: int, setup: bool) -> CaseJournal:
    """The library's application (sync: call it in a thread); with `setup`, the tables and
    the hash chain are created first, by one process at a time (two concurrent CREATE TABLE
    IF NOT EXISTS can fail)."""
    env = postgres_env(database_url, pool_size, setup)
    if not setup:
        return CaseJournal(env=env)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext('alur.casestore.setup'))")
        journal = CaseJournal(env=env)
        try:
            with conn.transaction(), conn.cursor() as cursor:
                cursor.execute(TRACKING_SCHEMA)
                cursor.execute(INBOUND_SCHEMA)
                install_chain(cursor, _recorder(journal).events_table_name)
        except BaseException:
            journal.close()
            raise
    return journal


def _recorder(journal: CaseJournal) -> PostgresApplicationRecorder:
    recorder = journal.recorder
    assert isinstance(recorder, PostgresApplicationRecorder), recorder
    return recorder


@dataclass(frozen=True)
class _Reads:
    """What the adapter reads from the events table itself (asyncpg), in position order."""

    after: str
    last: str
    history: str
    records: str

    @classmethod
    def of(cls, table: str) -> _Reads:
        # The table's name comes from the library (our application's name), never from input.
        return cls(
            after=f"SELECT notification_id, originator_id, originator_version, state FROM {table}"  # noqa: S608
            " WHERE notification_id > $1 AND ($2::bigint IS NULL OR notification_id <= $2)"
            " ORDER BY notification_id LIMIT $3",
            last=f"SELECT coalesce(max(notification_id), 0) FROM {table}",  # noqa: S608
            history=f"SELECT notification_id, originator_version, state FROM {table}"  # noqa: S608
            " WHERE originator_id = $1 ORDER BY originator_version",
            records="SELECT notification_id, originator_id, originator_version, topic, state"  # noqa: S608
            f" FROM {table} ORDER BY notification_id",
        )


class PostgresEventStore(JournalStore):
    """The event-store port (cases/port.py) on PostgreSQL."""

    def __init__(self, journal: CaseJournal, pool: asyncpg.Pool, database_url: str) -> None:
        super().__init__(journal)
        self._pool = pool
        self._database_url = database_url
        recorder = _recorder(journal)
        self._channel = recorder.channel_name
        self._sql = _Reads.of(recorder.events_table_name)
        self._appends = AppendSql.of(
            recorder.events_table_name, recorder.channel_name, LOCK_TIMEOUT_SECONDS
        )
        self._sequences: set[str] = set()
        self._listeners: list[ChannelListener] = []

    @classmethod
    async def connect(
        cls,
        database_url: str,
        *,
        pool_size: int = 2,
        setup: bool = True,
        wait_seconds: float | None = None,
    ) -> PostgresEventStore:
        """The store, once PostgreSQL accepts its connections (it may be starting or busy).

        `pool_size`: connections the library keeps open (the web, with many requests at once,
        wants more than a worker that appends from one loop). `setup`: create the tables and
        install the hash chain (the auditor reads without changing anything). `wait_seconds`:
        give up (`StoreUnavailable`) after that long; None waits as long as it takes.
        """
        loop = asyncio.get_running_loop()
        give_up = None if wait_seconds is None else loop.time() + wait_seconds
        while True:
            try:
                return await cls._open(database_url, pool_size, setup)
            except StoreUnavailable as error:
                if give_up is not None and loop.time() >= give_up:
                    raise
                log.warning("postgres_not_ready", error=repr(error))
                await asyncio.sleep(1)

    @classmethod
    async def _open(cls, database_url: str, pool_size: int, setup: bool) -> PostgresEventStore:
        with _outages():
            journal = await asyncio.to_thread(_journal, database_url, pool_size, setup)
            try:
                pool = await asyncpg.create_pool(
                    database_url,
                    min_size=1,
                    max_size=max(2, pool_size),  # appends and reads
                    reset=no_session_reset,  # no session state: snapshots are per transaction
                )
            except BaseException:
                await asyncio.to_thread(journal.close)
                raise
        return cls(journal, pool, database_url)

    async def _call(self, call: Callable[..., T], *args: Any) -> T:
        with _outages():
            return await asyncio.to_thread(call, *args)

    async def commit(self, *changes: Change) -> list[list[Envelope]]:
        """On asyncpg, in the event loop (cases/appends.py); loading stays the library's."""
        with _outages():
            return await append(self._pool, self._appends, self._journal.mapper, changes)

    async def read_after(self, position: int, limit: int) -> list[Envelope]:
        return _envelopes(await self._fetch(self._sql.after, position, None, limit))

    async def last_position(self) -> int:
        rows = await self._fetch(self._sql.last)
        return rows[0][0] if rows else 0

    async def batches(
        self, after: int = 0, upto: int | None = None, size: int = BATCH
    ) -> AsyncIterator[list[Envelope]]:
        # The next batch is read while the caller works on this one.
        pending = asyncio.ensure_future(self._fetch(self._sql.after, after, upto, size))
        try:
            while rows := await pending:
                pending = asyncio.ensure_future(
                    self._fetch(self._sql.after, rows[-1][0], upto, size)
                )
                yield _envelopes(rows)
        finally:
            pending.cancel()

    async def history(self, case_id: UUID) -> list[StoredFact]:
        rows = await self._fetch(self._sql.history, case_id)
        return [stored_fact(position, version, state) for position, version, state in rows]

    async def records(self, *, snapshot: str | None = None) -> AsyncIterator[StoredRecord]:
        if snapshot is not None and not SNAPSHOT_ID.fullmatch(snapshot):
            raise ValueError(f"not a PostgreSQL snapshot id: {snapshot!r}")
        with _outages():
            async with (
                self._pool.acquire() as conn,
                conn.transaction(isolation="repeatable_read", readonly=True),
            ):
                if snapshot is not None:
                    await conn.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                with contextlib.suppress(asyncpg.UndefinedTableError):  # nothing stored yet
                    async for row in conn.cursor(self._sql.records, prefetch=10_000):
                        yield StoredRecord(*row)

    async def tracking(self, number: str) -> TrackingRecord | None:
        rows = await self._fetch(SELECT_TRACKING, number)
        return TrackingRecord(number, rows[0][0], rows[0][1]) if rows else None

    async def inbound(self, channel: str, key: str) -> InboundMessage | None:
        rows = await self._fetch(SELECT_INBOUND, channel, key)
        return InboundMessage(channel, key, rows[0][0]) if rows else None

    async def inbound_of(self, case_id: UUID, channel: str) -> list[InboundMessage]:
        rows = await self._fetch(SELECT_INBOUND_OF, case_id, channel)
        return [InboundMessage(channel, row[0], case_id) for row in rows]

    async def inbound_on(self, channel: str) -> list[InboundMessage]:
        rows = await self._fetch(SELECT_INBOUND_ON, channel)
        return [InboundMessage(channel, key, case_id) for key, case_id in rows]

    async def next_tracking_value(self, prefix: str, year: int) -> int:
        if not re.fullmatch(r"[A-Za-z]{2,8}", prefix):
            raise ValueError(f"a tracking number prefix is 2-8 letters, not {prefix!r}")
        sequence = f"intake_tracking_{prefix.lower()}_{int(year)}"
        with _outages():
            if sequence not in self._sequences:
                async with self._pool.acquire() as conn:  # other processes may create it too
                    await create_once(conn, sequence, f"CREATE SEQUENCE IF NOT EXISTS {sequence}")
                self._sequences.add(sequence)
            return await self._pool.fetchval(f"SELECT nextval('{sequence}')")

    async def wake_on_append(self, wake: asyncio.Event) -> None:
        # Every append NOTIFYs the channel inside its transaction. After a lost connection the
        # worker is woken once more for anything appended while nobody listened.
        listener = ChannelListener(
            self._database_url, {self._channel: lambda _: wake.set()}, on_restored=wake.set
        )
        with _outages():
            await listener.start()
        self._listeners.append(listener)

    async def close(self) -> None:
        for listener in self._listeners:
            await listener.close()
        await self._pool.close()
        await asyncio.to_thread(self._journal.close)

    async def _fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        with _outages():
            try:
                return await self._pool.fetch(query, *args)
            except asyncpg.UndefinedTableError:  # a store that was never set up holds nothing
                return []


def _envelopes(rows: Sequence[asyncpg.Record]) -> list[Envelope]:
    return [envelope_of_row(r[0], r[1], r[2], r[3]) for r in rows]
