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


class ClockSuspended(BaseModel):
    """An officer stopped a case's clock, e.g. while waiting for the reporter's documents (v1)."""

    type: ClassVar[str] = "ClockSuspended"
    schema_version: ClassVar[int] = 1
    label: ClassVar[str] = "Waktu layanan dihentikan sementara"

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: str  # the step whose clock stops
    reason: str


class ClockResumed(BaseModel):
    """An officer restarted a suspended case clock (v1).

    The step's deadline moves by the working time the clock was suspended; the SLA worker
    records the new deadline with `SlaDeadlineChanged`.
    """

    type: ClassVar[str] = "ClockResumed"
    schema_version: ClassVar[int] = 1
    label: ClassVar[str] = "Waktu layanan dilanjutkan"

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: str
    reason: str | None = None


class SlaDeadlineChanged(BaseModel):
    """A step's deadline moved: a suspended clock resumed, or the calendar changed (v1)."""

    type: ClassVar[str] = "SlaDeadlineChanged"
    schema_version: ClassVar[int] = 1
    label: ClassVar[str] = "Batas waktu langkah diubah"

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: str
    activity: str
    previous_due_at: AwareDatetime
    due_at: AwareDatetime
    reason: str  # in Bahasa Indonesia: why it moved (a closure, a resumed clock, …)
    clock: str = "step"  # which clock: "step", or a LAPOR! clock ("lapor_verification", …)
