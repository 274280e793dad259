"""Which officer may read which case, and who is shown a confidential reporter's identity.

An officer may read a case when they
- hold a role the office marks as seeing every case (`access.see_all_roles`, and the org
  chart's head of office), or
- did a step of it or were assigned one (a disposition, a routing decision), or
- stand above such an officer in the management line (their superior, that one's superior, …),
  or
- may act on one of its steps (hold a role that does or records it) in the case's unit.
A confidential (*rahasia*) case narrows the last rule to the steps the case waits at: only those
about to handle it, those who handled it, their line and the see-all roles read it.

The case's unit is the one routing gave it; before routing (the intake steps every complaint
goes through) it has none. An officer without a unit works for the whole office. Acting needs
the same unit (`CaseAccess.in_unit`).

The reporter of a confidential case is shown only to `access.identity_roles`; an anonymous
reporter to nobody.

Issue 12.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from events import ComplaintReceived, Fact
from events.routing import CaseRouted
from office.access_rules import AccessRules
from office.routing_rules import unit_key
from sop.actions import Officer
from sop.definition import SopDefinition, Step
from sop.progress import CLOSING
from sop.roles import recording_roles

HIDDEN = "Dirahasiakan"  # what stands where a reporter's identity is not shown
PUBLIC = "public"  # the actor id of the reporter's own steps


@dataclass(frozen=True)
class CaseFacts:
    """What decides who reads a case, read from its history."""

    unit: str | None
    confidential: bool
    anonymous: bool
    handlers: frozenset[str]  # officers who did a step of it or were given one
    roles: frozenset[str]  # officer roles that do or record any of its SOP's steps
    current_roles: frozenset[str]  # … the steps it waits at now

    @classmethod
    def opened(cls, first: Fact, sop: SopDefinition | None) -> CaseFacts:
        """The facts of a case that has only its first event."""
        complaint = (
            ComplaintReceived.model_validate(first.payload)
            if first.type == ComplaintReceived.type
            else None
        )
        roles: set[str] = set()
        if sop is not None:
            for step in sop.steps:
                roles |= _officer_roles(sop, step)
            if sop.closing is not None:
                roles |= set(sop.closing.roles)
        facts = cls(
            unit=None,
            confidential=bool(complaint and complaint.confidential),
            anonymous=bool(complaint and complaint.anonymous),
            handlers=frozenset(),
            roles=frozenset(roles),
            current_roles=frozenset(),
        )
        return facts.after(first, sop)

    def after(self, fact: Fact, sop: SopDefinition | None) -> CaseFacts:
        """The facts once `fact` (the case's next event) is recorded."""
        unit, handlers, current = self.unit, set(self.handlers), self.current_roles
        if fact.type == CaseRouted.type:
            unit = fact.payload["unit"]
            handlers.add(fact.payload["assignee"])
        elif fact.sop is not None and fact.sop.step is not None and fact.actor.id != PUBLIC:
            handlers.add(fact.actor.id)
            if fact.payload.get("assignee"):
                handlers.add(fact.payload["assignee"])
        if fact.sop is not None and sop is not None:
            current = frozenset(_waiting_roles(sop, fact.sop.next_step))
        return replace(self, unit=unit, handlers=frozenset(handlers), current_roles=current)

    @classmethod
    def of(cls, history: Sequence[Fact], sop: SopDefinition | None) -> CaseFacts:
        facts = cls.opened(history[0], sop)
        for fact in history[1:]:
            facts = facts.after(fact, sop)
        return facts


def _waiting_roles(sop: SopDefinition, step: str | None) -> set[str]:
    if step is None:
        return set()
    if step == CLOSING:
        return set(sop.closing.roles) if sop.closing else set()
    number = int(step)
    return _officer_roles(sop, sop.step(number)) if 1 <= number <= len(sop.steps) else set()


def _officer_roles(sop: SopDefinition, step: Step) -> set[str]:
    return {role for role, _ in recording_roles(sop, step)}


@dataclass(frozen=True)
class CaseAccess:
    rules: AccessRules
    head_of_office: str | None = None

    @property
    def see_all_roles(self) -> frozenset[str]:
        extra = {self.head_of_office} if self.head_of_office else set()
        return frozenset({*self.rules.see_all_roles, *extra})

    def sees_all(self, officer: Officer) -> bool:
        return bool(officer.roles & self.see_all_roles)

    def in_unit(self, officer: Officer, facts: CaseFacts) -> bool:
        if officer.unit is None or facts.unit is None:
            return True
        return unit_key(officer.unit) == unit_key(facts.unit)

    def may_read(self, officer: Officer, facts: CaseFacts, line: Collection[str]) -> bool:
        """`line`: every officer above one of the case's handlers (their superiors' chains)."""
        if self.sees_all(officer) or officer.id in facts.handlers or officer.id in line:
            return True
        roles = facts.current_roles if facts.confidential else facts.roles
        return bool(officer.roles & roles) and self.in_unit(officer, facts)

    def sees_identity(self, officer: Officer, facts: CaseFacts) -> bool:
        """Whether the reporter's name and contacts are shown to `officer` (who reads the case)."""
        if facts.anonymous:
            return False
        return not facts.confidential or bool(officer.roles & set(self.rules.identity_roles))
