"""Entry point of the routing worker: `alur serve routing`.

One FastStream batch subscriber (its own consumer group, every case topic, from the earliest
offset) gives the steps of each SOP's disposition chain to an officer by the office's routing
rules (`routing:` and `org_chart:` of `ALUR_OFFICE`). Rules that do not fit the SOPs stop the
worker at start with the reason.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import structlog
from faststream import FastStream

from cases import PostgresEventStore
from events import Topics
from office import OfficeConfig
from officers import OfficerDirectory
from runtime.clock import start_clock
from runtime.database import pool_when_ready
from runtime.kafka import consumer_broker, ensure_topics, subscribe_case_events
from runtime.logs import configure_logging
from services.routing.router import Router
from services.routing.settings import RoutingSettings
from sop.definition import SopDefinition
from sop.registry import SopRegistry, shipped_definitions

log = structlog.get_logger(__name__)


async def check_rules(office: OfficeConfig, registry: SopRegistry) -> None:
    """Stop with a clear message if the routing chains name SOPs or steps that do not exist."""
    sops: dict[str, SopDefinition] = {d.id: d for _, d in shipped_definitions()}
    sops.update({d.id: d for d in await registry.all_latest()})
    problems = office.routing.problems(sops)
    if problems:
        raise SystemExit("routing rules: " + "; ".join(problems))


def build_app(settings: RoutingSettings, office: OfficeConfig, pool: asyncpg.Pool) -> FastStream:
    topics = Topics(settings.namespace)
    broker = consumer_broker(settings.kafka_bootstrap_servers)
    app = FastStream(broker, logger=None)
    state: dict[str, Any] = {"pool": pool}

    async def refresh_clock() -> None:
        await state["clock"].refresh()

    subscribe_case_events(
        broker,
        topics,
        settings.group("routing"),
        lambda: state["router"],
        batch_size=settings.batch_size,
        attempts=settings.apply_attempts,
        before=refresh_clock,
    )

    @app.on_startup
    async def start() -> None:
        registry = SopRegistry(pool)
        directory = OfficerDirectory(pool)
        await directory.create()
        clock = await start_clock(settings.clock, settings.database_url, ZoneInfo(office.time_zone))
        state["clock"] = clock
        store = await PostgresEventStore.connect(settings.database_url)
        state["store"] = store
        router = Router(
            pool, store, registry, directory, office.routing, office.org_chart, clock.now
        )
        await router.create_tables()
        state["router"] = router
        await ensure_topics(settings.kafka_bootstrap_servers, topics)
        log.info(
            "routing_started",
            chains={sop: [c.step for c in chain] for sop, chain in office.routing.chains.items()},
            categories=sorted(office.routing.categories),
        )

    @app.after_shutdown
    async def stop() -> None:
        if "clock" in state:
            await state["clock"].close()
        if "pool" in state:
            await state["pool"].close()
        if "store" in state:
            await state["store"].close()
        log.info("routing_stopped")

    return app


async def serve(settings: RoutingSettings) -> None:
    # The router appends one event at a time: one store connection (and a spare) is enough,
    # where the store's default pool is sized for the web worker. `eventsourcing` reads these
    # name-prefixed settings before the store's own; an operator may still set them.
    os.environ.setdefault("CASESTORE_POSTGRES_POOL_SIZE", "1")
    os.environ.setdefault("CASESTORE_POSTGRES_MAX_OVERFLOW", "1")
    office = settings.office()
    pool = await pool_when_ready(settings.database_url, max_size=3)
    try:
        await SopRegistry(pool).create()
        await check_rules(office, SopRegistry(pool))
    except BaseException:
        await pool.close()
        raise
    await build_app(settings, office, pool).run()


def main() -> None:
    settings = RoutingSettings()
    configure_logging("routing", fmt=settings.log_format, level=settings.log_level)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
