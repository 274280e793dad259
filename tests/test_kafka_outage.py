"""While Kafka is down intake keeps accepting complaints; nothing is lost when it returns."""

from __future__ import annotations

import asyncio
import os
import subprocess
from datetime import UTC, datetime

import pytest

from runtime.settings import REPO_ROOT as REPO
from tests.support.sandbox import LOGS, Alur
from tests.support.seed_cases import COMPLAINT
from tests.support.waiting import eventually

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
            assert health.json() == {"status": "unavailable"}  # what is down: in the log only
            said = (LOGS / f"{alur.log_prefix}-web.log").read_text().splitlines()
            assert any("health_unavailable" in line and "kafka" in line for line in said)
        number = response.json()["tracking_number"]
    finally:
        back = datetime.now(UTC)
        await asyncio.to_thread(_kafka, "start")

    async def registered() -> list:
        return await alur.sql(
            "SELECT projected_at FROM complaint_register WHERE tracking_number = $1", number
        )

    (row,) = await eventually(registered, timeout=120)
    # It went through Kafka: the register had it only once the broker was back.
    assert row["projected_at"] >= back
