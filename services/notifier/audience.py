"""Who a rule's audience is, for one event: the reporter, or officers from the directory."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel

from events import Envelope
from events.sla import EscalationRaised
from officers import OfficerDirectory
from services.notifier.complaints import Complaint
from services.notifier.rules import Audience
from sop.actions import Officer
from sop.progress import CLOSING
from sop.registry import SopRegistry, UnknownSop


@dataclass(frozen=True)
class Recipient:
    audience: Audience
    name: str | None
    email: str | None
    phone: str | None
    # For a superior: the officer whose late step they are told about.
    about: str | None = None


class Audiences:
    def __init__(self, directory: OfficerDirectory, registry: SopRegistry) -> None:
        self._directory = directory
        self._registry = registry
        self._holding: dict[str, list[Officer]] = {}

    def new_batch(self) -> None:
        """Forget who held which role: a batch asks the directory once per role (its events
        often wait at the same step), the next batch sees the officers as they are then."""
        self._holding.clear()

    async def _holders(self, role: str) -> list[Officer]:
        if role not in self._holding:
            self._holding[role] = await self._directory.holding(role)
        return self._holding[role]

    async def resolve(
        self,
        audience: Audience,
        envelope: Envelope,
        payload: BaseModel,
        complaint: Complaint | None,
    ) -> list[Recipient]:
        if audience == "reporter":
            if complaint is None:
                return []
            return [
                Recipient(
                    "reporter",
                    complaint.reporter_name,
                    complaint.reporter_email,
                    complaint.reporter_phone,
                )
            ]
        if audience == "assignee":
            return _officers(audience, await self._assignees(payload))
        if audience == "step_officers":
            officers = await self._step_officers(envelope, payload)
            return _officers(audience, [o for o in officers if o.id != envelope.actor.id])
        return await self._superiors(payload)

    async def _assignees(self, payload: BaseModel) -> list[Officer]:
        assignee = getattr(payload, "assignee", None)
        if assignee:
            return list((await self._directory.by_ids([assignee])).values())
        role = getattr(payload, "role", None)  # an SLA event without an assignee
        return await self._holders(role) if role else []

    async def _step_officers(self, envelope: Envelope, payload: BaseModel) -> list[Officer]:
        assignee = getattr(payload, "assignee", None)
        if assignee:
            return list((await self._directory.by_ids([assignee])).values())
        ref = envelope.sop
        if ref is None or ref.next_step is None:
            return []
        try:
            sop = await self._registry.version(ref.id, ref.version)
        except UnknownSop:
            return []
        if ref.next_step == CLOSING:
            roles = sop.closing.roles if sop.closing else []
        else:
            roles = sop.step(int(ref.next_step)).roles
        found: dict[str, Officer] = {}
        for role in roles:
            for officer in await self._holders(role):
                found[officer.id] = officer
        return list(found.values())

    async def _superiors(self, payload: BaseModel) -> list[Recipient]:
        if isinstance(payload, EscalationRaised):
            found = await self._directory.by_ids([payload.escalated_to])
            return _officers("superior", found.values())
        recipients = []
        for officer in await self._assignees(payload):
            if officer.superior is None:
                continue
            superior = (await self._directory.by_ids([officer.superior])).get(officer.superior)
            if superior is not None:
                recipients.append(
                    Recipient(
                        "superior", superior.name, superior.email, superior.phone, officer.name
                    )
                )
        return recipients


def _officers(audience: Audience, officers: Iterable[Officer]) -> list[Recipient]:
    return [Recipient(audience, o.name, o.email, o.phone) for o in officers]
