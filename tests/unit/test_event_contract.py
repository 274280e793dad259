"""The event contract: versioned payloads, upcasters, and JSON Schemas that match the code."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import BaseModel, ConfigDict

from events import CATALOG, Actor, Envelope, EventCatalog, UnknownEvent

SCHEMAS = Path(__file__).resolve().parents[2] / "events" / "schemas"


class Greeted(BaseModel):
    type: ClassVar[str] = "Greeted"
    schema_version: ClassVar[int] = 2
    label: ClassVar[str] = "Disapa"
    model_config = ConfigDict(extra="forbid")

    full_name: str


def _envelope(event_type: str, version: int, payload: dict) -> Envelope:
    return Envelope(
        event_id=uuid.uuid4(),
        type=event_type,
        schema_version=version,
        case_type="visit",
        occurred_at=datetime(2026, 3, 17, 2, 0, tzinfo=UTC),
        actor=Actor(id="resepsionis-1", role="resepsionis"),
        payload=payload,
        case_id=uuid.uuid4(),
        case_version=1,
        position=1,
    )


def _catalog() -> EventCatalog:
    catalog = EventCatalog(Greeted)

    @catalog.upcaster("Greeted", from_version=1)
    def name_becomes_full_name(payload: dict) -> dict:
        return {"full_name": payload["name"]}

    return catalog


def test_an_old_version_is_read_through_its_upcaster() -> None:
    payload = _catalog().payload(_envelope("Greeted", 1, {"name": "Siti"}))
    assert payload == Greeted(full_name="Siti")


def test_a_version_newer_than_the_build_is_refused_not_guessed() -> None:
    with pytest.raises(UnknownEvent, match="newer"):
        _catalog().payload(_envelope("Greeted", 3, {"full_name": "Siti"}))


def test_an_unknown_event_type_is_refused() -> None:
    with pytest.raises(UnknownEvent, match="unknown event type"):
        _catalog().payload(_envelope("Teleported", 1, {}))


def test_the_committed_json_schemas_are_the_ones_the_code_defines() -> None:
    committed = {p.stem: json.loads(p.read_text()) for p in SCHEMAS.glob("*.json")}
    assert committed == CATALOG.json_schemas(), "run `make schemas` and commit the result"
