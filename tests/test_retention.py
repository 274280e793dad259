"""The retention schedule runs (issue 13, point 4): at the end of a closed case's inactive
period the retention worker destroys a *musnah* case's personal data (its keys) and records
`CaseRecordsDestroyed`, lists a *nilai kembali* case for review (`CaseReviewDue`, printed by
`alur archive due`) and records that a *permanen* case is kept (`CaseRecordsKept`); each
decision once per case, with two retention workers running.

The module runs its own sandbox on the simulated clock (it moves the clock a year forward), with
an office whose schedule is one inactive year: complaints musnah, visits nilai kembali,
services permanen.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support import sandbox
from tests.support.casework import Officer, alur_cli, events_of, history
from tests.support.sandbox import Alur
from tests.support.seed_cases import (
    MUBA_COMPLAINTS,
    Worked,
    complaint_office,
    file_complaint,
    work,
    work_cases,
)
from tests.support.timers import CLOCK_ENV, advance_to, now
from tests.support.waiting import eventually

WIB = ZoneInfo("Asia/Jakarta")
RULE = {"active_years": 0, "inactive_years": 1}
OFFICE = {
    "name": "Dinas Kesehatan Uji Retensi",
    "time_zone": "Asia/Jakarta",
    "complaint_sop": MUBA_COMPLAINTS,
    "retention": {
        "case_types": {
            "complaint": {**RULE, "final_disposition": "musnah", "record_type": "Berkas aduan"},
            "visit": {**RULE, "final_disposition": "nilai kembali"},
            "service": {**RULE, "final_disposition": "permanen"},
        }
    },
}
pytestmark = pytest.mark.sandbox(
    "retention", office=OFFICE, env={**CLOCK_ENV, "ALUR_RETENTION_POLL_SECONDS": "0.3"}
)
DECISIONS = {"CaseRecordsDestroyed", "CaseReviewDue", "CaseRecordsKept"}


def _auditor(alur: Alur) -> Officer:
    return Officer("Auditor", alur.auditor["Authorization"].removeprefix("Bearer "))


async def _scheduled(alur: Alur, *case_ids: str) -> dict[str, dict]:
    """The retention rows of the cases, once each has closed (dates and disposition known)."""

    async def closed() -> dict[str, dict] | None:
        rows = await alur.sql(
            "SELECT * FROM retention_schedule WHERE case_id = ANY($1::uuid[])",
            [uuid.UUID(c) for c in case_ids],
        )
        found = {str(r["case_id"]): dict(r) for r in rows if r["closed_on"] is not None}
        return found if len(found) == len(case_ids) else None

    return await eventually(closed)


async def _decisions(alur: Alur, case_id: str) -> list[dict]:
    return [e for e in await history(alur, case_id, _auditor(alur)) if e["type"] in DECISIONS]


async def _live_keys(alur: Alur, case_id: str) -> tuple[int, int]:
    """(keys of the case's data subjects, of which not destroyed)."""
    rows = await alur.sql(
        "SELECT count(*) AS keys, count(*) FILTER (WHERE destroyed_at IS NULL) AS live"
        " FROM personal_data_keys WHERE case_id = $1",
        uuid.UUID(case_id),
    )
    return rows[0]["keys"], rows[0]["live"]


async def _advance_past(alur: Alur, day: date) -> None:
    """Move the simulated clock into the office day after `day` (at most a year per move)."""
    target = datetime.combine(day + timedelta(days=1), time(0, 5), tzinfo=WIB)
    while (step := min(target, await now(alur) + timedelta(days=360))) < target:
        await advance_to(alur, step)
    await advance_to(alur, target)


@pytest.fixture(scope="module")
async def worked(alur: Alur) -> Worked:
    """A closed complaint, visit and service (and an open complaint)."""
    return await work_cases(alur)


async def test_at_the_end_of_the_inactive_period_each_case_meets_its_disposition_once(
    alur: Alur, worked: Worked
) -> None:
    closed = (worked.closed_complaint, worked.visit, worked.service)
    rows = await _scheduled(alur, *closed)
    complaint_row = rows[worked.closed_complaint]
    assert complaint_row["final_disposition"] == "musnah"
    assert complaint_row["record_type"] == "Berkas aduan"
    assert complaint_row["inactive_until"] == complaint_row["closed_on"].replace(
        year=complaint_row["closed_on"].year + 1
    )
    assert rows[worked.visit]["final_disposition"] == "nilai kembali"
    assert rows[worked.service]["final_disposition"] == "permanen"
    keys, live = await _live_keys(alur, worked.closed_complaint)
    assert keys >= 1 and live == keys  # the reporter's data is readable until then
    assert all(r["decided_at"] is None for r in rows.values())
    listed = alur_cli(alur, "archive", "due", "--json")
    assert listed.returncode == 0, listed.stderr
    assert not {r["case_id"] for r in json.loads(listed.stdout)} & set(closed)

    await _advance_past(alur, max(r["inactive_until"] for r in rows.values()))

    destroyed = (
        await events_of(alur, worked.closed_complaint, _auditor(alur), "CaseRecordsDestroyed")
    )[0]
    assert destroyed["actor"] == {"id": "retensi", "role": "sistem"}
    assert destroyed["payload"]["inactive_until"] == complaint_row["inactive_until"].isoformat()
    assert destroyed["payload"]["subjects"]
    assert await _live_keys(alur, worked.closed_complaint) == (keys, 0)  # crypto-shredded
    review = (await events_of(alur, worked.visit, _auditor(alur), "CaseReviewDue"))[0]
    assert review["payload"]["closed_on"] == rows[worked.visit]["closed_on"].isoformat()
    await events_of(alur, worked.service, _auditor(alur), "CaseRecordsKept")

    listed = alur_cli(alur, "archive", "due")
    assert listed.returncode == 0, listed.stderr
    assert worked.visit in listed.stdout
    assert worked.closed_complaint not in listed.stdout
    assert worked.service not in listed.stdout

    # The musnah case keeps its steps and times; its personal data reads "[dihapus]".
    printout = alur_cli(alur, "audit", worked.closed_complaint)
    assert printout.returncode == 0, printout.stderr
    assert "Arsip dimusnahkan" in printout.stdout
    assert "Pengaduan diterima" in printout.stdout
    register = {r["case_id"]: r for r in await alur.register()}
    assert register[worked.closed_complaint]["reporter"] == "[dihapus]"

    # A second worker joins; a later case comes due: every case still has one decision.
    sandbox.start_worker(alur, "retention", name="retention-second")
    office = await complaint_office(alur)
    async with alur.http() as client:
        later = (await file_complaint(client))["case_id"]
        await work(client, later, office.to_the_archive())
    later_row = (await _scheduled(alur, later))[later]
    await _advance_past(alur, later_row["inactive_until"])
    await events_of(alur, later, _auditor(alur), "CaseRecordsDestroyed")
    for case_id in (*closed, later):
        counted = Counter(e["type"] for e in await _decisions(alur, case_id))
        assert sum(counted.values()) == 1, (case_id, counted)
    verified = alur_cli(alur, "audit", "--verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
