"""When a consumer group tells Kafka how far it got: its offsets, committed at most every
`interval` seconds instead of after every polled batch.

Committing after each batch cost a request to the broker per batch and group, and the broker an
append to its offsets log: under load, a fifth of the consumers' CPU and most of Kafka's.
Committing less often loses nothing. What a batch changed commits in PostgreSQL with its
watermarks (runtime/watermarks.py); a worker that stops before its next commit gets the
batches since the last one again, and the watermarks skip them, exactly as after any other
redelivery.

The offsets committed are those of the records applied (the last record of each partition,
plus one), never the consumer's position: that may already cover a batch being applied. A
commit refused because the group rebalanced meanwhile is dropped; the partition's new owner
starts from the last committed offset, and the watermarks skip what was applied.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import ConsumerStoppedError, KafkaError

log = structlog.get_logger(__name__)

COMMIT_INTERVAL_SECONDS = 0.5


class OffsetCommits:
    """One consumer group's applied offsets, committed together every interval."""

    def __init__(self, group: str, interval: float = COMMIT_INTERVAL_SECONDS) -> None:
        self._group = group
        self._interval = interval
        self._applied: dict[TopicPartition, int] = {}
        self._consumer: Any = None
        self._timer: asyncio.TimerHandle | None = None
        self._committing: asyncio.Task[None] | None = None

    def applied(self, consumer: Any, records: Sequence[ConsumerRecord]) -> None:
        """The records were applied (or dead-lettered): commit past them within the interval."""
        for record in records:
            partition = TopicPartition(record.topic, record.partition)
            self._applied[partition] = max(self._applied.get(partition, 0), record.offset + 1)
        self._consumer = consumer
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._interval, self._commit_soon)

    def _commit_soon(self) -> None:
        loop = asyncio.get_running_loop()
        if self._committing is not None and not self._committing.done():
            self._timer = loop.call_later(self._interval, self._commit_soon)  # the next one
            return
        self._timer = None
        offsets, self._applied = self._applied, {}
        self._committing = loop.create_task(self._commit(self._consumer, offsets))

    async def _commit(self, consumer: Any, offsets: dict[TopicPartition, int]) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            try:
                if isinstance(consumer, AIOKafkaConsumer):
                    await consumer.commit(offsets)
                else:  # FastStream's in-memory test broker: nothing to commit to
                    await consumer.commit()
            # A rebalance took the partitions, or the worker is stopping: the batches come again.
            except (KafkaError, AssertionError, ConsumerStoppedError) as error:
                log.info("offsets_not_committed", group=self._group, error=repr(error))
