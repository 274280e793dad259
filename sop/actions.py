"""What the SOP engine is asked and what it answers: officers, action requests, refusals and
the actions a case allows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Officer:
    """An officer of the office, with the SOP roles they hold."""

    id: str
    name: str
    roles: frozenset[str]
    unit: str | None = None
    superior: str | None = None  # the officer id of the direct superior (atasan langsung)
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class ActionRequest:
    action: str
    documents: Sequence[str] = ()
    note: str | None = None
    decision: str | None = None
    assignee: str | None = None  # an officer id
    data: Mapping[str, Any] = field(default_factory=dict)


RefusalCode = Literal[
    "wrong_role",
    "not_assigned",
    "not_allowed_now",
    "case_closed",
    "loop_limit",
    "unknown_action",
    "missing_documents",
    "missing_field",
    "invalid_field",
]


@dataclass(frozen=True)
class Refusal:
    code: RefusalCode
    message: str  # Bahasa Indonesia: officers read it
    field: str | None = None

    @property
    def http_status(self) -> int:
        if self.code in ("wrong_role", "not_assigned"):
            return 403
        if self.code in ("not_allowed_now", "case_closed", "loop_limit"):
            return 409
        return 422


@dataclass(frozen=True)
class AllowedAction:
    action: str
    step: int | str
    role: str  # the role that may do it (the recording officer's role for a public step)
    activity: str
    documents_required: list[str]
    decision_options: list[str] | None = None
    on_behalf_of: str | None = None
    assignee: str | None = None
