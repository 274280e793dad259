"""Officers' actions over HTTP: each asks the SOP engine and appends under optimistic locking.

Every case gets three actions in a row (register, review, forward to the team), so each request
reads the case's history, decides and commits one event; cases are worked concurrently.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time

from bench.complaint_path import COMPLAINT
from runtime.settings import REPO_ROOT
from tests.support.sandbox import Sandbox

ACTIONS = [
    ("register_complaint", ["Berkas"]),
    ("review_complaint", ["Berkas Pengaduan"]),
    ("forward_to_team", ["Berkas Pengaduan"]),
]


def officer_token(alur: Sandbox, name: str, role: str) -> str:
    done = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "alur"), "users", "add", name, "--role", role],
        env={**os.environ, "DATABASE_URL": alur.database_url},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


async def officer_actions(
    alur: Sandbox, cases: int, concurrency: int, token: str
) -> tuple[float, list[float]]:
    """Actions per second, and each action request's latency in seconds."""
    headers = {"Authorization": f"Bearer {token}"}
    async with alur.http() as client:
        opened = []
        for _ in range(cases):
            response = await client.post("/api/complaints", json=COMPLAINT)
            response.raise_for_status()
            opened.append(response.json()["case_id"])
        remaining = iter(opened)
        latencies: list[float] = []

        async def worker() -> None:
            for case_id in remaining:
                for action, documents in ACTIONS:
                    started = time.perf_counter()
                    response = await client.post(
                        f"/api/cases/{case_id}/actions",
                        json={"action": action, "documents": documents},
                        headers=headers,
                    )
                    response.raise_for_status()
                    latencies.append(time.perf_counter() - started)

        first = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - first
    return len(latencies) / elapsed, latencies
