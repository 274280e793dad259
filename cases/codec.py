"""The row codec: how a case's fact is stored, and how a stored row becomes a fact or envelope.

The store keeps each case event as the `eventsourcing` library writes it: the topic (the event
class path, `cases.case:Case.Opened` or `cases.case:Case.Recorded`) and a JSON state whose
`fact` member is the contract's `Fact`. This is the only code that reads that state.

A fact is validated once. One being stored travels as a `FactJson`, so neither the case nor
the envelope the store hands back decodes it again; a row the store wrote is decoded once,
straight from its JSON bytes.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple
from uuid import UUID

from pydantic import BaseModel, ConfigDict, ValidationError

from events import Envelope, Fact


class StoredFact(NamedTuple):
    """One event of a case's history, as the auditor reads it."""

    position: int
    case_version: int
    fact: Fact


class StoredRecord(NamedTuple):
    """A stored event exactly as kept: what the hash chain links (cases/chain.py). A tuple,
    as cheap to make as the row it comes from: verification reads every one."""

    position: int
    case_id: UUID
    case_version: int
    topic: str | None
    state: bytes | None


class FactJson(dict[str, Any]):
    """A fact's JSON form as stored (it encodes exactly as a plain dict) that keeps the fact."""

    __slots__ = ("fact",)

    def __init__(self, fact: Fact) -> None:
        super().__init__(fact.model_dump(mode="json"))
        self.fact = fact


def fact_of(stored: dict[str, Any]) -> Fact:
    """The fact of a case event: the one it was made from, else decoded from what was stored."""
    if isinstance(stored, FactJson):
        return stored.fact
    return Fact.model_validate(stored)


class _State(BaseModel):
    """A stored event's JSON state; only the fact is read (the library's own members, the
    timestamp and the aggregate's topic, are not the contract's)."""

    model_config = ConfigDict(extra="ignore")

    fact: Fact


def envelope(fact: Fact, case_id: UUID, case_version: int, position: int) -> Envelope:
    """The envelope of a fact that was already validated (nothing is validated again)."""
    return Envelope.model_construct(
        **vars(fact), case_id=case_id, case_version=case_version, position=position
    )


def envelope_of_event(event: Any, position: int) -> Envelope:
    """The envelope of a case event (`Case.Opened` / `Case.Recorded`) stored at `position`."""
    return envelope(fact_of(event.fact), event.originator_id, event.originator_version, position)


def envelope_of_row(position: int, case_id: UUID, case_version: int, state: bytes) -> Envelope:
    """The envelope of a stored row, decoded once from its JSON state."""
    return envelope(_decoded(state).fact, case_id, case_version, position)


def stored_fact(position: int, case_version: int, state: bytes) -> StoredFact:
    return StoredFact(position, case_version, _decoded(state).fact)


def _decoded(state: bytes) -> _State:
    """A stored state, whatever the store accepted: pydantic's JSON parser gives up at 200
    levels of nesting (a form's data nested that deep was stored all the same), the standard
    library's parser does not."""
    try:
        return _State.model_validate_json(state)
    except ValidationError as error:
        if not any("recursion limit" in e["msg"] for e in error.errors()):
            raise
    return _State.model_validate(json.loads(state))


def identity(state: bytes | None) -> tuple[str | None, str | None]:
    """The event id and type written in a stored state, if it can still be read (an altered
    row may not hold a valid fact any more)."""
    try:
        fact = json.loads(state or b"")["fact"]
        return str(fact["event_id"]), str(fact["type"])
    except (ValueError, KeyError, TypeError):
        return None, None
