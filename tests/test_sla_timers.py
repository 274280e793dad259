"""SLA timers through the real workers, Kafka and a simulated clock: a step with a time
standard gets a durable deadline; the officer is warned once at 75% of the time; at the
deadline the breach is recorded and escalated to the direct superior; doing the step cancels
its timer; a killed worker fires what it missed once; two workers never fire a timer twice.

The module runs its own sandbox: it moves the (simulated) clock forward, which the other
tests must not see.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from cases import PostgresEventStore
from events import Actor, Fact, SopRef
from events.sla import SlaWarningRaised
from officers.directory import officer_id
from runtime.settings import REPO_ROOT
from tests.conftest import Alur, eventually
from tests.support import sandbox
from tests.support.casework import Officer, add_officer, alur_cli, case, do, published_types, sop_id
from tests.test_complaint_to_register import COMPLAINT

SLA_ENV = {
    "ALUR_CLOCK": "simulated",
    "ALUR_SLA_POLL_SECONDS": "0.2",
    # Small batches, so that two workers take turns on the same due timers.
    "ALUR_SLA_FIRE_BATCH": "3",
    "ALUR_NOTIFIER_POLL_SECONDS": "0.2",
}
SLA_EVENTS = ("SlaWarningRaised", "SlaBreached", "EscalationRaised")
# Long enough for several polling passes of every SLA worker.
QUIET_SECONDS = 1.5


@pytest.fixture(scope="module")
def alur() -> Iterator[Alur]:
    system = sandbox.start("sla", SLA_ENV)
    try:
        yield system
    finally:
        sandbox.stop(system)


@pytest.fixture(scope="module")
def reader(alur: Alur) -> Officer:
    """An officer who only reads cases (GET /api/cases/{id} needs a token)."""
    return asyncio.run(add_officer(alur, "Pembaca Arsip", "petugas_pengaduan"))


def _unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


async def _complaint(alur: Alur, **changes: Any) -> str:
    async with alur.http() as client:
        response = await client.post("/api/complaints", json={**COMPLAINT, **changes})
    assert response.status_code == 201, response.text
    return response.json()["case_id"]


async def _complaints(alur: Alur, count: int, at_once: int = 4) -> list[str]:
    posting = asyncio.Semaphore(at_once)  # a few at a time: the database is shared

    async def one() -> str:
        async with posting:
            return await _complaint(alur)

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def _started(alur: Alur, case_ids: list[str], step: str) -> list[dict[str, Any]]:
    """The timers of `step` of every case, once they have all started."""

    async def all_started() -> list[dict[str, Any]] | None:
        rows = await alur.sql(
            "SELECT * FROM sla_timers WHERE case_id = ANY($1) AND step = $2",
            [uuid.UUID(c) for c in case_ids],
            step,
        )
        return [dict(r) for r in rows] if len(rows) == len(case_ids) else None

    return await eventually(all_started)


async def _timers(alur: Alur, case_id: str) -> list[dict[str, Any]]:
    rows = await alur.sql(
        "SELECT * FROM sla_timers WHERE case_id = $1 ORDER BY started_position",
        uuid.UUID(case_id),
    )
    return [dict(r) for r in rows]


async def _timer(alur: Alur, case_id: str, step: str) -> dict[str, Any]:
    async def started() -> dict[str, Any] | None:
        return next((t for t in await _timers(alur, case_id) if t["step"] == step), None)

    return await eventually(started)


async def _advance_to(alur: Alur, moment: datetime, extra_minutes: float = 1.0) -> None:
    """Move the simulated clock to `extra_minutes` after `moment` (never backwards)."""
    async with alur.http() as client:
        now = datetime.fromisoformat((await client.get("/api/clock")).json()["now"])
        minutes = max((moment - now).total_seconds() / 60, 0) + extra_minutes
        response = await client.post("/api/clock/advance", json={"minutes": minutes})
    assert response.status_code == 200, response.text


async def _history(alur: Alur, case_id: str, officer: Officer) -> list[dict[str, Any]]:
    async with alur.http() as client:
        return (await case(client, case_id, officer))["history"]


async def _sla_events(alur: Alur, case_id: str, officer: Officer) -> list[dict[str, Any]]:
    return [e for e in await _history(alur, case_id, officer) if e["type"] in SLA_EVENTS]


async def _until_raised(
    alur: Alur, case_id: str, officer: Officer, *types: str
) -> list[dict[str, Any]]:
    async def raised() -> list[dict[str, Any]] | None:
        events = await _sla_events(alur, case_id, officer)
        return events if all(any(e["type"] == t for e in events) for t in types) else None

    return await eventually(raised)


async def test_a_timed_step_gets_a_stored_deadline_on_the_office_calendar_and_one_warning(
    alur: Alur, reader: Officer
) -> None:
    await add_officer(alur, _unique("Petugas"), "petugas_pengaduan", email="petugas@dinkes.test")
    case_id = await _complaint(alur)
    timer = await _timer(alur, case_id, "2")  # "Petugas menerima pengaduan …": 10 Menit

    assert (timer["status"], timer["stage"]) == ("open", "pending")
    assert (timer["duration_value"], timer["duration_unit"]) == (10, "minutes")
    deadline = alur_cli(
        alur,
        "calendar",
        "deadline",
        "--start",
        timer["started_at"].isoformat(),
        "--duration",
        "10 Menit",
    )
    assert deadline.returncode == 0, deadline.stderr
    assert datetime.fromisoformat(deadline.stdout.strip()) == timer["due_at"]
    assert timer["started_at"] < timer["warn_at"] < timer["due_at"]

    await _advance_to(alur, timer["warn_at"], extra_minutes=0.5)  # 2.5 working minutes left
    (warning,) = await _until_raised(alur, case_id, reader, "SlaWarningRaised")
    await _advance_to(alur, timer["warn_at"], extra_minutes=0.6)
    await asyncio.sleep(QUIET_SECONDS)

    assert [e["type"] for e in await _sla_events(alur, case_id, reader)] == ["SlaWarningRaised"]
    assert warning["actor"] == {"id": "sla", "role": "sistem"}
    assert (warning["step"], warning["next_step"]) == (None, "2")  # the case still waits at 2
    assert warning["payload"]["role"] == "petugas_pengaduan"
    assert datetime.fromisoformat(warning["payload"]["due_at"]) == timer["due_at"]
    # Nobody was given the step: the officers holding its role are warned.
    assert ("SlaWarningRaised", "petugas@dinkes.test") in await eventually(
        lambda: _emailed(alur, case_id, reader, 1)
    )


async def test_a_late_step_is_breached_and_escalated_to_its_officers_direct_superior(
    alur: Alur,
) -> None:
    kepala = await add_officer(
        alur, _unique("Kabid Yankes"), "tim_pengelola_pengaduan", email="kabid@dinkes.test"
    )
    anggota = await add_officer(
        alur,
        _unique("Anggota Tim"),
        "tim_pengelola_pengaduan",
        superior=kepala.name,
        email="anggota@dinkes.test",
    )
    petugas = await add_officer(alur, _unique("Petugas"), "petugas_pengaduan")
    case_id = await _complaint(alur, category=None)
    async with alur.http() as client:
        await do(client, case_id, petugas, "register_complaint")
        await do(client, case_id, petugas, "review_complaint")
        await do(client, case_id, petugas, "forward_to_team", assignee=officer_id(anggota.name))
    timer = await _timer(alur, case_id, "5")  # the team's analysis: 3 Hari Kerja
    assert timer["assignee"] == officer_id(anggota.name)
    assert timer["duration_unit"] == "working_days"

    await _advance_to(alur, timer["due_at"])
    events = await _until_raised(alur, case_id, petugas, "SlaBreached", "EscalationRaised")
    await asyncio.sleep(QUIET_SECONDS)

    assert [e["type"] for e in await _sla_events(alur, case_id, petugas)] == [
        "SlaBreached",
        "EscalationRaised",
    ]
    escalation = next(e for e in events if e["type"] == "EscalationRaised")
    assert escalation["payload"]["escalated_to"] == officer_id(kepala.name)
    assert escalation["payload"]["step"] == "5"
    assert "Batas waktu" in escalation["payload"]["reason"]
    published = await published_types(alur, "complaint", case_id, 6)
    assert published[-2:] == ["SlaBreached", "EscalationRaised"]
    (row,) = [t for t in await _timers(alur, case_id) if t["step"] == "5"]
    assert (row["status"], row["stage"], row["next_fire_at"]) == ("fired", "escalated", None)

    assert await eventually(lambda: _emailed(alur, case_id, petugas, 2)) == {
        ("SlaBreached", "kabid@dinkes.test"),
        ("EscalationRaised", "kabid@dinkes.test"),
    }


async def _emailed(
    alur: Alur, case_id: str, officer: Officer, at_least: int
) -> set[tuple[str, str]] | None:
    """(event type, address) of the case's SLA emails, once there are `at_least` of them."""
    async with alur.http() as client:
        response = await client.get(f"/api/cases/{case_id}/notifications", headers=officer.headers)
    assert response.status_code == 200, response.text
    told = {
        (n["event_type"], n["recipient"])
        for n in response.json()
        if n["event_type"] in SLA_EVENTS and n["channel"] == "email"
    }
    return told if len(told) >= at_least else None


