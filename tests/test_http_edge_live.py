"""The live web edge, fuzzed: Schemathesis (the OpenAPI fuzzer) reads the running app's own
schema (`/openapi.json`) and sends a bounded number of generated requests to every operation,
as the public and as an officer. No answer may be a 5xx or break the schema (status, content
type, body); afterwards the store holds no event caused by a refused request.

Also through the running app: only an administrator moves the simulated clock, and `/health`
says its status and nothing else.

The module runs its own sandbox (a simulated clock, so the clock's endpoint is live too).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.casework import Officer, add_officer, unique_name
from tests.support.sandbox import Alur
from tests.support.timers import administrator, clock_sandbox

pytestmark = clock_sandbox("edge")

EXAMPLES = 15  # generated requests per operation (each sent twice: public, officer)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Every request the fuzzer sent, by its X-Request-Id (the causation id of what it records).
SENT: dict[str, int] = {}


@pytest.fixture(scope="module")
async def officer(alur: Alur) -> Officer:
    return await add_officer(alur, unique_name("petugas"), "petugas_pengaduan")


def test_no_operation_answers_a_5xx_or_outside_its_schema(alur: Alur, officer: Officer) -> None:
    """Every operation of the live schema, EXAMPLES generated requests each (the same ones
    every run), as the public and as an officer; every failure is listed, operation by
    operation."""
    schema = schemathesis.openapi.from_url(f"{alur.base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 25
    failures: list[str] = []
    for operation in operations:
        try:
            _fuzz(operation, alur, officer)
        except (Exception, FailureGroup) as failure:  # noqa: BLE001 - each one is reported
            failures.append(f"{operation.label}: {str(failure)[:1500]}")
    assert not failures, "\n\n".join(failures)


def _fuzz(operation: Any, alur: Alur, officer: Officer) -> None:
    """The schema's own examples of the operation, then EXAMPLES generated requests: valid
    ones (as the schema describes them) and invalid ones (a wrong type, a missing member, a
    value out of range), the same ones every run (a failure can be reproduced)."""
    examples = operation.get_strategies_from_examples()
    if examples:
        _send(st.one_of(*examples), len(examples) * 3, alur, officer)
    generated = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    _send(generated, EXAMPLES, alur, officer)


def _send(requests: st.SearchStrategy[Any], count: int, alur: Alur, officer: Officer) -> None:
    @given(case=requests)
    @settings(
        max_examples=count,
        deadline=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def sent(case: Any) -> None:
        for headers in ({}, officer.headers):
            request_id = f"fuzz:{uuid.uuid4()}"
            response = case.call_and_validate(
                base_url=alur.base_url,
                headers={**headers, "X-Request-Id": request_id},
                checks=CHECKS,
                timeout=30,
            )
            SENT[request_id] = response.status_code

    sent()


async def test_no_event_was_recorded_for_a_refused_request(alur: Alur) -> None:
    assert SENT, "the fuzzer sent nothing"
    refused = {rid for rid, status in SENT.items() if status >= 400}
    accepted = {rid for rid, status in SENT.items() if status < 300}
    recorded = [
        causation
        for causation in await _causations(alur)
        if causation is not None and "fuzz:" in causation
    ]
    caused_by = {rid for rid in SENT if any(rid in causation for causation in recorded)}
    assert caused_by & refused == set()
    assert caused_by <= accepted
    assert caused_by, "no accepted request recorded anything: the comparison saw nothing"
    print(
        f"fuzzed: {len(SENT)} requests, {len(accepted)} accepted, {len(refused)} refused;"
        f" events stored {await _event_count(alur)},"
        f" {len(recorded)} caused by {len(caused_by)} accepted requests"
    )


async def test_only_an_administrator_moves_the_simulated_clock(
    alur: Alur, officer: Officer
) -> None:
    admin = await administrator(alur)
    async with alur.http() as client:
        before = (await client.get("/api/clock")).json()
        anonymous = await client.post("/api/clock/advance", json={"minutes": 5})
        petugas = await client.post(
            "/api/clock/advance", json={"minutes": 5}, headers=officer.headers
        )
        assert (anonymous.status_code, petugas.status_code) == (401, 403)
        assert petugas.json()["error"] == "forbidden"
        moved = await client.post("/api/clock/advance", json={"minutes": 5}, headers=admin.headers)
        assert moved.status_code == 200, moved.text
        assert before["simulated"] is True
        assert moved.json()["now"] > before["now"]


async def test_health_says_its_status_and_nothing_else(alur: Alur) -> None:
    async with alur.http() as client:
        health = await client.get("/health")
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    assert health.headers["x-content-type-options"] == "nosniff"


async def _event_count(alur: Alur) -> int:
    return (await alur.sql("SELECT count(*) AS n FROM casestore_events"))[0]["n"]


async def _causations(alur: Alur) -> list[str | None]:
    rows = await alur.sql("SELECT state FROM casestore_events")
    return [json.loads(bytes(r["state"]))["fact"].get("causation_id") for r in rows]
