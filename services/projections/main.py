"""Entry point of the projections worker: `python -m services.projections.main`.

One FastStream subscriber per projection, each in its own consumer group, reading from the
earliest offset so a new projection starts from the beginning of the stream.
"""

from __future__ import annotations

import asyncio

import structlog
from faststream import AckPolicy, FastStream
from faststream.kafka.annotations import KafkaMessage

from alur.consumption import DeliveryPolicy
from alur.database import pool_when_ready
from alur.kafka import consumer_broker, dead_letters_through, ensure_topics
from alur.logs import configure_logging
from events import Topics
from services.projections.projector import Projector
from services.projections.register import RegisterProjection
from services.projections.settings import ProjectionSettings
from sop.definition import SopDefinition
from sop.registry import SopRegistry

log = structlog.get_logger(__name__)


def build_app(settings: ProjectionSettings) -> FastStream:
    topics = Topics(settings.namespace)
    broker = consumer_broker(settings.kafka_bootstrap_servers)
    app = FastStream(broker, logger=None)
    registry: dict[str, SopRegistry] = {}

    async def sop_version(sop_id: str, version: int) -> SopDefinition:
        return await registry["sops"].version(sop_id, version)

    register = RegisterProjection(sop_version)
    state: dict[str, Projector] = {}

    publish = dead_letters_through(broker)

    policy = DeliveryPolicy(
        consumer=settings.group("projections.register"),
        dead_letter_topic=topics.dead_letter,
        publish=publish,
        attempts=settings.apply_attempts,
    )

    @broker.subscriber(
        topics.cases("complaint"),
        group_id=settings.group("projections.register"),
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,
        max_records=settings.batch_size,
        batch_timeout_ms=50,
    )
    async def on_complaint_events(message: KafkaMessage) -> None:
        projector = state["register"]
        await policy.deliver(message.raw_message, projector.apply_many, projector.apply)

    @app.on_startup
    async def start() -> None:
        pool = await pool_when_ready(settings.database_url, max_size=4)
        state["pool"] = pool  # type: ignore[assignment]
        registry["sops"] = SopRegistry(pool)
        state["register"] = Projector(pool, register)
        await state["register"].create_tables()
        await ensure_topics(settings.kafka_bootstrap_servers, topics)
        log.info("projections_started")

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