async def test_pelayanan_prima_follow_up_escalates_to_the_head_of_office(alur: Alur) -> None:
    kepala = await add_officer(alur, _unique("Kepala KKP"), "kepala_kantor")
    # The team leader's own superior is not who a late 3 x 24 Jam follow-up goes to.
    pengawas = await add_officer(alur, _unique("Pengawas"), "petugas_layanan")
    ketua = await add_officer(alur, _unique("Ketua Tim"), "ka_tim_kerja", superior=pengawas.name)
    layanan = await add_officer(alur, _unique("Petugas"), "petugas_layanan", superior=ketua.name)
    async with alur.http() as client:
        prima = await sop_id(client, "Pelayanan Prima", "Palembang")
        response = await client.post(
            "/api/cases", json={"sop": prima, "data": {}}, headers=kepala.headers
        )
        assert response.status_code == 201, response.text
        case_id = response.json()["case_id"]
        await do(client, case_id, ketua, "instruct_service_staff")
        await do(client, case_id, layanan, "prepare_service")
        await do(client, case_id, layanan, "deliver_service")
        await do(client, case_id, layanan, "give_service_information")
        await do(client, case_id, layanan, "record_customer_response", decision="keluhan")
    timer = await _timer(alur, case_id, "7")
    assert timer["due_at"] - timer["started_at"] == timedelta(hours=72)  # 3 x 24 Jam
    # The customer's own answer (step 6) has no timer: nobody in the office can be late.
    assert [t["step"] for t in await _timers(alur, case_id)] == ["2", "3", "4", "5", "7"]

    await _advance_to(alur, timer["due_at"])
    events = await _until_raised(alur, case_id, kepala, "EscalationRaised")

    escalation = next(e for e in events if e["type"] == "EscalationRaised")
    assert escalation["payload"]["escalated_to"] == officer_id(kepala.name)


