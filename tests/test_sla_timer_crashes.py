"""An SLA timer fires once, whatever happens to the workers that fire it: a warning appended
just before a crash is not appended again; a killed worker fires what it missed once after its
restart; two workers never fire a timer twice.

The module runs its own sandbox: it moves the (simulated) clock forward, kills its SLA worker
and starts a second one.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest

from cases import PostgresEventStore
from events import Actor, Fact, SopRef
from events.sla import SlaWarningRaised
from tests.support import sandbox
from tests.support.casework import Officer
from tests.support.sandbox import Alur
from tests.support.seed_cases import complaint
from tests.support.timers import (
    CLOCK_ENV,
    a_later_deadline_fired,
    advance_to,
    sla_events,
    timer,
    until_raised,
)
from tests.support.waiting import eventually

# Small batches, so that two workers take turns on the same due timers.
pytestmark = pytest.mark.sandbox("crashes", env={**CLOCK_ENV, "ALUR_SLA_FIRE_BATCH": "3"})


async def _complaints(alur: Alur, count: int, at_once: int = 4) -> list[str]:
    posting = asyncio.Semaphore(at_once)  # a few at a time: the database is shared

    async def one() -> str:
        async with posting:
            return (await complaint(alur))["case_id"]

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def _count(alur: Alur, case_ids: list[str], where: str) -> int:
    rows = await alur.sql(
        f"SELECT count(*) AS n FROM sla_timers WHERE case_id = ANY($1) AND ({where})",
        [uuid.UUID(c) for c in case_ids],
    )
    return rows[0]["n"]


async def _started(alur: Alur, case_ids: list[str], step: str) -> list[dict]:
    """The timers of `step` of every case, once they have all started."""

    async def all_started() -> list[dict] | None:
        rows = await alur.sql(
            "SELECT * FROM sla_timers WHERE case_id = ANY($1) AND step = $2",
            [uuid.UUID(c) for c in case_ids],
            step,
        )
        return [dict(r) for r in rows] if len(rows) == len(case_ids) else None

    return await eventually(all_started)


async def _all_fired(alur: Alur, case_ids: list[str]) -> bool:
    return await _count(alur, case_ids, "status = 'fired'") == len(case_ids)


async def _raised_per_case(alur: Alur, case_ids: list[str], petugas: Officer) -> list[Counter]:
    raised = await asyncio.gather(*(sla_events(alur, case_id, petugas) for case_id in case_ids))
    return [Counter(e["type"] for e in events) for events in raised]


async def test_a_warning_appended_before_a_crash_is_not_appended_again(
    alur: Alur, petugas: Officer
) -> None:
    case_id = (await complaint(alur))["case_id"]
    step_2 = await timer(alur, case_id, step="2")
    # A worker appended the warning, then died before it could mark its timer.
    warning = SlaWarningRaised(
        step="2", activity=step_2["activity"], due_at=step_2["due_at"], role="petugas_pengaduan"
    )
    appended = Fact(
        event_id=uuid.uuid4(),
        type=warning.type,
        schema_version=warning.schema_version,
        case_type="complaint",
        occurred_at=step_2["warn_at"],
        actor=Actor(id="sla", role="sistem"),
        sop=SopRef(id=step_2["sop_id"], version=step_2["sop_version"], step=None, next_step="2"),
        causation_id=f"sla:{step_2['id']}:warning",
        payload=warning.model_dump(mode="json"),
    )
    store = await PostgresEventStore.connect(alur.database_url)
    try:
        await store.record_once(uuid.UUID(case_id), appended)
    finally:
        await store.close()

    await advance_to(alur, step_2["warn_at"], extra_minutes=0.5)
    await eventually(lambda: _count(alur, [case_id], "stage = 'warned' OR status = 'fired'"))
    # The same timer's breach, fired in a later pass, marks that no second warning came first.
    await advance_to(alur, step_2["due_at"])
    raised = [e["type"] for e in await until_raised(alur, case_id, petugas, "SlaBreached")]

    assert raised.count("SlaWarningRaised") == 1, raised
    assert raised.index("SlaWarningRaised") < raised.index("SlaBreached")


async def test_a_worker_killed_with_timers_pending_fires_each_once_after_restart(
    alur: Alur, petugas: Officer
) -> None:
    before = await _complaints(alur, 3)
    pending = await _started(alur, before, "2")

    killed = alur.processes.pop("sla")
    killed.kill()  # kill -9: no chance to finish anything
    killed.wait(timeout=10)
    during = await _complaints(alur, 2)  # their timers start after the restart
    await advance_to(alur, max(t["due_at"] for t in pending))
    sandbox.start_worker(alur, "sla")

    started = await _started(alur, during, "2")
    await advance_to(alur, max(t["due_at"] for t in started))
    cases = before + during
    await eventually(lambda: _all_fired(alur, cases))
    await a_later_deadline_fired(alur, petugas)

    for raised in await _raised_per_case(alur, cases, petugas):
        assert raised["SlaBreached"] == 1, raised
        assert set(raised.values()) == {1}, raised


async def test_two_sla_workers_never_fire_a_timer_twice(alur: Alur, petugas: Officer) -> None:
    sandbox.start_worker(alur, "sla", name="sla-second")
    cases = await _complaints(alur, 16)
    started = await _started(alur, cases, "2")
    # Past the warning first, then past the deadline: each timer fires twice, in two passes.
    await advance_to(alur, max(t["warn_at"] for t in started), extra_minutes=0.1)

    async def all_warned() -> bool:
        warned = await _count(alur, cases, "stage = 'warned' OR status = 'fired'")
        return warned == len(cases)

    await eventually(all_warned)
    await advance_to(alur, max(t["due_at"] for t in started))
    await eventually(lambda: _all_fired(alur, cases))
    await a_later_deadline_fired(alur, petugas)

    for raised in await _raised_per_case(alur, cases, petugas):
        assert raised["SlaBreached"] == 1, raised
        assert set(raised.values()) == {1}, raised
