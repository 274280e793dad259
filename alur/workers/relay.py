"""Entry point of the outbox relay worker: `python -m alur.workers.relay`."""

from __future__ import annotations

import asyncio

import asyncpg
import structlog
from aiokafka.errors import KafkaError

from cases import PostgresEventStore
from events import Topics
from runtime.kafka import ensure_topics, reliable_producer
from runtime.lifecycle import run_until_stopped
from runtime.logs import configure_logging
from services.relay.checkpoint import RelayCheckpoint
from services.relay.relay import OutboxRelay
from services.relay.settings import RelaySettings

log = structlog.get_logger(__name__)


async def relay(settings: RelaySettings) -> None:
    store = await PostgresEventStore.connect(settings.database_url)
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=2)
    topics = Topics(settings.namespace)
    wake = asyncio.Event()
    try:
        checkpoint = RelayCheckpoint(pool)
        await checkpoint.create()
        await store.wake_on_append(wake)
        await _until_topics_exist(settings, topics)
        outbox = OutboxRelay(
            store,
            checkpoint,
            lambda: reliable_producer(settings.kafka_bootstrap_servers),
            topics,
            batch_size=settings.batch_size,
            retry_seconds=settings.retry_seconds,
        )
        await outbox.start()
        log.info("relay_started")
        try:
            await outbox.run(wake, settings.poll_seconds)
        finally:
            await outbox.stop()
    finally:
        log.info("relay_stopping")
        await pool.close()
        await store.close()


async def _until_topics_exist(settings: RelaySettings, topics: Topics) -> None:
    while True:
        try:
            await ensure_topics(settings.kafka_bootstrap_servers, topics)
            return
        except (KafkaError, OSError) as error:
            log.warning("kafka_not_ready", error=repr(error))
            await asyncio.sleep(settings.retry_seconds)


def main() -> None:
    settings = RelaySettings()
    configure_logging("relay", fmt=settings.log_format, level=settings.log_level)
    asyncio.run(run_until_stopped(relay(settings)))


if __name__ == "__main__":
    main()