async def test_doing_the_step_cancels_its_timer(alur: Alur, reader: Officer) -> None:
    petugas = await add_officer(alur, _unique("Petugas"), "petugas_pengaduan")
    case_id = await _complaint(alur)
    step_2 = await _timer(alur, case_id, "2")
    async with alur.http() as client:
        registered = await do(client, case_id, petugas, "register_complaint")
    step_3 = await _timer(alur, case_id, "3")

    await _advance_to(alur, step_2["due_at"])  # step 2 would be late; step 3 not yet warned
    await asyncio.sleep(QUIET_SECONDS)

    assert step_3["warn_at"] > step_2["due_at"] + timedelta(minutes=1)
    assert await _sla_events(alur, case_id, reader) == []
    (done,) = [t for t in await _timers(alur, case_id) if t["step"] == "2"]
    assert done["status"] == "done"
    registered_id = next(
        e["event_id"] for e in registered["events"] if e["type"] == "ComplaintRegistered"
    )
    assert str(done["completed_event_id"]) == registered_id


async def test_a_warning_appended_before_a_crash_is_not_appended_again(
    alur: Alur, reader: Officer
) -> None:
    case_id = await _complaint(alur)
    timer = await _timer(alur, case_id, "2")
    # A worker appended the warning, then died before it could mark its timer.
    warning = SlaWarningRaised(
        step="2", activity=timer["activity"], due_at=timer["due_at"], role="petugas_pengaduan"
    )
    appended = Fact(
        event_id=uuid.uuid4(),
        type=warning.type,
        schema_version=warning.schema_version,
        case_type="complaint",
        occurred_at=timer["warn_at"],
        actor=Actor(id="sla", role="sistem"),
        sop=SopRef(id=timer["sop_id"], version=timer["sop_version"], step=None, next_step="2"),
        causation_id=f"sla:{timer['id']}:warning",
        payload=warning.model_dump(mode="json"),
    )
    store = await PostgresEventStore.connect(alur.database_url)
    try:
        await store.record_once(uuid.UUID(case_id), appended)
    finally:
        await store.close()

    await _advance_to(alur, timer["warn_at"], extra_minutes=0.5)
    await eventually(lambda: _count(alur, [case_id], "stage = 'warned' OR status = 'fired'", 1))
    await asyncio.sleep(QUIET_SECONDS)

    raised = [e["type"] for e in await _sla_events(alur, case_id, reader)]
    assert raised.count("SlaWarningRaised") == 1, raised


