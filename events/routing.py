"""Payload of the routing worker's decision: which unit and officer a case's step goes to."""

from __future__ import annotations

from events.payload import Payload


# The label reads "Kasus ditugaskan kepada Anda" in emails.
class CaseRouted(Payload, type="CaseRouted", version=1, label="Kasus ditugaskan"):
    """The routing rules gave the step a case waits at to a unit and an officer (v1).

    The step is not done by this event; it only names who must do it (the step's assignee).
    """

    step: str  # the step the case waits at, now given to `assignee`
    unit: str  # bidang / seksi responsible
    assignee: str  # officer id
    rule: str  # which rule decided ("category:imunisasi", "default", …)
    reason: str  # in Bahasa Indonesia, for the register and the audit trail
    stands_in_for: str | None = None  # the absent official an acting official (Plt) replaces
