"""A caller's request id never becomes a system causation id: an officer's `Idempotency-Key` is
recorded in the officer's own namespace, so it cannot pre-empt (and so suppress) the SLA
worker's breach or a visitor's survey, nor pass for another officer's retry; a complaint's
`X-Request-Id` is recorded under `public:`. Through HTTP, Kafka and the real workers.

The module runs its own sandbox: it moves the (simulated) clock forward.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from officers.directory import officer_id
from tests.support.casework import (
    Officer,
    add_officer,
    events_of,
    new_officers,
    open_case,
    unique_name,
)
from tests.support.sandbox import Alur
from tests.support.seed_cases import COMPLAINT, complaint, visit_sop
from tests.support.timers import advance_to, clock_sandbox, timer
from tests.support.waiting import eventually

pytestmark = clock_sandbox("idempotency")

WAITING = "menunggu fotokopi KTP dari pelapor"


async def _act(
    client: httpx.AsyncClient, case_id: str, officer: Officer, key: str, action: str, **fields: Any
) -> httpx.Response:
    return await client.post(
        f"/api/cases/{case_id}/actions",
        json={"action": action, **fields},
        headers={**officer.headers, "Idempotency-Key": key},
    )


async def _causations(alur: Alur, case_id: str) -> list[str | None]:
    """The causation ids the store holds for the case, in order."""
    rows = await alur.sql(
        "SELECT state FROM casestore_events WHERE originator_id = $1::uuid"
        " ORDER BY originator_version",
        case_id,
    )
    return [json.loads(bytes(r["state"]))["fact"]["causation_id"] for r in rows]


async def test_an_officers_key_equal_to_the_breach_causation_does_not_suppress_the_breach(
    alur: Alur, petugas: Officer
) -> None:
    case_id = (await complaint(alur))["case_id"]
    step_2 = await timer(alur, case_id, step="2")  # register the complaint: 10 Menit
    breach = f"sla:{step_2['id']}:breach"  # the SLA worker's causation id for its breach
    async with alur.http() as client:
        suspended = await _act(client, case_id, petugas, breach, "suspend_clock", note=WAITING)
        assert suspended.status_code == 200, suspended.text
        again = await _act(client, case_id, petugas, breach, "suspend_clock", note=WAITING)
        assert again.status_code == 200  # the officer's own retry: the same event, once
        assert again.json()["events"] == suspended.json()["events"]

        async def stopped() -> bool:
            return (await timer(alur, case_id, step="2"))["status"] == "suspended"

        await eventually(stopped)
        resumed = await _act(client, case_id, petugas, f"resume-{uuid.uuid4()}", "resume_clock")
        assert resumed.status_code == 200, resumed.text

    async def running() -> dict[str, Any] | None:
        found = await timer(alur, case_id, step="2")
        return found if found["status"] == "open" else None

    await advance_to(alur, (await eventually(running))["due_at"])
    (breached,) = await events_of(alur, case_id, petugas, "SlaBreached")
    assert breached["payload"]["step"] == "2"
    causations = await _causations(alur, case_id)
    assert f"officer:{officer_id(petugas.name)}:{breach}" in causations
    assert causations.count(breach) == 1  # the worker's own


async def test_another_officers_equal_key_is_another_request(alur: Alur) -> None:
    first, second = [
        await add_officer(alur, unique_name("petugas"), "petugas_pengaduan") for _ in range(2)
    ]
    case_id = (await complaint(alur))["case_id"]
    key = f"shared-{uuid.uuid4()}"
    async with alur.http() as client:
        suspended = await _act(client, case_id, first, key, "suspend_clock", note=WAITING)
        assert suspended.status_code == 200, suspended.text
        resumed = await _act(client, case_id, second, key, "resume_clock")
    assert resumed.status_code == 200, resumed.text
    assert [e["type"] for e in resumed.json()["events"]] == ["ClockResumed"]


async def test_an_officers_key_equal_to_the_survey_causation_does_not_block_the_visitors_survey(
    alur: Alur,
) -> None:
    satpam, resepsionis = await new_officers(alur, "satpam", "resepsionis")
    async with alur.http() as client:
        visit = (await open_case(client, satpam, await visit_sop(client), {"tujuan": "Farmasi"}))[
            "case_id"
        ]
        greeted = await _act(client, visit, resepsionis, f"survey:{visit}", "greet_visitor")
        assert greeted.status_code == 200, greeted.text
        link = await client.get(f"/api/surveys/{visit}/link", headers=satpam.headers)
        assert link.status_code == 200, link.text
        answered = await client.post(
            link.json()["url"].replace("/survei/", "/api/surveys/"),
            json={"skm": {f"u{i}": 4 for i in range(1, 10)}},
        )
    assert answered.status_code == 201, answered.text


async def test_a_complaints_request_id_is_recorded_in_the_public_namespace(alur: Alur) -> None:
    key = f"sla:{uuid.uuid4()}:breach"
    async with alur.http() as client:
        sent = await client.post("/api/complaints", json=COMPLAINT, headers={"X-Request-Id": key})
    assert sent.status_code == 201, sent.text
    assert await _causations(alur, sent.json()["case_id"]) == [f"public:{key}"]