def _start_sla_worker(alur: Alur, name: str) -> subprocess.Popen:
    """Another `alur serve sla` process on the sandbox (same database, topics and clock)."""
    env = {
        **os.environ,
        "DATABASE_URL": alur.database_url,
        "KAFKA_BOOTSTRAP_SERVERS": alur.kafka,
        "ALUR_NAMESPACE": alur.namespace,
        **SLA_ENV,
    }
    with open(sandbox.LOGS / f"sla-{name}.log", "ab") as log:
        process = subprocess.Popen(
            [str(REPO_ROOT / ".venv" / "bin" / "alur"), "serve", "sla"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO_ROOT,
        )
    alur.processes[name] = process  # stopped with the sandbox
    return process


async def _fired(alur: Alur, case_ids: list[str]) -> bool:
    rows = await alur.sql(
        "SELECT count(*) AS n FROM sla_timers WHERE case_id = ANY($1) AND status = 'fired'",
        [uuid.UUID(c) for c in case_ids],
    )
    return rows[0]["n"] == len(case_ids)


async def _raised_per_case(alur: Alur, case_ids: list[str], reader: Officer) -> list[Counter]:
    raised = await asyncio.gather(*(_sla_events(alur, case_id, reader) for case_id in case_ids))
    return [Counter(e["type"] for e in events) for events in raised]


async def test_a_worker_killed_with_timers_pending_fires_each_once_after_restart(
    alur: Alur, reader: Officer
) -> None:
    before = await _complaints(alur, 3)
    pending = await _started(alur, before, "2")

    killed = alur.processes.pop("sla")
    killed.kill()  # kill -9: no chance to finish anything
    killed.wait(timeout=10)
    during = await _complaints(alur, 2)  # their timers start after the restart
    await _advance_to(alur, max(t["due_at"] for t in pending))
    _start_sla_worker(alur, "sla")

    started = await _started(alur, during, "2")
    await _advance_to(alur, max(t["due_at"] for t in started))
    cases = before + during
    await eventually(lambda: _fired(alur, cases))
    await asyncio.sleep(QUIET_SECONDS)

    for raised in await _raised_per_case(alur, cases, reader):
        assert raised["SlaBreached"] == 1, raised
        assert set(raised.values()) == {1}, raised


async def test_two_sla_workers_never_fire_a_timer_twice(alur: Alur, reader: Officer) -> None:
    _start_sla_worker(alur, "sla-second")
    cases = await _complaints(alur, 16)
    started = await _started(alur, cases, "2")
    # Past the warning first, then past the deadline: each timer fires twice, in two passes.
    await _advance_to(alur, max(t["warn_at"] for t in started), extra_minutes=0.1)
    await eventually(
        lambda: _count(alur, cases, "stage = 'warned' OR status = 'fired'", len(cases))
    )
    await _advance_to(alur, max(t["due_at"] for t in started))
    await eventually(lambda: _fired(alur, cases))
    await asyncio.sleep(QUIET_SECONDS)

    for raised in await _raised_per_case(alur, cases, reader):
        assert raised["SlaBreached"] == 1, raised
        assert set(raised.values()) == {1}, raised


async def _count(alur: Alur, case_ids: list[str], where: str, expected: int) -> bool:
    rows = await alur.sql(
        f"SELECT count(*) AS n FROM sla_timers WHERE case_id = ANY($1) AND ({where})",
        [uuid.UUID(c) for c in case_ids],
    )
    return rows[0]["n"] == expected
