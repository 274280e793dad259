"""The delivery policy: bounded retries, then the dead-letter topic; poison goes at once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from aiokafka import ConsumerRecord

from events import CATALOG, Actor, Envelope
from runtime.consumption import DeliveryPolicy


def _record(value: bytes, offset: int = 7) -> ConsumerRecord:
    return ConsumerRecord("alur.cases.complaint", 0, offset, 0, 0, b"k", value, None, 0, 0, [])


def _envelope() -> Envelope:
    return Envelope(
        event_id=uuid.uuid4(),
        type="ComplaintReceived",
        schema_version=1,
        case_type="complaint",
        occurred_at=datetime(2026, 3, 17, 2, tzinfo=UTC),
        actor=Actor(id="public", role="pelapor"),
        payload={},
        case_id=uuid.uuid4(),
        case_version=1,
        position=1,
    )


class Harness:
    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error = failures, error
        self.calls = 0
        self.dead: list[tuple[bytes, str, dict[str, str]]] = []
        self.policy = DeliveryPolicy(
            "alur.projections.test", "alur.deadletter", self.publish, attempts=3, backoff_seconds=0
        )

    async def publish(self, body: bytes, topic: str, headers: dict[str, str]) -> None:
        self.dead.append((body, topic, headers))

    async def apply_many(self, envelopes: list[Envelope]) -> None:
        await self.apply(envelopes[0])

    async def apply(self, envelope: Envelope) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error


async def test_a_failure_that_passes_on_retry_is_applied_and_not_dead_lettered() -> None:
    harness = Harness(failures=2, error=RuntimeError("serialization failure"))
    await harness.policy.deliver(
        [_record(_envelope().model_dump_json().encode())], harness.apply_many, harness.apply
    )
    assert harness.calls == 3  # the batch, then two tries alone
    assert harness.dead == []


async def test_a_failure_that_never_passes_is_dead_lettered_after_the_last_attempt() -> None:
    harness = Harness(failures=99, error=RuntimeError("always"))
    await harness.policy.deliver(
        [_record(_envelope().model_dump_json().encode())], harness.apply_many, harness.apply
    )
    assert harness.calls == 1 + 3
    [(_, topic, headers)] = harness.dead
    assert topic == "alur.deadletter"
    assert headers["x-alur-reason"] == "RuntimeError: always"
    assert headers["x-alur-source"] == "alur.cases.complaint:0:7"


async def test_an_unreadable_payload_is_dead_lettered_without_retrying() -> None:
    harness = Harness(failures=0, error=RuntimeError())
    calls: list[Envelope] = []

    async def read_payload(envelope: Envelope) -> None:
        calls.append(envelope)
        CATALOG.payload(envelope)  # an empty payload is not a ComplaintReceived

    await harness.policy.deliver(
        [_record(_envelope().model_dump_json().encode())],
        lambda envelopes: read_payload(envelopes[0]),
        read_payload,
    )
    assert len(calls) == 2  # the batch, then once alone: no retries
    assert harness.dead[0][2]["x-alur-reason"].startswith("ValidationError")
