"""Payloads of the time-standard events: a step's deadline is near, passed, escalated.

The SLA timers raise them (routing worker); the notifier tells the officer or the superior.
"""

from __future__ import annotations

from pydantic import AwareDatetime

from events.payload import Payload


class _StepDeadline(Payload):
    """What every event about a step's deadline names first: the step and its deadline."""

    step: str
    activity: str
    due_at: AwareDatetime


class _StepAtRisk(_StepDeadline):
    """A step whose deadline is near or passed, and who must act on it."""

    role: str  # the role that must act
    assignee: str | None = None  # the officer the step was given to, if any


class SlaWarningRaised(
    _StepAtRisk,
    type="SlaWarningRaised",
    version=1,
    label="Peringatan: batas waktu langkah segera habis",
):
    """A step's deadline is near and the step is not done (v1)."""


class SlaBreached(
    _StepAtRisk, type="SlaBreached", version=1, label="Batas waktu langkah terlampaui"
):
    """A step's deadline passed before the step was done (v1)."""


class EscalationRaised(
    _StepDeadline, type="EscalationRaised", version=1, label="Dieskalasi ke atasan langsung"
):
    """A late step was escalated to the direct superior (atasan langsung) (v1)."""

    escalated_to: str  # the superior's officer id
    reason: str


class ClockSuspended(
    Payload, type="ClockSuspended", version=2, label="Waktu layanan dihentikan sementara"
):
    """An officer stopped a case's clock, e.g. while waiting for the reporter's documents (v2).

    v2 seals `reason` with the key of the case's data subject (an officer's words may name
    people); v1 held it in plaintext and is upcast unchanged (a plaintext value reads as itself).
    """

    step: str  # the step whose clock stops
    reason: str  # sealed


class ClockResumed(Payload, type="ClockResumed", version=2, label="Waktu layanan dilanjutkan"):
    """An officer restarted a suspended case clock (v2: `reason` sealed, as in ClockSuspended
    v2; v1 upcast unchanged).

    The step's deadline moves by the working time the clock was suspended; the SLA worker
    records the new deadline with `SlaDeadlineChanged`.
    """

    step: str
    reason: str | None = None  # sealed


class SlaDeadlineChanged(
    Payload, type="SlaDeadlineChanged", version=1, label="Batas waktu langkah diubah"
):
    """A step's deadline moved: a suspended clock resumed, or the calendar changed (v1)."""

    step: str
    activity: str
    previous_due_at: AwareDatetime
    due_at: AwareDatetime
    reason: str  # in Bahasa Indonesia: why it moved (a closure, a resumed clock, …)
    clock: str = "step"  # which clock: "step", or a LAPOR! clock ("lapor_verification", …)
