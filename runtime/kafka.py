"""Kafka plumbing shared by the workers: topics, the producer and the consumers' broker."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from faststream.kafka import KafkaBroker

from events import Topics
from events.topics import CASE_TYPES

log = structlog.get_logger(__name__)

PARTITIONS = 3
# How old a client's cluster metadata may get before it asks again: Kafka's default.
METADATA_AGE_MS = 300_000

# How a worker publishes a record (the dead letters): body, topic, headers.
Publish = Callable[[bytes, str, dict[str, str]], Awaitable[None]]


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
        await _until_led(admin, names)
    finally:
        await admin.close()


async def until_topics_exist(
    bootstrap_servers: str, topics: Topics, retry_seconds: float = 1.0
) -> None:
    """`ensure_topics`, tried again (and said in the log) while Kafka does not answer."""
    while True:
        try:
            await ensure_topics(bootstrap_servers, topics)
            return
        except (KafkaError, OSError) as error:
            log.warning("kafka_not_ready", error=repr(error))
            await asyncio.sleep(retry_seconds)


async def _until_led(admin: AIOKafkaAdminClient, names: list[str], seconds: float = 30) -> None:
    """Wait until every partition of the topics has a leader.

    A consumer that joins its group before a new topic's metadata has spread is assigned no
    partitions, and would only notice them at its next metadata refresh.
    """
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        described = await admin.describe_topics(names)
        led = [
            t["topic"]
            for t in described
            if t["error_code"] == 0
            and t["partitions"]
            and all(p["leader"] >= 0 for p in t["partitions"])
        ]
        if len(led) == len(names):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"topics without leaders: {sorted(set(names) - set(led))}")
        await asyncio.sleep(0.2)


def reliable_producer(bootstrap_servers: str) -> AIOKafkaProducer:
    """A producer that waits for the broker's durable ack and never reorders on retry."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        request_timeout_ms=10_000,
    )


# How a consumer group notices a member is gone and shares its partitions out again.
# - session: a member that stops heartbeating (SIGKILL, a pause, a lost host) holds its
#   partitions this long; 6 s is the broker's default minimum (group.min.session.timeout.ms),
#   down from aiokafka's 10 s.
# - heartbeat: members learn of a rebalance (a member joined, left or died) at their next
#   heartbeat; every second instead of every 3 s.
# - rebalance: how long the coordinator waits for every member to join a new generation;
#   members rejoin in the background (aiokafka), so the session's bound is enough.
GROUP_TIMEOUTS_MS = {
    "session_timeout_ms": 6_000,
    "heartbeat_interval_ms": 1_000,
    "rebalance_timeout_ms": 6_000,
}


def consumer_broker(bootstrap_servers: str) -> KafkaBroker:
    """The FastStream broker of a consuming worker.

    Its clients refresh their metadata at Kafka's default age (5 minutes): a consumer starts
    once its topics have leaders (`until_topics_exist`), and an error (a leader moved, a broker
    gone) refreshes at once. A refresh is not free: a client that has not published yet (the
    dead-letter publisher) asks for every topic of the cluster, about 25 ms of CPU per client
    with 750 topics. Every 10 s, in every worker at the same moment, that stalled the consumers
    for 250-450 ms on a two-core machine: the tail of the HTTP→register latency.
    """
    return KafkaBroker(
        bootstrap_servers, graceful_timeout=15.0, metadata_max_age_ms=METADATA_AGE_MS, logger=None
    )


def dead_letters_through(broker: KafkaBroker) -> Publish:
    """How a worker's delivery policy publishes to the dead-letter topic: on its own broker."""

    async def publish(body: bytes, topic: str, headers: dict[str, str]) -> None:
        await broker.publish(body, topic, headers=headers)

    return publish
