"""Poison straight onto the case topics, past the relay: a record that is not an envelope, an
envelope whose payload is not its type's, and a record as large as the broker takes. Every
consumer group must dead-letter each once (at least once) and move on."""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer

from events import Actor, ComplaintReceived, Envelope, Reporter, Topics
from events.topics import CASE_TYPES

# The producer's own limit (aiokafka's default max_request_size), less room for the record's
# framing: the largest record a default producer and broker take.
LARGEST = 1_048_576 - 512
KINDS = ("not an envelope", "bad payload", "oversized record")


@dataclass(frozen=True)
class Poison:
    kind: str
    topic: str
    partition: int
    offset: int

    @property
    def source(self) -> str:
        """How a consumer's dead letter names it (`x-alur-source`)."""
        return f"{self.topic}:{self.partition}:{self.offset}"


def poison_value(kind: str, rng: random.Random) -> tuple[bytes, bytes]:
    """(key, value) of a poison record of `kind`."""
    marker = uuid.UUID(int=rng.getrandbits(128))
    if kind == "not an envelope":
        return b"soak-poison", f"soak poison {marker}: this is not an event envelope".encode()
    if kind == "bad payload":
        envelope = _envelope(marker).model_copy(update={"payload": {"soak_poison": str(marker)}})
        return envelope.key, envelope.model_dump_json().encode()
    filler = "x" * LARGEST
    value = json.dumps({"soak_poison": str(marker), "filler": filler}).encode()[:LARGEST]
    return b"soak-poison", value


async def inject(kafka: str, namespace: str, rng: random.Random) -> list[Poison]:
    """One record of each kind, each on a case topic chosen by `rng`."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all", request_timeout_ms=15_000)
    await producer.start()
    injected = []
    try:
        for kind in KINDS:
            topic = Topics(namespace).cases(rng.choice(CASE_TYPES))
            key, value = poison_value(kind, rng)
            sent = await producer.send_and_wait(topic, value, key=key)
            injected.append(Poison(kind, topic, sent.partition, sent.offset))
    finally:
        await producer.stop()
    return injected


def _envelope(marker: uuid.UUID) -> Envelope:
    complaint = ComplaintReceived(
        tracking_number="ADU-1999-000000",
        channel="post",
        reporter=Reporter(name="Racun"),
        subject="Bukan pengaduan",
        description="Pesan racun dari soak.",
    )
    return Envelope(
        event_id=marker,
        type=complaint.type,
        schema_version=complaint.schema_version,
        case_type="complaint",
        occurred_at=datetime.now(UTC),
        actor=Actor(id="soak", role="petugas_pengaduan"),
        payload=complaint.model_dump(mode="json"),
        case_id=uuid.uuid5(marker, "case"),
        case_version=1,
        position=10**12 + marker.int % 10**9,
    )
