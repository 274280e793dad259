"""Per-category time tiers through the SLA worker's consumer (services/sla/applier.py) and
PostgreSQL: a complaint's category, known only from its first event, sets the deadline of its
tiered step several events later."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import asyncpg
import pytest

from office import OfficeConfig, load_office
from office.calendar import WorkingCalendar, step_duration
from office.closures import office_calendar
from services.sla.applier import TimerApplier
from sop.actions import Officer
from sop.definition import SopDefinition, Step
from sop.duration import Duration
from sop.registry import SopRegistry
from tests.support.desk import Desk
from tests.support.seed_cases import to_the_team
from tests.support.service_layer import FakeClock, Line

SHIPPED = load_office()


def _tiered_office() -> OfficeConfig:
    data = SHIPPED.model_dump(mode="json")
    data["sla"]["time_tiers"] = [
        {
            "sop": "pengaduan-masyarakat-dinkes-muba",
            "step": 5,  # the team's analysis, 3 Hari Kerja in the SOP
            "categories": {"Perizinan": "kompleks", "Informasi": "sederhana"},
        }
    ]
    return OfficeConfig.model_validate(data)


OFFICE = _tiered_office()


@pytest.fixture
async def line(store: Any, pool: asyncpg.Pool, registry: SopRegistry) -> AsyncIterator[Line]:
    def durations(sop: SopDefinition, step: Step) -> Duration | None:
        return step_duration(OFFICE, sop.id, step)

    applier = TimerApplier(
        OFFICE,
        calendar=partial(office_calendar, OFFICE, pool),
        sop_version=registry.version,
        durations=durations,
    )
    async with Line.running(store, pool, sla=applier) as line:
        yield line


async def _step_5_timer(
    desk: Desk, line: Line, pool: asyncpg.Pool, petugas: Officer, category: str | None
) -> tuple[uuid.UUID, dict[str, Any]]:
    case_id = await desk.complaint(category)
    await line.relay()  # ComplaintReceived on its own: the category is kept
    await desk.work(case_id, to_the_team(petugas))
    await line.relay()
    row = await pool.fetchrow(
        "SELECT * FROM sla_timers WHERE case_id = $1 AND step = '5' AND kind = 'step'", case_id
    )
    assert row is not None
    return case_id, dict(row)


@pytest.mark.parametrize(
    ("category", "days"), [("perizinan", 14), ("INFORMASI", 2), ("lainnya", 3), (None, 3)]
)
async def test_the_tiered_step_gets_the_deadline_of_the_cases_category(
    desk: Desk,
    line: Line,
    pool: asyncpg.Pool,
    petugas: Officer,
    clock: FakeClock,
    category: str | None,
    days: int,
) -> None:
    case_id, timer = await _step_5_timer(desk, line, pool, petugas, category)

    assert (timer["duration_value"], timer["duration_unit"]) == (days, "working_days")
    due = WorkingCalendar.of(OFFICE).deadline(
        timer["started_at"], Duration(value=days, unit="working_days")
    )
    assert timer["due_at"] == due
    kept = await pool.fetchval(
        "SELECT category FROM sla_case_categories WHERE case_id = $1", case_id
    )
    assert kept == category
