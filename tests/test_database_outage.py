"""While PostgreSQL cannot be reached, the web says so (503, try again later) instead of
failing (500), records nothing, and works again once PostgreSQL is back."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.line_cut import Line
from tests.support.sandbox import Alur, start_worker
from tests.support.seed_cases import COMPLAINT
from tests.support.waiting import eventually


@pytest.fixture
async def web_on_a_line(alur: Alur) -> AsyncIterator[tuple[Alur, Line]]:
    """A second web process of the sandbox that reaches PostgreSQL through a line."""
    line = Line(alur.database_url)
    await line.mend()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    web = dataclasses.replace(
        alur,
        base_url=f"http://127.0.0.1:{port}",
        env={**alur.env, "DATABASE_URL": line.database_url, "ALUR_HTTP_PORT": str(port)},
        processes={},
    )
    process = start_worker(web, "web", name="web-on-a-line")
    try:

        async def healthy() -> bool:
            async with web.http() as client:
                try:
                    return (await client.get("/health")).status_code == 200
                except httpx.TransportError:
                    return False

        await eventually(healthy, timeout=60)
        yield web, line
    finally:
        process.terminate()
        await asyncio.to_thread(process.wait, 20)  # the line forwards on this loop meanwhile
        await line.cut()


async def test_the_web_answers_503_while_postgresql_is_away_and_works_when_it_returns(
    web_on_a_line: tuple[Alur, Line],
) -> None:
    web, line = web_on_a_line
    before = await web.sql("SELECT count(*) AS n FROM casestore_events")
    await line.cut()
    async with web.http() as client:
        refused = await client.post("/api/complaints", json=COMPLAINT)
        register = await client.get("/api/register", headers=web.auditor)
    for response in (refused, register):
        assert response.status_code == 503, response.text
        assert response.json()["error"] == "unavailable"
        assert "coba lagi" in response.json()["message"]
        assert int(response.headers["retry-after"]) > 0
    assert await web.sql("SELECT count(*) AS n FROM casestore_events") == before

    await line.mend()

    async def accepted() -> bool:
        async with web.http() as client:
            return (await client.post("/api/complaints", json=COMPLAINT)).status_code == 201

    await eventually(accepted, timeout=30)
