"""Fixtures that run Alur for real: a fresh database, a private Kafka namespace, the workers.

`make test` starts PostgreSQL and Kafka (or uses DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS);
each test session gets its own database and topic namespace, so it never reads a demo's data.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
LOGS = Path(os.environ.get("ALUR_RUN_DIR", REPO / ".run")) / "logs"
DEFAULT_DATABASE_URL = "postgresql://alur:alur@127.0.0.1:55432/alur"
DEFAULT_KAFKA = "127.0.0.1:9092"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 30.0) -> Any:
    """Poll `check` until it returns something truthy, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout} s: {check.__name__}")
        await asyncio.sleep(0.2)


@dataclass
class Alur:
    """A running Alur: its HTTP address and what it is connected to."""

    base_url: str
    database_url: str
    kafka: str
    namespace: str
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base_url, timeout=15)

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


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return os.environ.get("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_KAFKA)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh database for this test session, dropped afterwards."""
    base = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    name = f"alur_test_{uuid.uuid4().hex[:8]}"

    async def admin(statement: str) -> None:
        conn = await asyncpg.connect(base)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    yield _with_database(base, name)
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def alur(database_url: str, kafka_bootstrap: str) -> Iterator[Alur]:
    """Every Alur worker as its own process, as `make run` starts them."""
    port = _free_port()
    namespace = f"test{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "ALUR_NAMESPACE": namespace,
        "ALUR_HTTP_PORT": str(port),
        "ALUR_RELAY_RETRY_SECONDS": "0.5",
    }
    LOGS.mkdir(parents=True, exist_ok=True)
    system = Alur(f"http://127.0.0.1:{port}", database_url, kafka_bootstrap, namespace)
    try:
        for service in ("web", "relay", "projections"):
            log = open(LOGS / f"test-{service}.log", "ab")  # noqa: SIM115 - closed with the process
            system.processes[service] = subprocess.Popen(
                [str(REPO / ".venv" / "bin" / "alur"), "serve", service],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=REPO,
            )
        _wait_healthy(system)
        yield system
    finally:
        for process in system.processes.values():
            process.send_signal(signal.SIGTERM)
        for process in system.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_healthy(system: Alur, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in system.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}; see {LOGS}")
        try:
            if httpx.get(f"{system.base_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"Alur did not become healthy in {timeout} s; see {LOGS}")
