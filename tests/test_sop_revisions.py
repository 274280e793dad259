"""SOP documents are imported with the `alur` CLI; a revised document becomes a new version
and cases finish under the version they started with.

These tests revise a shipped SOP, so they run in a sandbox of their own: the other tests expect
the shipped versions.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.support.casework import add_officer, alur_cli, case, do, work
from tests.support.sandbox import Alur
from tests.support.seed_cases import MUBA_COMPLAINTS, complaint, complaint_office

SEEDS = Path(__file__).resolve().parent / "unit" / "sop_documents" / "seeds"
MUBA_DOCUMENT = SEEDS / "001_7f2c59068e9a1eff.txt"


pytestmark = pytest.mark.sandbox("revisions")


def _revised(tmp_path: Path) -> Path:
    """Seed 001 as the office revises it: the team gets 5 working days instead of 3."""
    text = MUBA_DOCUMENT.read_text(encoding="utf-8")
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
    return [v for v in json.loads(listed.stdout) if v["id"] == MUBA_COMPLAINTS]


async def test_a_revised_sop_document_becomes_a_new_version_and_open_cases_keep_theirs(
    alur: Alur, tmp_path: Path
) -> None:
    office = await complaint_office(alur)
    started_before = (await complaint(alur))["case_id"]
    assert [v["version"] for v in _versions(alur)] == [1]

    imported = alur_cli(alur, "sop", "import", str(_revised(tmp_path)), "--json")
    assert imported.returncode == 0, imported.stderr
    report = json.loads(imported.stdout)
    assert (report["id"], report["version"]) == (MUBA_COMPLAINTS, 2)
    assert report["steps"][4]["duration"] == {"value": 5, "unit": "working_days"}
    assert [v["version"] for v in _versions(alur)] == [1, 2]
    listed = alur_cli(alur, "sop", "list")
    assert any(MUBA_COMPLAINTS in line and " 2 " in line for line in listed.stdout.splitlines())

    again = alur_cli(alur, "sop", "import", str(_revised(tmp_path)), "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["version"] == 2
    assert [v["version"] for v in _versions(alur)] == [1, 2]

    started_after = (await complaint(alur))["case_id"]
    async with alur.http() as client:
        before = await case(client, started_before, office.petugas)
        after = await case(client, started_after, office.petugas)
        assert (before["sop_version"], after["sop_version"]) == (1, 2)
        for case_id in (started_before, started_after):
            await work(client, case_id, office.to_the_team())
        durations = [
            (await case(client, c, office.tim))["current_steps"][0]["duration"]
            for c in (started_before, started_after)
        ]
        assert durations == [
            {"value": 3, "unit": "working_days"},
            {"value": 5, "unit": "working_days"},
        ]
        await work(client, started_before, office.to_the_reporter())
        closed = await do(client, started_before, office.petugas, "archive")
    assert closed["status"] == "closed"


def test_an_sop_document_it_cannot_read_is_refused_naming_the_line(
    alur: Alur, tmp_path: Path
) -> None:
    broken = tmp_path / "rusak.txt"
    lines = MUBA_DOCUMENT.read_text(encoding="utf-8").splitlines()
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
