"""A stored event a read model cannot take (a NUL character, which PostgreSQL text refuses) is
dead-lettered by the live projection; `alur replay` skips it the same way and says so, instead
of failing the whole rebuild: the replayed table equals the live one."""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest

from cases import PostgresEventStore
from tests.support.casework import ALUR
from tests.support.factories import posted_complaint
from tests.support.sandbox import Alur
from tests.support.seed_cases import complaint
from tests.support.waiting import eventually

pytestmark = pytest.mark.sandbox("replaybad")


async def _register(alur: Alur) -> list[tuple]:
    rows = await alur.sql("SELECT case_id, tracking_number, status FROM complaint_register")
    return sorted(tuple(r) for r in rows)


async def test_replay_skips_an_event_the_live_projection_dead_lettered(alur: Alur) -> None:
    # Stored as an older intake let it through (the web edge refuses it now).
    store = await PostgresEventStore.connect(alur.database_url)
    try:
        bad = uuid.uuid4()
        fact = posted_complaint("ADU-1997-000001", subject="Surat \x00 pengaduan")
        await store.commit(store.opening(bad, fact))
    finally:
        await store.close()
    good = (await complaint(alur))["case_id"]

    async def registered() -> bool:
        return any(str(r[0]) == good for r in await _register(alur))

    await eventually(registered, timeout=60)
    live = await _register(alur)
    assert bad not in {r[0] for r in live}

    done = subprocess.run(
        [ALUR, "replay", "--projection", "complaint_register"],
        env={**os.environ, "DATABASE_URL": alur.database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "1 not applicable" in done.stdout
    assert await _register(alur) == live
