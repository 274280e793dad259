"""Which payload model belongs to each event type and version, and how old versions upcast."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

from pydantic import BaseModel

from events.attachments import AttachmentAdded
from events.channels import ReporterMailBounced
from events.complaint import ComplaintReceived
from events.envelope import Fact
from events.lapor import LaporReportClosed, ReporterReplied
from events.notes import InternalNoteAdded, ReporterAnswered
from events.privacy import PersonalDataErased, ReporterIdentityViewed
from events.retention import CaseRecordsDestroyed, CaseRecordsKept, CaseReviewDue
from events.routing import CaseRouted
from events.sla import (
    ClockResumed,
    ClockSuspended,
    EscalationRaised,
    SlaBreached,
    SlaDeadlineChanged,
    SlaWarningRaised,
)
from events.steps import STEP_EVENTS, StepRecorded

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
M = TypeVar("M", bound=BaseModel)

# Where an envelope keeps its parsed payload: a key of its `__dict__` that is not a field, as
# `functools.cached_property` does, so pydantic leaves it out of dumps and comparisons.
_PARSED = "_alur_parsed_payload"


class UnknownEvent(ValueError):
    """An envelope whose type or schema version this build does not know."""


class EventCatalog:
    """Each event type's payload model and its name in Bahasa Indonesia.

    A model with a `type` ClassVar is one event type; a shared model (`StepRecorded`) is the
    payload of many event types, given with their labels.
    """

    def __init__(
        self,
        *models: type[BaseModel],
        shared: dict[type[BaseModel], dict[str, str]] | None = None,
    ) -> None:
        self._models: dict[str, type[BaseModel]] = {m.type: m for m in models}
        self._labels: dict[str, str] = {m.type: getattr(m, "label", m.type) for m in models}
        for model, labels in (shared or {}).items():
            for event_type, label in labels.items():
                self._models[event_type] = model
                self._labels[event_type] = label
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
        return self._labels.get(event_type, event_type)

    def knows(self, event_type: str) -> bool:
        return event_type in self._models

    @overload
    def payload(self, envelope: Fact) -> BaseModel: ...

    @overload
    def payload(self, envelope: Fact, model: type[M]) -> M: ...

    def payload(self, envelope: Fact, model: type[BaseModel] | None = None) -> BaseModel:
        """The envelope's payload as the current version of its model, parsed once.

        The parsed payload stays with the envelope: the consumer framework parses each Kafka
        message's payload when it arrives (a payload that does not parse is a dead letter),
        and every later call on that envelope returns the same object. With `model`, the
        payload typed as that model (a TypeError if the event is of another type).
        """
        kept = envelope.__dict__.get(_PARSED)
        if kept is not None and kept[0] is envelope.payload:
            parsed = kept[1]
        else:
            parsed = self._parse(envelope)
            envelope.__dict__[_PARSED] = (envelope.payload, parsed)
        if model is not None and not isinstance(parsed, model):
            raise TypeError(f"{envelope.type} is not a {model.__name__}")
        return parsed

    def _parse(self, envelope: Fact) -> BaseModel:
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
        """One schema per payload model and version (a shared model's types are in its file)."""
        schemas: dict[str, dict[str, Any]] = {}
        for model in {m: None for m in self._models.values()}:
            schema = model.model_json_schema()
            types = sorted(t for t, m in self._models.items() if m is model)
            if types != [model.__name__]:
                schema["x-alur-event-types"] = types
            schemas[f"{model.__name__}.v{model.schema_version}"] = schema
        return dict(sorted(schemas.items()))


CATALOG = EventCatalog(
    ComplaintReceived,
    SlaWarningRaised,
    SlaBreached,
    EscalationRaised,
    ClockSuspended,
    ClockResumed,
    SlaDeadlineChanged,
    CaseRouted,
    ReporterReplied,
    LaporReportClosed,
    ReporterIdentityViewed,
    PersonalDataErased,
    CaseRecordsDestroyed,
    CaseReviewDue,
    CaseRecordsKept,
    InternalNoteAdded,
    ReporterAnswered,
    AttachmentAdded,
    ReporterMailBounced,
    shared={StepRecorded: STEP_EVENTS},
)


# v2 of these payloads seals personal values (privacy/envelope.py); a v1 value is plaintext,
# which every reader's `reveal` passes through unchanged.
@CATALOG.upcaster(ComplaintReceived.type, from_version=1)
def complaint_without_subject(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "subject_id": None}


@CATALOG.upcaster(ReporterReplied.type, from_version=1)
def reply_in_plaintext(payload: dict[str, Any]) -> dict[str, Any]:
    return payload


@CATALOG.upcaster(ReporterReplied.type, from_version=2)
def reply_on_the_tracking_page(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "channel": "web"}


for _plaintext_v1 in (*STEP_EVENTS, ClockSuspended.type, ClockResumed.type):
    CATALOG.upcaster(_plaintext_v1, from_version=1)(lambda payload: payload)
