"""A disabled officer is given no work: routing passes them over (officers.OfficerDirectory
`holding`, which routing, SLA escalation and the notifier's role audiences read)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import date

import asyncpg
import pytest

from cases import InMemoryEventStore
from events import CATALOG
from events.routing import CaseRouted
from office import OfficeConfig
from services.routing.router import Router
from sop.actions import Officer
from tests.support.desk import Desk
from tests.support.routing_office import routing_office
from tests.support.seed_cases import to_the_team
from tests.support.service_layer import Line

OFFICE = OfficeConfig.model_validate(routing_office(date(2026, 4, 6), date(2026, 4, 10)))
TEAM = "tim_pengelola_pengaduan"


@pytest.fixture
async def line(
    store: InMemoryEventStore, pool: asyncpg.Pool, router_for: Callable[..., Router]
) -> AsyncIterator[Line]:
    async with Line.running(store, pool, routing=router_for(OFFICE)) as line:
        yield line


async def _assignee(desk: Desk, case_id: uuid.UUID) -> str:
    (routed,) = [
        CATALOG.payload(fact, CaseRouted)
        for fact in await desk.history(case_id)
        if fact.type == CaseRouted.type
    ]
    return routed.assignee


async def test_a_disabled_officer_is_passed_over_and_an_enabled_one_takes_turns_again(
    desk: Desk, line: Line, petugas: Officer
) -> None:
    one = await desk.hire("Kesling Satu", TEAM, unit="Seksi Kesling")
    two = await desk.hire("Kesling Dua", TEAM, unit="Seksi Kesling")
    await desk.directory.set_disabled(two.id, True)
    cases = []
    for _ in range(2):
        cases.append(await desk.complaint("Kesehatan Lingkungan"))
        await desk.work(cases[-1], to_the_team(petugas))
        await line.settle()
    assert [await _assignee(desk, c) for c in cases] == [one.id, one.id]

    await desk.directory.set_disabled(two.id, False)
    again = await desk.complaint("Kesehatan Lingkungan")
    await desk.work(again, to_the_team(petugas))
    await line.settle()
    assert await _assignee(desk, again) == two.id
