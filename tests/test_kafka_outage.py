"""While Kafka is down intake keeps accepting complaints; nothing is lost when it returns."""

from __future__ import annotations

import asyncio
import os
import subprocess

import pytest

from runtime.settings import REPO_ROOT as REPO
from tests.conftest import Alur, eventually
from tests.test_complaint_to_register import COMPLAINT

pytestmark = pytest.mark.skipif(
    "KAFKA_BOOTSTRAP_SERVERS" in os.environ,
    reason="stops and starts the project's own Kafka; an external broker is not ours to stop",
)


def _kafka(command: str) -> None:
    subprocess.run([str(REPO / "infra" / "kafka.sh"), command], check=True, timeout=180)


async def test_a_complaint_accepted_while_kafka_is_down_reaches_the_register_afterwards(
    alur: Alur,
) -> None:
    await asyncio.to_thread(_kafka, "stop")
    try:
        async with alur.http() as client:
            response = await client.post("/api/complaints", json=COMPLAINT)
            assert response.status_code == 201, response.text
            health = await client.get("/health")
            assert health.status_code == 503
            assert "kafka" in health.json()["problems"]
        number = response.json()["tracking_number"]
        await asyncio.sleep(2)
        assert number not in {r["tracking_number"] for r in await alur.register()}
    finally:
        await asyncio.to_thread(_kafka, "start")

    async def registered() -> bool:
        return number in {r["tracking_number"] for r in await alur.register()}

    await eventually(registered, timeout=120)
