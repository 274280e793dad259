"""Who may do a step: the roles it names, and the officers who record a public role's step."""

from __future__ import annotations

from collections.abc import Sequence

from sop.actions import Officer, Refusal
from sop.definition import SopDefinition, Step


def is_public(sop: SopDefinition, role_id: str) -> bool:
    role = sop.role(role_id)
    return bool(role and role.public)


def recording_roles(sop: SopDefinition, step: Step) -> list[tuple[str, str | None]]:
    """(the officer role that records the step, the public role it is done for, if any)."""
    pairs: list[tuple[str, str | None]] = []
    for role_id in step.roles:
        role = sop.role(role_id)
        if role is not None and role.public:
            pairs.extend((r, role_id) for r in role.recorded_by)
        else:
            pairs.append((role_id, None))
    return list(dict.fromkeys(pairs))


def acting_role(sop: SopDefinition, step: Step, officer: Officer) -> str | None:
    """The step role `officer` acts in: one they hold, or a public role they record for."""
    for recording_role, public_role in recording_roles(sop, step):
        if recording_role in officer.roles:
            return public_role or recording_role
    return None


def officer_role(sop: SopDefinition, acting_role: str, officer: Officer) -> str:
    """The officer's own role when they record a public role's step."""
    if acting_role in officer.roles:
        return acting_role
    role = sop.role(acting_role)
    assert role is not None
    return next(r for r in role.recorded_by if r in officer.roles)


def wrong_role(sop: SopDefinition, roles: Sequence[str]) -> Refusal:
    names = []
    for role_id in roles:
        role = sop.role(role_id)
        if role is not None and role.public:
            names.extend(role_name(sop, r) for r in role.recorded_by)
        else:
            names.append(role_name(sop, role_id))
    return Refusal(
        "wrong_role", "langkah ini dilakukan oleh " + " atau ".join(dict.fromkeys(names))
    )


def role_name(sop: SopDefinition, role_id: str) -> str:
    role = sop.role(role_id)
    return role.name if role else role_id
