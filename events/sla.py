"""Payloads of the time-standard events: a step's deadline is near, passed, escalated.

The SLA timers raise them (routing worker); the notifier tells the officer or the superior.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict


class SlaWarningRaised(BaseModel):
    """A step's deadline is near and the step is not done (v1)."""

    type: ClassVar[str] = "SlaWarningRaised"
    schema_version: ClassVar[int] = 1
    label: ClassVar[str] = "Peringatan: batas waktu langkah segera habis"

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: str
    activity: str
    due_at: AwareDatetime
    role: str  # the role that must act
    assignee: str | None = None  # the officer the step was given to, if any


class SlaBreached(BaseModel):
    """A step's deadline passed before the step was done (v1)."""

    type: ClassVar[str] = "SlaBreached"
    schema_version: ClassVar[int] = 1
    label: ClassVar[str] = "Batas waktu langkah terlampaui"

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: str
    activity: str
    due_at: AwareDatetime
    role: str
    assignee: str | None = None


class EscalationRaised(BaseModel):
    """A late step was escalated to the direct superior (atasan langsung) (v1)."""

    type: ClassVar[str] = "EscalationRaised"
    schema_version: ClassVar[int] = 1
    label: ClassVar[str] = "Dieskalasi ke atasan langsung"

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: str
    activity: str
    due_at: AwareDatetime
    escalated_to: str  # the superior's officer id
    reason: str
