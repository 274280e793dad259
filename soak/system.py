"""The Alur the soak runs: the web and two instances of every consumer worker, each its own
process on the soak's servers, restarted when the fault injector (or a crash) ends it.

A worker that exits without being told to is a finding: the supervisor restarts it and keeps
the exit in `unexpected_exits`, which the invariant table reports.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from runtime.settings import REPO_ROOT
from soak.servers import Servers

ALUR = str(REPO_ROOT / ".venv" / "bin" / "alur")
CONSUMER_WORKERS = ("relay", "projections", "notifier", "routing", "sla")
INSTANCES = 2
NAMESPACE = "soak"


@dataclass
class Worker:
    name: str  # "relay-1", "web"
    kind: str  # what `alur serve` runs
    process: subprocess.Popen | None = None
    expected_down: bool = False  # stopped, killed or paused on purpose
    starts: int = 0


@dataclass(frozen=True)
class Exit:
    worker: str
    code: int
    at: float  # time.monotonic()


@dataclass
class System:
    servers: Servers
    env: dict[str, str]
    port: int
    workers: dict[str, Worker] = field(default_factory=dict)
    unexpected_exits: list[Exit] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return self.servers.database_url

    def start(self) -> None:
        names = [("web", "web")] + [
            (f"{kind}-{i}", kind) for kind in CONSUMER_WORKERS for i in range(1, INSTANCES + 1)
        ]
        for name, kind in names:
            self.workers[name] = Worker(name, kind)
            self.launch(name)

    def launch(self, name: str) -> None:
        worker = self.workers[name]
        log = self.servers.logs / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as out:
            worker.process = subprocess.Popen(  # noqa: S603 - `alur serve`
                [ALUR, "serve", worker.kind],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=REPO_ROOT,
            )
        worker.expected_down = False
        worker.starts += 1

    def signal(self, name: str, sig: signal.Signals) -> None:
        worker = self.workers[name]
        assert worker.process is not None
        if sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGSTOP):
            worker.expected_down = True
        if sig == signal.SIGCONT:
            worker.expected_down = False
        worker.process.send_signal(sig)
        if sig == signal.SIGKILL:
            worker.process.wait()

    def supervise(self) -> list[str]:
        """Restart every worker that ended without being told to; returns their names."""
        restarted = []
        for worker in self.workers.values():
            process = worker.process
            if process is None or worker.expected_down or process.poll() is None:
                continue
            self.unexpected_exits.append(Exit(worker.name, process.returncode, time.monotonic()))
            self.launch(worker.name)
            restarted.append(worker.name)
        return restarted

    def of_kind(self, kind: str) -> list[str]:
        return [w.name for w in self.workers.values() if w.kind == kind]

    def stop(self, names: list[str] | None = None, timeout: float = 20) -> None:
        chosen = [self.workers[n] for n in (names or list(self.workers))]
        for worker in chosen:
            worker.expected_down = True
            if worker.process is not None and worker.process.poll() is None:
                worker.process.send_signal(signal.SIGCONT)
                worker.process.send_signal(signal.SIGTERM)
        for worker in chosen:
            if worker.process is None:
                continue
            try:
                worker.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()

    async def healthy(self, within: float = 120) -> None:
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(base_url=self.base_url, timeout=3) as client:
            while time.monotonic() < deadline:
                self.supervise()
                try:
                    if (await client.get("/health")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.3)
        raise RuntimeError(f"Alur did not become healthy in {within} s; see {self.servers.logs}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(servers: Servers, port: int, extra: dict[str, str]) -> dict[str, str]:
    """What every process of the soak's Alur runs with."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("ALUR_")},
        "DATABASE_URL": servers.database_url,
        "KAFKA_BOOTSTRAP_SERVERS": servers.kafka,
        "ALUR_NAMESPACE": NAMESPACE,
        "ALUR_HTTP_PORT": str(port),
        "ALUR_CLOCK": "simulated",
        "ALUR_DEMO": "true",  # the simulated clock runs only in a demo
        "ALUR_RUN_DIR": str(servers.run_dir),
        "ALUR_SECRET_KEY": "soak-secret-key-of-at-least-32-bytes",
        # One address sends the whole office's complaints, and reporters share mailboxes.
        "ALUR_COMPLAINTS_PER_ADDRESS": "1000000",
        "ALUR_PIN_ADDRESS_FAILURES": "1000000",
        "ALUR_RECEIPTS_PER_RECIPIENT": "1000000",
        "ALUR_PUBLIC_URL": "http://alur.soak",
        "ALUR_LOG_FORMAT": "json",
        **extra,
    }


def log_path(servers: Servers, name: str) -> Path:
    return servers.logs / f"{name}.log"
