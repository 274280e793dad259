"""Who a late step is escalated to: the direct superior (atasan langsung) of its officer.

In order:
1. the office's escalation role for the SOP step (`org_chart.escalations`: Pelayanan Prima's
   3 x 24 Jam follow-up goes to the head of office) — the first officer holding that role;
2. the officer responsible for the step — its assignee, else the only officer holding the
   step's role — and their direct superior as the directory names it;
3. else the org chart's superior role of the step's role (`org_chart.superiors`) — the first
   officer holding it;
4. an acting official (Plt) stands in for that superior on the day the step became late.
None when nobody is found: the breach is still recorded, the escalation is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from office.org_chart import OrgChart
from sop.actions import Officer


class Officers(Protocol):
    """The part of the officer directory escalation needs (officers.OfficerDirectory)."""

    async def by_ids(self, ids: Sequence[str]) -> dict[str, Officer]: ...

    async def holding(self, role: str) -> list[Officer]: ...


@dataclass(frozen=True)
class LateStep:
    sop_id: str
    step: str
    roles: list[str]
    assignee: str | None


@dataclass(frozen=True)
class Target:
    officer_id: str
    reason: str  # Bahasa Indonesia, for the event and the audit trail
    stands_in_for: str | None = None


async def escalation_target(
    late: LateStep, officers: Officers, org_chart: OrgChart, day: date
) -> Target | None:
    found = await _superior(late, officers, org_chart)
    if found is None:
        return None
    acting, replaced = org_chart.stand_in(found.officer_id, day)
    if replaced is None:
        return found
    return Target(
        acting,
        f"{found.reason}; {acting} bertindak sebagai Plt untuk {replaced}",
        stands_in_for=replaced,
    )


async def _superior(late: LateStep, officers: Officers, org_chart: OrgChart) -> Target | None:
    role = org_chart.escalation_role(late.sop_id, late.step)
    if role is not None:
        holder = _first(await officers.holding(role))
        if holder is not None:
            return Target(holder.id, f"eskalasi langkah {late.step} ditetapkan ke {role}")
    for responsible in await _responsible(late, officers):
        if responsible.superior is not None:
            return Target(
                responsible.superior,
                f"atasan langsung {responsible.name} (penanggung jawab langkah {late.step})",
            )
    for step_role in late.roles:
        superior_role = org_chart.superior_role(step_role)
        if superior_role is None:
            continue
        holder = _first(await officers.holding(superior_role))
        if holder is not None:
            return Target(holder.id, f"atasan peran {step_role} menurut bagan organisasi")
    return None


async def _responsible(late: LateStep, officers: Officers) -> list[Officer]:
    """The officer who must do the step: its assignee, else the only holder of its role."""
    if late.assignee is not None:
        return list((await officers.by_ids([late.assignee])).values())
    for role in late.roles:
        holders = await officers.holding(role)
        if len(holders) == 1:
            return holders
    return []


def _first(officers: list[Officer]) -> Officer | None:
    return min(officers, key=lambda o: o.id) if officers else None
