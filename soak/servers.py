"""The soak's own PostgreSQL and Kafka: separate ports and data directories, started, stopped
and restarted through the project's infra scripts (never the servers anyone else uses).

Everything lives under `SOAK_RUN_DIR` (default `.run/soak`): `pg/`, `kafka/`, `logs/`, `pids/`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from runtime.settings import REPO_ROOT

INFRA = REPO_ROOT / "infra"
# Ports nobody else on the machine uses by default (the shared servers are 55432 and 9092/9093).
PG_PORT = int(os.environ.get("SOAK_PG_PORT", "56432"))
KAFKA_PORT = int(os.environ.get("SOAK_KAFKA_PORT", "19092"))
KAFKA_CONTROLLER_PORT = int(os.environ.get("SOAK_KAFKA_CONTROLLER_PORT", "19093"))


@dataclass(frozen=True)
class Servers:
    run_dir: Path
    pg_port: int = PG_PORT
    kafka_port: int = KAFKA_PORT
    kafka_controller_port: int = KAFKA_CONTROLLER_PORT

    @classmethod
    def default(cls) -> Servers:
        run_dir = os.environ.get("SOAK_RUN_DIR") or REPO_ROOT / ".run" / "soak"
        return cls(Path(run_dir).resolve())

    @property
    def database_url(self) -> str:
        return f"postgresql://alur:alur@127.0.0.1:{self.pg_port}/alur"

    @property
    def kafka(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def logs(self) -> Path:
        return self.run_dir / "logs"

    def fresh(self) -> None:
        """Forget the last run: its data directories go (the Kafka jars stay)."""
        shared = REPO_ROOT / ".run"
        if self.run_dir == shared or {self.pg_port, self.kafka_port} & {55432, 9092}:
            raise SystemExit(
                f"the soak wipes {self.run_dir} and restarts its servers: give it a run dir and"
                " ports of its own (SOAK_RUN_DIR, SOAK_PG_PORT, SOAK_KAFKA_PORT), not those of"
                " make run / make test"
            )
        for name in ("pg", "pg-socket", "pids"):
            shutil.rmtree(self.run_dir / name, ignore_errors=True)
        for name in ("data", "cluster.id", "server.properties"):
            path = self.run_dir / "kafka" / name
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(True)
        shutil.rmtree(self.logs, ignore_errors=True)

    def postgres(self, command: str) -> None:
        self._infra("postgres.sh", command)

    def kafka_broker(self, command: str) -> None:
        self._infra("kafka.sh", command)

    def kill_kafka(self) -> None:
        """SIGKILL the soak's broker (an unclean stop: no controlled shutdown)."""
        pid_file = self.run_dir / "pids" / "kafka.pid"
        pid = int(pid_file.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        # Only the broker of this run dir (pids get reused).
        assert str(self.run_dir / "kafka" / "server.properties").encode() in cmdline, cmdline
        os.kill(pid, signal.SIGKILL)
        while Path(f"/proc/{pid}").exists() and b"Z" not in _state(pid):
            time.sleep(0.05)
        pid_file.unlink(missing_ok=True)

    def start(self) -> None:
        self.postgres("start")
        self.kafka_broker("start")

    def stop(self) -> None:
        self.kafka_broker("stop")
        self.postgres("stop")

    def _infra(self, script: str, command: str) -> None:
        env = {
            **os.environ,
            "ALUR_RUN_DIR": str(self.run_dir),
            "ALUR_PG_PORT": str(self.pg_port),
            "ALUR_KAFKA_PORT": str(self.kafka_port),
            "ALUR_KAFKA_CONTROLLER_PORT": str(self.kafka_controller_port),
            "ALUR_KAFKA_HEAP": os.environ.get("SOAK_KAFKA_HEAP", "-Xms256m -Xmx512m"),
        }
        # The scripts refuse a port someone else listens on, so they cannot stop a stranger's.
        done = subprocess.run(  # noqa: S603 - our own scripts
            [str(INFRA / script), command],
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{script} {command} failed:\n{done.stderr[-3000:]}")


def _state(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().split(b") ", 1)[1][:1]
    except (FileNotFoundError, IndexError):
        return b"Z"
