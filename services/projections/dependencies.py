"""The read side's tables as its routers receive them: the pool, read in office time, by an
officer who sees only the cases in their scope (officers.case_access)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import asyncpg
from fastapi import Depends

from office.routing_rules import unit_key
from officers.case_access import CaseAccess
from officers.management_line import line_below
from privacy import PersonalDataKeys
from runtime.http.access import OfficerOnly
from runtime.http.dependencies import Keys, Office, Pool, TimeZone
from services.projections.case_access import visible_cases
from sop.actions import Officer


@dataclass(frozen=True)
class Viewer:
    """The officer reading a list, and the cases they may see in it."""

    officer: Officer
    sees_all: bool
    below: frozenset[str] = frozenset()

    def where(self, first_arg: int) -> tuple[str, list[Any]]:
        """A SQL condition on a table's `case_id`, its arguments numbered from `first_arg`."""
        if self.sees_all:
            return "TRUE", []
        officer = self.officer
        unit = unit_key(officer.unit) if officer.unit else None
        return visible_cases(first_arg), [
            officer.id,
            sorted(self.below),
            sorted(officer.roles),
            unit,
        ]


@dataclass(frozen=True)
class ReadModels:
    pool: asyncpg.Pool
    time_zone: ZoneInfo  # the office's: every time shown is in it
    viewer: Viewer
    # The tables hold personal data sealed; it is revealed only as rows are shown.
    keys: PersonalDataKeys


async def read_models(
    pool: Pool, time_zone: TimeZone, officer: OfficerOnly, office: Office, keys: Keys
) -> ReadModels:
    access = CaseAccess(office.access, office.org_chart.head_of_office)
    if access.sees_all(officer):
        return ReadModels(pool, time_zone, Viewer(officer, sees_all=True), keys)
    below = await line_below(pool, officer.id)
    return ReadModels(pool, time_zone, Viewer(officer, sees_all=False, below=below), keys)


Tables = Annotated[ReadModels, Depends(read_models)]
