"""SOP documents are imported with the `alur` CLI; a revised document becomes a new version
and cases finish under the version they started with.

These tests revise a shipped SOP, so they run in a sandbox of their own: the other tests expect
the shipped versions.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Alur
from tests.support import sandbox
from tests.support.casework import add_officer, alur_cli, case, do
from tests.test_complaint_to_register import COMPLAINT

SEEDS = Path(__file__).resolve().parent / "unit" / "sop_documents" / "seeds"
MUBA_COMPLAINTS = SEEDS / "001_7f2c59068e9a1eff.txt"
MUBA_ID = "pengaduan-masyarakat-dinkes-muba"


@pytest.fixture(scope="module")
def alur() -> Iterator[Alur]:
    system = sandbox.start("revisions")
    try:
        yield system
    finally:
        sandbox.stop(system)


def _revised(tmp_path: Path) -> Path:
    """Seed 001 as the office revises it: the team gets 5 working days instead of 3."""
    text = MUBA_COMPLAINTS.read_text(encoding="utf-8")
    assert "\t3 Hari Kerja\t" in text
    revised = tmp_path / "001_revisi_2026.txt"
    revised.write_text(
        text.replace("\t3 Hari Kerja\t", "\t5 Hari Kerja\t").replace(
            "TANGGAL REVISI\t: 5 FEBRUARI 2021", "TANGGAL REVISI\t: 2 JANUARI 2026"
        ),
        encoding="utf-8",
    )
    return revised


def _versions(alur: Alur) -> list[dict]:
    listed = alur_cli(alur, "sop", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    return [v for v in json.loads(listed.stdout) if v["id"] == MUBA_ID]


async def _complaint(alur: Alur) -> str:
    async with alur.http() as client:
        response = await client.post("/api/complaints", json=COMPLAINT)
    assert response.status_code == 201, response.text
    return response.json()["case_id"]


async def test_a_revised_sop_document_becomes_a_new_version_and_open_cases_keep_theirs(
    alur: Alur, tmp_path: Path
) -> None:
    petugas = await add_officer(alur, f"Petugas {uuid.uuid4().hex[:6]}", "petugas_pengaduan")
    tim = await add_officer(alur, f"Tim {uuid.uuid4().hex[:6]}", "tim_pengelola_pengaduan")
    kadis = await add_officer(alur, f"Kadis {uuid.uuid4().hex[:6]}", "kepala_dinas")
    started_before = await _complaint(alur)
    assert [v["version"] for v in _versions(alur)] == [1]

    imported = alur_cli(alur, "sop", "import", str(_revised(tmp_path)), "--json")
    assert imported.returncode == 0, imported.stderr
    report = json.loads(imported.stdout)
    assert (report["id"], report["version"]) == (MUBA_ID, 2)
    assert report["steps"][4]["duration"] == {"value": 5, "unit": "working_days"}
    assert [v["version"] for v in _versions(alur)] == [1, 2]
    listed = alur_cli(alur, "sop", "list")
    assert any(MUBA_ID in line and " 2 " in line for line in listed.stdout.splitlines())

    again = alur_cli(alur, "sop", "import", str(_revised(tmp_path)), "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["version"] == 2
    assert [v["version"] for v in _versions(alur)] == [1, 2]

    started_after = await _complaint(alur)
    async with alur.http() as client:
        before = await case(client, started_before, petugas)
        after = await case(client, started_after, petugas)
        assert (before["sop_version"], after["sop_version"]) == (1, 2)
        for case_id in (started_before, started_after):
            await do(client, case_id, petugas, "register_complaint")
            await do(client, case_id, petugas, "review_complaint")
            await do(client, case_id, petugas, "forward_to_team")
        durations = [
            (await case(client, c, tim))["current_steps"][0]["duration"]
            for c in (started_before, started_after)
        ]
        assert durations == [
            {"value": 3, "unit": "working_days"},
            {"value": 5, "unit": "working_days"},
        ]
        await do(client, started_before, tim, "submit_draft")
        await do(client, started_before, kadis, "review_draft", decision="setuju")
        await do(client, started_before, kadis, "forward_approved_draft")
        await do(client, started_before, tim, "forward_response")
        await do(client, started_before, petugas, "deliver_response")
        closed = await do(client, started_before, petugas, "archive")
    assert closed["status"] == "closed"


def test_an_sop_document_it_cannot_read_is_refused_naming_the_line(
    alur: Alur, tmp_path: Path
) -> None:
    broken = tmp_path / "rusak.txt"
    lines = MUBA_COMPLAINTS.read_text(encoding="utf-8").splitlines()
    bad = next(i for i, line in enumerate(lines) if line.startswith("5\t"))
    lines[bad] = lines[bad].replace("3 Hari Kerja", "secepatnya kalau sempat")
    broken.write_text("\n".join(lines), encoding="utf-8")
    versions_before = _versions(alur)
    done = alur_cli(alur, "sop", "import", str(broken), "--json")
    assert done.returncode == 1
    assert f":{bad + 1}:" in done.stderr or f"line {bad + 1}" in done.stderr, done.stderr
    assert done.stdout == ""
    assert _versions(alur) == versions_before


async def test_an_sop_imported_from_a_new_document_runs_end_to_end(alur: Alur) -> None:
    document = SEEDS.parent / "izin_praktik.txt"
    imported = alur_cli(alur, "sop", "import", str(document), "--json")
    assert imported.returncode == 0, imported.stderr
    report = json.loads(imported.stdout)
    assert report["version"] == 1
    async with alur.http() as client:
        (sop,) = [s for s in (await client.get("/api/sops")).json() if s["id"] == report["id"]]
        officers = {
            role["id"]: await add_officer(
                alur, f"{role['name']} {uuid.uuid4().hex[:6]}", role["id"]
            )
            for role in sop["roles"]
            if not role["public"]
        }
        opener = officers[sop["steps"][1]["roles"][0]]  # whoever records the public's first step
        response = await client.post(
            "/api/cases",
            json={"sop": sop["id"], "data": {"pemohon": "dr. Rina"}},
            headers=opener.headers,
        )
        assert response.status_code == 201, response.text
        case_id = response.json()["case_id"]
        sent_back = False
        for _ in range(3 * len(sop["steps"])):
            view = await case(client, case_id, opener)
            if view["status"] == "closed":
                break
            allowed = view["allowed_actions"][0]
            options = allowed.get("decision_options")
            decision = None
            if options:
                decision = options[-1] if not sent_back and len(options) > 1 else options[0]
                sent_back = sent_back or decision != options[0]
            fields = {"decision": decision} if decision else {}
            await do(client, case_id, officers[allowed["role"]], allowed["action"], **fields)
        history = (await case(client, case_id, opener))["history"]
    assert view["status"] == "closed"
    assert sent_back, "the document's decision step was never exercised"
    assert {h["type"] for h in history} >= {"StepCompleted", "StepApproved", "StepSentBack"}
