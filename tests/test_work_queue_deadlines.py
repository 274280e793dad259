"""Tugas Saya's deadline queues on the simulated clock: a complaint waiting at its first
officer's step moves from "Perlu tindakan saya" into "Mendekati tenggat" once its warning time
has passed, then into "Terlambat" once its deadline has, with a badge that says so in words."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.support.casework import Officer, add_officer, unique_name
from tests.support.sandbox import Alur
from tests.support.seed_cases import complaint
from tests.support.timers import CLOCK_ENV, advance_to
from tests.support.waiting import eventually

pytestmark = pytest.mark.sandbox("queuedl", env=CLOCK_ENV)
ROW = re.compile(r"<tr\b.*?</tr>", re.S)


async def _queue(alur: Alur, officer: Officer, queue: str) -> str:
    async with alur.http(headers=officer.headers) as client:
        page = await client.get("/tugas", params={"antrean": queue})
    assert page.status_code == 200, page.text
    return page.text


async def _row(alur: Alur, officer: Officer, queue: str, number: str) -> str | None:
    """The queue's row of the case with tracking `number`, or None."""
    rows = [r for r in ROW.findall(await _queue(alur, officer, queue)) if number in r]
    return rows[0] if rows else None


async def test_a_waiting_complaint_nears_its_deadline_and_then_is_late(alur: Alur) -> None:
    petugas = await add_officer(alur, unique_name("petugas"), "petugas_pengaduan")
    receipt = await complaint(alur)
    number = receipt["tracking_number"]

    async def queued() -> dict[str, Any] | None:
        rows = await alur.sql(
            "SELECT due_at, warn_at FROM work_queue WHERE case_id = $1",
            uuid.UUID(receipt["case_id"]),
        )
        return dict(rows[0]) if rows and rows[0]["due_at"] and rows[0]["warn_at"] else None

    times = await eventually(queued)
    assert await _row(alur, petugas, "perlu", number)
    assert not await _row(alur, petugas, "mendekati", number)
    assert not await _row(alur, petugas, "terlambat", number)

    await advance_to(alur, times["warn_at"])
    near = await eventually(lambda: _row(alur, petugas, "mendekati", number))
    assert "badge-near" in near
    assert not await _row(alur, petugas, "terlambat", number)

    await advance_to(alur, times["due_at"])
    late = await eventually(lambda: _row(alur, petugas, "terlambat", number))
    assert "badge-late" in late and "terlambat" in late.lower()
    assert not await _row(alur, petugas, "mendekati", number)
    assert await _row(alur, petugas, "perlu", number)  # still mine to do
