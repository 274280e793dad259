"""Entry point of the projections worker: `python -m services.projections.main`.

Every read model is one entry of `PROJECTIONS`: its name (also `alur replay --projection NAME`),
how to build it from the shared sources, and the case types it reads. Each gets its own
FastStream subscriber and consumer group, reading from the earliest offset so a new projection
starts from the beginning of the stream. A projection implements `projector.Projection`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from faststream import FastStream

from alur.database import pool_when_ready
from alur.kafka import consumer_broker, ensure_topics, subscribe_case_events
from alur.logs import configure_logging
from events import Topics
from events.topics import CASE_TYPES
from services.projections.archive import ArchiveProjection
from services.projections.guest_book import GuestBookProjection
from services.projections.projector import Projection, Projector
from services.projections.register import RegisterProjection
from services.projections.settings import ProjectionSettings
from services.projections.skm import SkmProjection
from services.projections.sources import Sources, load_sources
from services.projections.step_times import StepTimesProjection
from services.projections.timeline import TimelineProjection

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ProjectionEntry:
    name: str
    build: Callable[[Sources], Projection]
    case_types: tuple[str, ...] = CASE_TYPES
    group: str | None = None  # consumer group (inside the namespace); default projections.NAME

    @property
    def consumer_group(self) -> str:
        return self.group or f"projections.{self.name}"


PROJECTIONS: list[ProjectionEntry] = [
    # The register's group keeps its first name, so a running installation does not re-read.
    ProjectionEntry(
        "complaint_register", lambda s: RegisterProjection(s.sops), group="projections.register"
    ),
    ProjectionEntry("guest_book", lambda s: GuestBookProjection()),
    ProjectionEntry("case_archive", lambda s: ArchiveProjection(s.office)),
    ProjectionEntry("step_times", lambda s: StepTimesProjection(s.sops, s.office, s.calendar)),
    ProjectionEntry("case_timeline", lambda s: TimelineProjection()),
    ProjectionEntry("skm_responses", lambda s: SkmProjection(s.sops)),
]


def build_projection(entry: ProjectionEntry, sources: Sources) -> Projection:
    projection = entry.build(sources)
    assert projection.name == entry.name, f"{entry.name} builds {projection.name}"
    return projection


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
