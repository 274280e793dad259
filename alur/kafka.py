"""Kafka plumbing shared by the workers: topic creation and the producer they publish with."""

from __future__ import annotations

import contextlib

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from events import Topics
from events.topics import CASE_TYPES

log = structlog.get_logger(__name__)

PARTITIONS = 3


async def ensure_topics(bootstrap_servers: str, topics: Topics) -> None:
    """Create the case topics and the dead-letter topic if they do not exist yet."""
    names = [topics.cases(t) for t in CASE_TYPES] + [topics.dead_letter]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [n for n in names if n not in existing]
        if missing:
            # Another worker may create them at the same moment.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [NewTopic(n, num_partitions=PARTITIONS, replication_factor=1) for n in missing]
                )
            log.info("topics_created", topics=missing)
    finally:
        await admin.close()


def reliable_producer(bootstrap_servers: str) -> AIOKafkaProducer:
    """A producer that waits for the broker's durable ack and never reorders on retry."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        request_timeout_ms=10_000,
    )
