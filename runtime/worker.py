"""One bootstrap for every worker process (`alur serve NAME`, `python -m alur.workers.NAME`).

A worker module (alur/workers/) is wiring only: a `start(process)` that builds the worker's
typed dependencies once and says what runs, and a `main()` that calls `serve`:

- `feeds`: consumers of case events, each fed by its consumer group (runtime/consumer.py);
- `loops`: background loops of the same process (SLA firing, deadline keeping, notifier
  dispatching, the outbox relay), each started once the consumers are subscribed.

`Process` opens what a worker needs (its pool, its clock, anything else through `closing`)
and closes it in reverse order when the worker stops.

Start: `start(process)` → the consumers' tables → the topics (waiting for Kafka) → the broker
subscribed and started → the loops → `<name>_started`. Stop, on SIGTERM/SIGINT or when a loop
crashed: the loops are cancelled, the broker stops gracefully (the batch in hand finishes),
what the process opened is closed → `<name>_stopped`. A `SystemExit` from `start` (a
configuration the worker refuses) ends the process with its message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import tzinfo

import asyncpg
import structlog
import uvloop

from events import Topics
from events.topics import CASE_TYPES
from runtime.clock import Clock, start_clock
from runtime.consumer import GATHER_MS, Applier, Consumer, subscribe
from runtime.database import pool_when_ready
from runtime.heap import freeze_started
from runtime.kafka import Publish, consumer_broker, dead_letters_through, until_topics_exist
from runtime.lifecycle import run_until_stopped
from runtime.logs import configure_logging
from runtime.settings import AlurSettings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Feed:
    """Consumers fed by one consumer group, from the earliest offset: each batch is applied
    to all of them in one transaction (runtime/consumer.py `Applier`)."""

    group: str  # the consumer group id (`settings.group(...)`)
    consumers: Sequence[Consumer]
    batch_size: int  # events applied per transaction, at most
    attempts: int  # tries of a failing message before it is dead-lettered
    case_types: tuple[str, ...] = CASE_TYPES
    name: str | None = None  # what its log lines call it; default its first consumer's name
    # How long the broker may hold a fetch to gather more events into one batch
    # (runtime/consumer.py `subscribe`): a feed whose effects wait on nobody gathers longer.
    gather_ms: int = GATHER_MS


Loop = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Started:
    """What a worker's start built: what runs, and what its `<name>_started` line says."""

    pool: asyncpg.Pool | None = None  # where the feeds' consumers apply (needed with feeds)
    feeds: Sequence[Feed] = ()
    loops: Sequence[Loop] = ()
    says: Mapping[str, object] = field(default_factory=dict)


class Process:
    """What a worker process opened, closed in reverse order when it stops."""

    def __init__(self, settings: AlurSettings, exits: AsyncExitStack) -> None:
        self.settings = settings
        self._exits = exits
        # The worker's broker: its consumers' subscriptions, and what it publishes.
        self.broker = consumer_broker(settings.kafka_bootstrap_servers)
        self.publishes = False

    async def pool(self, max_size: int) -> asyncpg.Pool:
        """A pool on the worker's database, once PostgreSQL answers."""
        pool = await pool_when_ready(self.settings.database_url, max_size=max_size)
        self.closing(pool.close)
        return pool

    async def clock(self, time_zone: tzinfo) -> Clock:
        """The clock `ALUR_CLOCK` names (runtime/clock.py)."""
        kind = self.settings.checked_clock()
        clock = await start_clock(kind, self.settings.database_url, time_zone)
        self.closing(clock.close)
        return clock

    def dead_letters(self) -> Publish:
        """How the worker publishes to the dead-letter topic (on its broker)."""
        self.publishes = True
        return dead_letters_through(self.broker)

    def closing(self, close: Callable[[], Awaitable[object]]) -> None:
        """Call `close()` when the worker stops (after what was opened later)."""
        self._exits.push_async_callback(close)


Start = Callable[[Process], Awaitable[Started]]


def serve(name: str, settings: AlurSettings, start: Start) -> None:
    """Run a worker in the foreground until SIGTERM/SIGINT."""
    settings.checked_clock()  # a simulated clock outside a demo stops the start, with the reason
    configure_logging(name, fmt=settings.log_format, level=settings.log_level)
    uvloop.run(
        run_until_stopped(run(name, settings, start))
    )  # less CPU per event than asyncio's loop


async def run(name: str, settings: AlurSettings, start: Start) -> None:
    try:
        async with AsyncExitStack() as exits:
            process = Process(settings, exits)
            started = await start(process)
            topics = Topics(settings.namespace)
            for feed in started.feeds:
                subscribe(
                    process.broker,
                    topics,
                    feed.group,
                    await _applier(started, feed),
                    batch_size=feed.batch_size,
                    attempts=feed.attempts,
                    case_types=feed.case_types,
                    gather_ms=feed.gather_ms,
                )
            await until_topics_exist(settings.kafka_bootstrap_servers, topics)
            if started.feeds or process.publishes:
                await process.broker.start()
                exits.push_async_callback(process.broker.stop)
            loops = [asyncio.create_task(loop()) for loop in started.loops]
            exits.push_async_callback(_cancel, loops)
            freeze_started()
            log.info(f"{name}_started", **started.says)
            await _until_a_loop_ends(loops)
    finally:
        log.info(f"{name}_stopped")


async def _applier(started: Started, feed: Feed) -> Applier:
    assert started.pool is not None, "a worker with feeds returns its pool"
    applier = Applier(started.pool, *feed.consumers, name=feed.name)
    await applier.create_tables()
    return applier


async def _until_a_loop_ends(loops: list[asyncio.Task[None]]) -> None:
    """Wait for ever (the consumers run in the broker), or until a loop ends or crashes."""
    if not loops:
        await asyncio.Event().wait()
    done, _ = await asyncio.wait(loops, return_when=asyncio.FIRST_COMPLETED)
    for task in done:
        task.result()  # a crash stops the worker with its error


async def _cancel(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
