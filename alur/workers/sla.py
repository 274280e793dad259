"""Entry point of the SLA timer worker: `alur serve sla`.

One FastStream batch subscriber (its own consumer group, every case topic, from the earliest
offset) keeps the timers table in step with the cases; a polling loop in the same process
fires due timers every `ALUR_SLA_POLL_SECONDS`. Several SLA workers may run: Kafka splits the
partitions between their subscribers, and their polling loops share the timers through row
locks (`FOR UPDATE SKIP LOCKED`).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from faststream import FastStream

from cases import PostgresEventStore
from events import Topics
from office.calendar import step_duration
from office.closures import ClosureBook, office_calendar
from officers import OfficerDirectory
from runtime.clock import start_clock
from runtime.database import pool_when_ready
from runtime.kafka import consumer_broker, ensure_topics, subscribe_case_events
from runtime.logs import configure_logging
from services.sla import deadline_changes, lapor, suspension
from services.sla.applier import TimerApplier
from services.sla.firing import STILL_RUNNING, Firing
from services.sla.recompute import CalendarWatch, keep_deadlines
from services.sla.settings import SlaSettings
from sop.definition import SopDefinition, Step
from sop.registry import SopRegistry

log = structlog.get_logger(__name__)


def build_app(settings: SlaSettings) -> FastStream:
    topics = Topics(settings.namespace)
    office = settings.office()
    broker = consumer_broker(settings.kafka_bootstrap_servers)
    app = FastStream(broker, logger=None)
    state: dict[str, Any] = {}

    subscribe_case_events(
        broker,
        topics,
        settings.group("sla"),
        lambda: state["applier"],
        batch_size=settings.batch_size,
        attempts=settings.apply_attempts,
    )

    @app.on_startup
    async def start() -> None:
        pool = await pool_when_ready(settings.database_url, max_size=settings.fire_concurrency + 2)
        state["pool"] = pool
        registry = SopRegistry(pool)
        await registry.create()
        directory = OfficerDirectory(pool)
        await directory.create()
        await ClosureBook(pool).create()

        def durations(sop: SopDefinition, step: Step) -> Any:
            return step_duration(office, sop.id, step)

        applier = TimerApplier(
            pool, office, lambda: office_calendar(office, pool), registry.version, durations
        )
        await applier.create_tables()
        async with pool.acquire() as conn:
            await suspension.create(conn)
            await deadline_changes.create(conn)
        state["applier"] = applier
        clock = await start_clock(settings.clock, settings.database_url, ZoneInfo(office.time_zone))
        state["clock"] = clock
        store = await PostgresEventStore.connect(settings.database_url)
        state["firing"] = Firing(
            pool,
            store,
            clock,
            directory,
            office,
            batch=settings.fire_batch,
            concurrency=settings.fire_concurrency,
            still_running={**STILL_RUNNING, **lapor.still_running(office.sla.lapor)},
        )
        state["store"] = store
        state["calendar_watch"] = CalendarWatch(pool, office, clock)
        await state["calendar_watch"].create()
        await ensure_topics(settings.kafka_bootstrap_servers, topics)

    @app.after_startup
    async def start_polling() -> None:
        state["polling"] = asyncio.create_task(state["firing"].run(settings.poll_seconds))
        state["deadlines"] = asyncio.create_task(
            keep_deadlines(
                state["calendar_watch"], state["pool"], state["store"], settings.poll_seconds
            )
        )
        log.info("sla_started", poll_seconds=settings.poll_seconds, clock=settings.clock)

    @app.on_shutdown
    async def stop_polling() -> None:
        for name in ("polling", "deadlines"):
            task = state.get(name)
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    @app.after_shutdown
    async def stop() -> None:
        if "clock" in state:
            await state["clock"].close()
        if "pool" in state:
            await state["pool"].close()
        if "store" in state:
            await state["store"].close()
        log.info("sla_stopped")

    return app


def main() -> None:
    settings = SlaSettings()
    configure_logging("sla", fmt=settings.log_format, level=settings.log_level)
    asyncio.run(build_app(settings).run())


if __name__ == "__main__":
    main()
