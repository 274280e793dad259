"""How every Alur consumer takes a Kafka message: at least once, retried, dead-lettered.

- Each message is parsed once, where it enters: the envelope and its payload (through
  `CATALOG.payload`, which keeps the typed payload with the envelope for every later reader).
  A message that is not an envelope, or whose payload does not parse (wrong fields, unknown
  type or version), is poison and goes straight to the dead-letter topic.
- Messages come in polled batches, applied together in one transaction; if the batch fails,
  each message is applied on its own so that one bad message cannot hold back the others.
- An outage of PostgreSQL is not the message's fault: the handler waits and raises, the
  subscriber (AckPolicy.NACK_ON_ERROR) seeks back, and the message comes again.
- A failure that will fail the same way every time (`POISON`) is dead-lettered at once; any
  other failure is retried a bounded number of times, then dead-lettered with the reason.
  Either way the message is acknowledged so the partition moves on.
- A dead letter carries the message (headers: reason, consumer group, source
  topic:partition:offset), unless the message is too large to fit in a record with them: then
  only the headers go (`x-alur-value-dropped`), or the dead letter could never be published.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import NoReturn

import structlog
from aiokafka import ConsumerRecord
from pydantic import ValidationError

from events import CATALOG, Envelope, UnknownEvent
from runtime.kafka import Publish
from runtime.outages import POSTGRES_AWAY

log = structlog.get_logger(__name__)

# Failures that will fail the same way every time: dead-letter at once, no retry.
POISON = (ValidationError, UnknownEvent)

# The largest message a dead letter carries whole (a Kafka record takes 1 MiB by default,
# headers included); a larger one is dead-lettered without its value.
DEAD_LETTER_VALUE_LIMIT = 512 * 1024

TRANSIENT = (OSError, *POSTGRES_AWAY)  # a restart or a cut line, not the message


def parse_envelope(value: bytes) -> Envelope:
    """A message's envelope. Pydantic's JSON parser gives up at 200 levels of nesting, which a
    stored event's data may have: such a message is parsed by the standard library's."""
    try:
        return Envelope.model_validate_json(value)
    except ValidationError as error:
        if not any("recursion limit" in e["msg"] for e in error.errors()):
            raise
        try:
            document = json.loads(value)
        except (ValueError, RecursionError):
            raise error from None
        return Envelope.model_validate(document)


@dataclass(frozen=True)
class DeliveryPolicy:
    """Retries and dead-lettering for one consumer group."""

    consumer: str  # the consumer group, named in each dead letter's `x-alur-consumer`
    dead_letter_topic: str
    publish: Publish
    attempts: int = 3
    backoff_seconds: float = 0.2
    outage_wait_seconds: float = 1.0

    async def deliver(
        self,
        records: Sequence[ConsumerRecord],
        apply_many: Callable[[list[Envelope]], Awaitable[None]],
        apply_one: Callable[[Envelope], Awaitable[None]],
    ) -> None:
        """Apply a polled batch together; if that fails, each message on its own."""
        parsed: list[tuple[ConsumerRecord, Envelope]] = []
        for record in records:
            try:
                envelope = parse_envelope(record.value or b"")
            except ValidationError as error:
                await self._dead_letter(record, f"not an event envelope: {error}")
                continue
            try:
                CATALOG.payload(envelope)  # parsed here, once; kept with the envelope
            except POISON as error:
                await self._dead_letter(record, f"{type(error).__name__}: {error}")
                continue
            parsed.append((record, envelope))
        if not parsed:
            return
        try:
            await apply_many([envelope for _, envelope in parsed])
            return
        except TRANSIENT as error:
            await self._outage(error)
        except Exception as error:  # noqa: BLE001 - find the culprit one message at a time
            log.warning("batch_failed", size=len(parsed), error=repr(error))
        for record, envelope in parsed:
            await self._deliver_one(record, envelope, apply_one)

    async def _deliver_one(
        self,
        record: ConsumerRecord,
        envelope: Envelope,
        apply: Callable[[Envelope], Awaitable[None]],
    ) -> None:
        with structlog.contextvars.bound_contextvars(
            case_id=str(envelope.case_id),
            event_id=str(envelope.event_id),
            position=envelope.position,
            group=self.consumer,
        ):
            for attempt in range(1, self.attempts + 1):
                try:
                    await apply(envelope)
                    return
                except TRANSIENT as error:
                    await self._outage(error)
                except POISON as error:
                    await self._dead_letter(record, f"{type(error).__name__}: {error}")
                    return
                except Exception as error:  # noqa: BLE001 - anything else may pass on a retry
                    log.warning("apply_failed", attempt=attempt, error=repr(error))
                    if attempt == self.attempts:
                        await self._dead_letter(record, f"{type(error).__name__}: {error}")
                        return
                    await asyncio.sleep(self.backoff_seconds * 2 ** (attempt - 1))

    async def _outage(self, error: Exception) -> NoReturn:
        """Not the message's fault: wait, then let the subscriber seek back and redeliver."""
        log.warning("store_unavailable", error=repr(error))
        await asyncio.sleep(self.outage_wait_seconds)
        raise error

    async def _dead_letter(self, record: ConsumerRecord, reason: str) -> None:
        source = f"{record.topic}:{record.partition}:{record.offset}"
        headers = {
            "x-alur-reason": reason[:1000],
            "x-alur-consumer": self.consumer,
            "x-alur-source": source,
        }
        value = record.value or b""
        if len(value) > DEAD_LETTER_VALUE_LIMIT:
            # With the headers it would not fit in a record: the dead letter could never be
            # published, and the message would come again for ever. The source names it.
            headers["x-alur-value-dropped"] = f"{len(value)} bytes"
            value = b""
        try:
            await self.publish(value, self.dead_letter_topic, headers)
        except Exception as error:
            # Not published (Kafka away): the batch comes again (logged: the broker does not).
            log.warning("dead_letter_failed", source=source, error=repr(error))
            raise
        log.error("message_dead_lettered", source=source, reason=reason)
