"""One case as an officer may see it: found, and within their scope (officers.case_access).

Routes that show or change one case ask `CaseScope.readable`; a case outside the officer's
scope is answered exactly like a case that does not exist (404), so its existence leaks nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

import asyncpg

from cases import Case, CaseNotFound, EventStore
from office import OfficeConfig
from officers.case_access import CaseAccess, CaseFacts
from officers.management_line import line_above
from runtime.http.dependencies import provided
from sop.actions import Officer
from sop.definition import SopDefinition
from sop.registry import SopRegistry, UnknownSop


@dataclass(frozen=True)
class ScopedCase:
    case: Case
    sop: SopDefinition | None
    facts: CaseFacts


@dataclass(frozen=True)
class CaseScope:
    store: EventStore
    registry: SopRegistry
    pool: asyncpg.Pool
    office: OfficeConfig

    @property
    def access(self) -> CaseAccess:
        return CaseAccess(self.office.access, self.office.org_chart.head_of_office)

    async def readable(self, officer: Officer, case_id: uuid.UUID) -> ScopedCase:
        """The case, when `officer` may read it; CaseNotFound otherwise."""
        case = await self.store.load(case_id)
        sop = await self._sop_of(case)
        facts = CaseFacts.of(case.history, sop)
        access = self.access
        if not access.sees_all(officer) and officer.id not in facts.handlers:
            line = await line_above(self.pool, facts.handlers)
            if not access.may_read(officer, facts, line):
                raise CaseNotFound(case_id)
        return ScopedCase(case, sop, facts)

    async def _sop_of(self, case: Case) -> SopDefinition | None:
        ref = case.history[0].sop
        if ref is None:
            return None
        try:
            return await self.registry.version(ref.id, ref.version)
        except UnknownSop:
            return None


async def in_scope(scope: CaseScope, officer: Officer, case_id: uuid.UUID) -> bool:
    """Whether the case exists and `officer` may read it."""
    try:
        await scope.readable(officer, case_id)
    except CaseNotFound:
        return False
    return True


Scope = Annotated[CaseScope, provided(CaseScope)]
