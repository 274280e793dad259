"""A private, throw-away Alur: a fresh database, its own topic namespace, every worker running.

Tests and benchmarks use it so they never read or disturb the data of a running `make run`.
It needs PostgreSQL and Kafka up (`infra/with-servers.sh` starts them).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from alur.cli import WORKERS
from runtime.settings import REPO_ROOT, AlurSettings

LOGS = Path(os.environ.get("ALUR_RUN_DIR", REPO_ROOT / ".run")) / "logs"


@dataclass
class Sandbox:
    base_url: str
    database_url: str
    kafka: str
    namespace: str
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def http(self, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base_url, timeout=15, **kwargs)

    async def sql(self, query: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.database_url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    async def register(self) -> list[dict[str, Any]]:
        async with self.http() as client:
            response = await client.get("/api/register", params={"limit": 1000})
            response.raise_for_status()
            return response.json()


def start(log_prefix: str = "sandbox", extra_env: dict[str, str] | None = None) -> Sandbox:
    """Create the database and start every worker; returns once /health answers ok."""
    settings = AlurSettings()
    name = f"alur_{log_prefix}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(settings.database_url, f'CREATE DATABASE "{name}"'))
    port = _free_port()
    sandbox = Sandbox(
        base_url=f"http://127.0.0.1:{port}",
        database_url=urlunsplit(urlsplit(settings.database_url)._replace(path=f"/{name}")),
        kafka=settings.kafka_bootstrap_servers,
        namespace=f"{log_prefix}{uuid.uuid4().hex[:8]}",
    )
    env = {
        **os.environ,
        "DATABASE_URL": sandbox.database_url,
        "KAFKA_BOOTSTRAP_SERVERS": sandbox.kafka,
        "ALUR_NAMESPACE": sandbox.namespace,
        "ALUR_HTTP_PORT": str(port),
        **(extra_env or {}),
    }
    LOGS.mkdir(parents=True, exist_ok=True)
    try:
        for worker in WORKERS:
            with open(LOGS / f"{log_prefix}-{worker}.log", "ab") as log:
                sandbox.processes[worker] = subprocess.Popen(
                    [str(REPO_ROOT / ".venv" / "bin" / "alur"), "serve", worker],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=REPO_ROOT,
                )
        _wait_healthy(sandbox)
    except BaseException:
        stop(sandbox)
        raise
    return sandbox


def stop(sandbox: Sandbox) -> None:
    """Stop the workers gracefully and drop the sandbox's database."""
    for process in sandbox.processes.values():
        process.send_signal(signal.SIGTERM)
    for process in sandbox.processes.values():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    name = urlsplit(sandbox.database_url).path.lstrip("/")
    asyncio.run(
        _admin(AlurSettings().database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    )


async def _admin(database_url: str, statement: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(sandbox: Sandbox, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in sandbox.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}; see {LOGS}")
        try:
            if httpx.get(f"{sandbox.base_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"Alur did not become healthy in {timeout} s; see {LOGS}")
