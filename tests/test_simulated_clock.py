"""Every service reads one time: the system clock, or with ALUR_CLOCK=simulated a shared one."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

from runtime.clock import SimulatedClock, start_clock
from tests.support.sandbox import Alur
from tests.support.timers import administrator
from tests.support.waiting import eventually

WIB = ZoneInfo("Asia/Jakarta")


async def test_the_clock_cannot_be_advanced_on_a_system_clock(alur: Alur) -> None:
    admin = await administrator(alur)
    async with alur.http() as client:
        response = await client.post(
            "/api/clock/advance", json={"minutes": 60}, headers=admin.headers
        )
        now = await client.get("/api/clock")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert now.json()["simulated"] is False


async def test_advancing_a_simulated_clock_moves_time_for_every_process(alur: Alur) -> None:
    first = await start_clock("simulated", alur.database_url, WIB)
    second = await start_clock("simulated", alur.database_url, WIB)
    assert isinstance(first, SimulatedClock)
    assert isinstance(second, SimulatedClock)
    try:
        before = second.now()
        await first.advance(3 * 24 * 60)

        async def second_heard() -> bool:  # through NOTIFY, without asking
            return second.now() - before >= timedelta(days=3)

        await eventually(second_heard, timeout=5)
        await second.refresh()
        assert second.now() - before < timedelta(days=3, minutes=1)
        assert second.now().utcoffset() == timedelta(hours=7)
    finally:
        await first.close()
        await second.close()
        await alur.sql("UPDATE simulated_clock SET offset_seconds = 0")


async def test_a_simulated_clock_never_runs_backwards(alur: Alur) -> None:
    clock = await start_clock("simulated", alur.database_url, WIB)
    assert isinstance(clock, SimulatedClock)
    try:
        await clock.advance(30)
        ahead = clock.now()
        await alur.sql("UPDATE simulated_clock SET offset_seconds = 0")
        await clock.refresh()
        await asyncio.sleep(0)
        assert clock.now() >= ahead
    finally:
        await clock.close()


def test_an_unknown_clock_kind_is_refused() -> None:
    try:
        asyncio.run(start_clock("sundial", "postgresql://unused", WIB))
    except ValueError as error:
        assert "ALUR_CLOCK" in str(error)
    else:
        raise AssertionError("an unknown ALUR_CLOCK was accepted")
