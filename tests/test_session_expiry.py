"""Sessions end after their idle time and, however busy, at their absolute limit (issue 12).

This module's Alur runs with timeouts of seconds: idle 4 s, absolute 12 s."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.support.accounts import (
    PASSWORD,
    add_account,
    browser,
    log_in,
    signed_in,
    token_works,
)
from tests.support.sandbox import Alur

IDLE = 4.0
LONGEST = 12.0

pytestmark = pytest.mark.sandbox(
    "sessions",
    env={
        "ALUR_SESSION_IDLE_MINUTES": str(IDLE / 60),
        "ALUR_SESSION_MAX_HOURS": str(LONGEST / 3600),
    },
)


async def test_a_session_left_idle_ends(alur: Alur) -> None:
    account = await add_account(alur, "petugas_pengaduan")
    async with browser(alur) as client:
        assert (await log_in(client, account.name, PASSWORD)).status_code == 303
        assert await signed_in(client)
        await asyncio.sleep(IDLE + 1.5)  # time passes without a request
        assert not await signed_in(client)
    assert await token_works(alur, account.token)  # the officer's API token is unaffected


async def test_a_busy_session_still_ends_at_its_absolute_limit(alur: Alur) -> None:
    account = await add_account(alur, "petugas_pengaduan")
    async with browser(alur) as client:
        start = time.monotonic()
        assert (await log_in(client, account.name, PASSWORD)).status_code == 303
        worked_until = 0.0
        while await signed_in(client):  # one request a second keeps it from going idle
            worked_until = time.monotonic() - start
            assert worked_until < LONGEST + 10, "the session outlived its absolute limit"
            await asyncio.sleep(1)
        ended = time.monotonic() - start
    assert worked_until > IDLE + 1  # used, it outlived the idle time …
    assert ended >= LONGEST - 0.5  # … and ended at the absolute limit, not before
