"""A private, throw-away Alur: a fresh database, its own topic namespace, every worker running.

Tests and benchmarks use it so they never read or disturb the data of a running `make run`.
It needs PostgreSQL and Kafka up (`infra/with-servers.sh` starts them).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from alur.cli import WORKERS
from runtime.settings import REPO_ROOT, AlurSettings
from tests.support.prestarted import PRESTARTED, Forked

LOGS = Path(os.environ.get("ALUR_RUN_DIR", REPO_ROOT / ".run")) / "logs"
# Each sandbox keeps its attachments apart (case ids follow tracking numbers, which every fresh
# database numbers alike), and they go with it.
ATTACHMENTS = Path(os.environ.get("ALUR_RUN_DIR", REPO_ROOT / ".run")) / "sandbox-attachments"
# The shared test sandbox: where its notifier says reporters and officers open their links, and
# how often it tries a failing endpoint (with small pauses: it gives up within a second).
PUBLIC_URL = "http://alur.test"
REPLY_TO = "Pengaduan Dinkes <pengaduan-masuk@dinkes.test>"  # its notifier's intake mailbox
NOTIFIER_ATTEMPTS = 3
# Limits against abuse, loose enough for tests and benchmarks: they send everything from
# 127.0.0.1, and many complaints with the same contact. A sandbox's own settings (or the
# environment) may set them tighter (tests/test_reporter_secrets.py does).
LOOSE_LIMITS = {
    "ALUR_COMPLAINTS_PER_ADDRESS": "1000000",
    "ALUR_PIN_ADDRESS_FAILURES": "1000000",
    "ALUR_RECEIPTS_PER_RECIPIENT": "1000000",
}


@dataclass(frozen=True)
class Setup:
    """What a sandbox is started with: its name (it starts the names of its database, topics and
    logs), settings on top of the environment's, and the office configuration it runs under
    (the YAML content; None: the shipped one). `mail` and `webhooks` send its notifications to
    the test session's SMTP sink and webhook gateway."""

    name: str = "sandbox"
    env: Mapping[str, str] = field(default_factory=dict)
    office: Mapping[str, Any] | None = None
    mail: bool = False
    webhooks: bool = False


@dataclass
class Sandbox:
    base_url: str
    database_url: str
    kafka: str
    namespace: str
    processes: dict[str, Forked] = field(default_factory=dict)  # forked: support/prestarted.py
    log_prefix: str = "sandbox"
    # What every worker of the sandbox runs with (the environment and the sandbox's settings).
    env: dict[str, str] = field(default_factory=dict)
    # An auditor's credentials: an officer who reads every case (registers, exports, timelines).
    auditor: dict[str, str] = field(default_factory=dict)

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
            response = await client.get(
                "/api/register", params={"limit": 1000}, headers=self.auditor
            )
            response.raise_for_status()
            return response.json()


Alur = Sandbox  # what the tests call the running system they talk to


def start(log_prefix: str = "sandbox", extra_env: Mapping[str, str] | None = None) -> Sandbox:
    """Create the database and start every worker; returns once /health answers ok."""
    settings = AlurSettings()
    port = _free_port()
    sandbox = Sandbox(
        base_url=f"http://127.0.0.1:{port}",
        database_url=create_database(log_prefix),
        kafka=settings.kafka_bootstrap_servers,
        namespace=f"{log_prefix}{uuid.uuid4().hex[:8]}",
        log_prefix=log_prefix,
    )
    sandbox.env = {
        **LOOSE_LIMITS,
        **os.environ,
        "DATABASE_URL": sandbox.database_url,
        "KAFKA_BOOTSTRAP_SERVERS": sandbox.kafka,
        "ALUR_NAMESPACE": sandbox.namespace,
        "ALUR_HTTP_PORT": str(port),
        "ALUR_ATTACHMENT_DIR": str(ATTACHMENTS / sandbox.namespace),
        **(extra_env or {}),
    }
    try:
        for worker in WORKERS:
            start_worker(sandbox, worker)
        _wait_healthy(sandbox)
        sandbox.auditor = _auditor(sandbox)
    except BaseException:
        stop(sandbox)
        raise
    return sandbox


def start_worker(sandbox: Sandbox, worker: str, name: str | None = None) -> Forked:
    """Start `alur serve WORKER` on the sandbox as process `name` (default: the worker's name);
    it logs to LOGS/<prefix>-<name>.log and stops with the sandbox."""
    name = name or worker
    LOGS.mkdir(parents=True, exist_ok=True)
    process = PRESTARTED.spawn(
        ["serve", worker], sandbox.env, LOGS / f"{sandbox.log_prefix}-{name}.log"
    )
    sandbox.processes[name] = process
    return process


# How long the sandbox's workers get to stop by themselves at the end of a module. The sandbox
# is thrown away (its database dropped, its topics never read again), so nothing is lost by
# killing a worker that takes longer; the suite saves seconds per sandbox.
STOP_GRACE_SECONDS = 1.0


def stop(sandbox: Sandbox) -> None:
    """Stop the workers (SIGTERM, then SIGKILL after a short grace) and drop the database."""
    for process in sandbox.processes.values():
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in sandbox.processes.values():
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    drop_database(sandbox.database_url)
    shutil.rmtree(ATTACHMENTS / sandbox.namespace, ignore_errors=True)


def create_database(prefix: str) -> str:
    """A new, empty database on the configured PostgreSQL; returns its URL."""
    server = AlurSettings().database_url
    name = f"alur_{prefix}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def drop_database(database_url: str) -> None:
    name = urlsplit(database_url).path.lstrip("/")
    asyncio.run(
        _admin(AlurSettings().database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    )


async def _admin(database_url: str, statement: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _auditor(sandbox: Sandbox) -> dict[str, str]:
    """Add the sandbox's auditor; the headers that authenticate them."""
    done = PRESTARTED.run(["users", "add", "Auditor", "--role", "auditor"], sandbox.env)
    done.check_returncode()
    return {"Authorization": f"Bearer {done.stdout.strip().splitlines()[-1]}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(sandbox: Sandbox, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in sandbox.processes.items():
            if process.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {process.returncode}: {_last_line(sandbox, name)!r}"
                    f"; see {LOGS}"
                )
        try:
            if httpx.get(f"{sandbox.base_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"Alur did not become healthy in {timeout} s; see {LOGS}")


def _last_line(sandbox: Sandbox, name: str) -> str:
    """The last line a worker logged (its error, when it stopped at start)."""
    log = LOGS / f"{sandbox.log_prefix}-{name}.log"
    lines = log.read_text(errors="replace").strip().splitlines() if log.exists() else []
    return lines[-1] if lines else ""
