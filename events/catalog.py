"""Which payload model belongs to each event type and version, and how old versions upcast."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from events.complaint import ComplaintReceived
from events.envelope import Envelope

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class UnknownEvent(ValueError):
    """An envelope whose type or schema version this build does not know."""


class EventCatalog:
    def __init__(self, *models: type[BaseModel]) -> None:
        self._models: dict[str, type[BaseModel]] = {m.type: m for m in models}
        # (type, from_version) -> function returning the payload at from_version + 1
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def upcaster(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        def register(fn: Upcaster) -> Upcaster:
            self._upcasters[(event_type, from_version)] = fn
            return fn

        return register

    def model(self, event_type: str) -> type[BaseModel]:
        try:
            return self._models[event_type]
        except KeyError:
            raise UnknownEvent(f"unknown event type {event_type!r}") from None

    def label(self, event_type: str) -> str:
        """The Bahasa Indonesia name of an event, for registers and tracking pages."""
        model = self._models.get(event_type)
        return getattr(model, "label", event_type)

    def payload(self, envelope: Envelope) -> BaseModel:
        """The envelope's payload as the current version of its model."""
        model = self.model(envelope.type)
        data, version = dict(envelope.payload), envelope.schema_version
        if version > model.schema_version:
            raise UnknownEvent(
                f"{envelope.type} v{version} is newer than this build (v{model.schema_version})"
            )
        while version < model.schema_version:
            step = self._upcasters.get((envelope.type, version))
            if step is None:
                raise UnknownEvent(f"no upcaster for {envelope.type} v{version}")
            data, version = step(data), version + 1
        return model.model_validate(data)

    def json_schemas(self) -> dict[str, dict[str, Any]]:
        return {
            f"{name}.v{model.schema_version}": model.model_json_schema()
            for name, model in sorted(self._models.items())
        }


CATALOG = EventCatalog(ComplaintReceived)
