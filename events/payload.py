"""The base of every event payload: immutable, strict (no unknown field) and versioned."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class Payload(BaseModel):
    """An event's payload, or a part of one (`Reporter`).

    The payload of one event type names it where it is defined:
    `class SlaBreached(Payload, type="SlaBreached", version=1, label="…")` (the label is its
    name in Bahasa Indonesia). A payload shared by many event types (`StepRecorded`) gives only
    its version; the catalog holds their names and labels.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ClassVar[str]
    schema_version: ClassVar[int]
    label: ClassVar[str]

    def __init_subclass__(
        cls,
        *,
        type: str | None = None,
        version: int | None = None,
        label: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if type is not None:
            cls.type = type
        if version is not None:
            cls.schema_version = version
        if label is not None:
            cls.label = label
