"""The delivery policy: each message parsed once where it enters, bounded retries, then the
dead-letter topic; poison goes at once."""

from __future__ import annotations

import pytest
from aiokafka import ConsumerRecord
from pydantic import BaseModel

from events import CATALOG, ComplaintReceived, Envelope, EventCatalog, Fact, UnknownEvent
from runtime.delivery import DeliveryPolicy
from tests.support.factories import posted_complaint, stored


def _record(value: bytes, offset: int = 7) -> ConsumerRecord:
    return ConsumerRecord("alur.cases.complaint", 0, offset, 0, 0, b"k", value, None, 0, 0, [])


def _envelope(position: int = 1) -> Envelope:
    return stored(posted_complaint(f"ADU-2026-{position:06d}"), position)


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


async def test_an_unreadable_payload_is_dead_lettered_at_once_and_the_rest_applied() -> None:
    harness = Harness(failures=0, error=RuntimeError())
    applied: list[Envelope] = []

    async def apply_many(envelopes: list[Envelope]) -> None:
        applied.extend(envelopes)

    unreadable = _envelope(1).model_copy(update={"payload": {"x": 1}})
    readable = _envelope(2)
    await harness.policy.deliver(
        [
            _record(unreadable.model_dump_json().encode(), offset=1),
            _record(readable.model_dump_json().encode(), offset=2),
        ],
        apply_many,
        harness.apply,
    )
    assert [e.event_id for e in applied] == [readable.event_id]
    [(_, _, headers)] = harness.dead
    assert headers["x-alur-reason"].startswith("ValidationError")
    assert headers["x-alur-source"] == "alur.cases.complaint:0:1"


async def test_a_payload_is_parsed_once_where_the_message_enters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[str] = []
    parse = EventCatalog._parse

    def counted(catalog: EventCatalog, envelope: Fact) -> BaseModel:
        parsed.append(envelope.type)
        return parse(catalog, envelope)

    monkeypatch.setattr(EventCatalog, "_parse", counted)
    harness = Harness(failures=0, error=RuntimeError())
    read: list[ComplaintReceived] = []

    async def apply_many(envelopes: list[Envelope]) -> None:
        for envelope in envelopes:  # two readers of the same payload
            read.append(CATALOG.payload(envelope, ComplaintReceived))
            read.append(CATALOG.payload(envelope, ComplaintReceived))

    await harness.policy.deliver(
        [_record(_envelope().model_dump_json().encode())], apply_many, harness.apply
    )
    assert parsed == ["ComplaintReceived"]
    assert read[0] is read[1]


async def test_a_failure_that_will_fail_again_is_dead_lettered_without_retrying() -> None:
    harness = Harness(failures=99, error=UnknownEvent("no upcaster for X v1"))
    await harness.policy.deliver(
        [_record(_envelope().model_dump_json().encode())], harness.apply_many, harness.apply
    )
    assert harness.calls == 2  # the batch, then once alone: no retries
    assert harness.dead[0][2]["x-alur-reason"] == "UnknownEvent: no upcaster for X v1"


def test_a_payload_is_parsed_once_per_envelope_and_again_when_it_is_replaced() -> None:
    envelope = _envelope()
    first = CATALOG.payload(envelope, ComplaintReceived)
    assert CATALOG.payload(envelope) is first
    renamed = envelope.model_copy(
        update={"payload": {**envelope.payload, "subject": "Perihal lain"}}
    )
    assert CATALOG.payload(renamed, ComplaintReceived).subject == "Perihal lain"
    # The parsed payload is not a field: dumps and comparisons ignore it.
    assert envelope == Envelope.model_validate_json(envelope.model_dump_json())
    assert "_alur_parsed_payload" not in envelope.model_dump()
