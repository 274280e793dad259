"""How every Alur consumer takes a Kafka message: at least once, retried, dead-lettered.

- The envelope is parsed first; a message that is not an envelope is poison and goes
  straight to the dead-letter topic.
- An outage of PostgreSQL is not the message's fault: the handler waits and raises, the
  subscriber (AckPolicy.NACK_ON_ERROR) seeks back, and the message comes again.
- Any other failure is retried a bounded number of times, then dead-lettered with the
  reason, and the message is acknowledged so the partition moves on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import structlog
from aiokafka import ConsumerRecord
from pydantic import ValidationError

from events import Envelope

log = structlog.get_logger(__name__)

Publish = Callable[[bytes, str, dict[str, str]], Awaitable[None]]

TRANSIENT = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
)


@dataclass(frozen=True)
class DeliveryPolicy:
    """Retries and dead-lettering for one consumer (a consumer group)."""

    consumer: str
    dead_letter_topic: str
    publish: Publish
    attempts: int = 3
    backoff_seconds: float = 0.2
    outage_wait_seconds: float = 1.0

    async def deliver(
        self, record: ConsumerRecord, apply: Callable[[Envelope], Awaitable[None]]
    ) -> None:
        source = f"{record.topic}:{record.partition}:{record.offset}"
        try:
            envelope = Envelope.model_validate_json(record.value)
        except ValidationError as error:
            await self._dead_letter(record, source, f"not an event envelope: {error}")
            return
        with structlog.contextvars.bound_contextvars(
            case_id=str(envelope.case_id),
            event_id=str(envelope.event_id),
            position=envelope.position,
            consumer=self.consumer,
        ):
            for attempt in range(1, self.attempts + 1):
                try:
                    await apply(envelope)
                    return
                except TRANSIENT as error:
                    log.warning("store_unavailable", error=repr(error), source=source)
                    await asyncio.sleep(self.outage_wait_seconds)
                    raise
                except Exception as error:
                    log.warning("apply_failed", attempt=attempt, error=repr(error))
                    if attempt == self.attempts:
                        await self._dead_letter(record, source, f"{type(error).__name__}: {error}")
                        return
                    await asyncio.sleep(self.backoff_seconds * 2 ** (attempt - 1))

    async def _dead_letter(self, record: ConsumerRecord, source: str, reason: str) -> None:
        headers = {
            "x-alur-reason": reason[:1000],
            "x-alur-consumer": self.consumer,
            "x-alur-source": source,
        }
        await self.publish(record.value or b"", self.dead_letter_topic, headers)
        log.error("message_dead_lettered", source=source, reason=reason)
