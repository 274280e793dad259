"""The envelope every event travels in, from the event store to Kafka to each consumer."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict


class Actor(BaseModel):
    """Who acted: an officer (id + SOP role), the public reporter, or a worker."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    role: str


class SopRef(BaseModel):
    """The SOP, its version and the step an event belongs to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    version: int
    step: str | None = None  # the step done: "1", "2", … or "closing"
    # Where the case waits after this event ("6"), or None once the case is closed.
    next_step: str | None = None


class Fact(BaseModel):
    """An event as decided, before the store gives it a place in the history."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: UUID
    type: str
    schema_version: int
    case_type: str
    occurred_at: AwareDatetime
    actor: Actor
    sop: SopRef | None = None
    # The request or event that caused this one; retries carry the same id.
    causation_id: str | None = None
    payload: dict[str, Any]


class Envelope(Fact):
    """A stored event: a fact plus its case, its version in the case and its global position."""

    case_id: UUID
    case_version: int
    position: int

    @property
    def key(self) -> bytes:
        """The Kafka message key: one case's events stay in one partition, in order."""
        return str(self.case_id).encode()
