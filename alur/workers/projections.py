"""Entry point of the projections worker: `python -m alur.workers.projections`.

Every read model is one entry of `PROJECTIONS`: its name (also `alur replay --projection NAME`),
how to build it from the shared sources, and the case types it reads. Each gets its own
FastStream subscriber and consumer group, reading from the earliest offset so a new projection
starts from the beginning of the stream. A projection implements `projector.Projection`.
"""

from __future__ import annotations

import asyncio

import structlog
from faststream import FastStream

from events import Topics
from runtime.database import pool_when_ready
from runtime.kafka import consumer_broker, ensure_topics, subscribe_case_events
from runtime.logs import configure_logging
from services.projections.catalog import PROJECTIONS, build_projection
from services.projections.projector import Projector
from services.projections.settings import ProjectionSettings
from services.projections.sources import load_sources

log = structlog.get_logger(__name__)


def build_app(settings: ProjectionSettings) -> FastStream:
    topics = Topics(settings.namespace)
    broker = consumer_broker(settings.kafka_bootstrap_servers)
    app = FastStream(broker, logger=None)
    projectors: dict[str, Projector] = {}
    state: dict[str, object] = {}
    for entry in PROJECTIONS:
        subscribe_case_events(
            broker,
            topics,
            settings.group(entry.consumer_group),
            lambda name=entry.name: projectors[name],
            batch_size=settings.batch_size,
            attempts=settings.apply_attempts,
            case_types=entry.case_types,
        )

    @app.on_startup
    async def start() -> None:
        pool = await pool_when_ready(settings.database_url, max_size=4)
        state["pool"] = pool
        sources = await load_sources(pool, settings.office())
        for entry in PROJECTIONS:
            projector = Projector(pool, build_projection(entry, sources))
            await projector.create_tables()
            projectors[entry.name] = projector
        await ensure_topics(settings.kafka_bootstrap_servers, topics)
        log.info("projections_started", projections=[e.name for e in PROJECTIONS])

    @app.after_shutdown
    async def stop() -> None:
        pool = state.get("pool")
        if pool is not None:
            await pool.close()  # type: ignore[attr-defined]
        log.info("projections_stopped")

    return app


def main() -> None:
    settings = ProjectionSettings()
    configure_logging("projections", fmt=settings.log_format, level=settings.log_level)
    asyncio.run(build_app(settings).run())


if __name__ == "__main__":
    main()
