"""What stops a process at start, with the reason and a non-zero exit, before it touches
anything: a secret key shorter than 32 bytes (or a key file that cannot be read), and a simulated
clock on a deployment that does not say it is a demo."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from runtime.settings import REPO_ROOT, AlurSettings

ALUR = str(REPO_ROOT / ".venv" / "bin" / "alur")
UNREACHABLE = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"}  # never reached
KEY = "k" * 32


def _serve(worker: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ALUR_")}
    return subprocess.run(
        [ALUR, "serve", worker],
        env={**clean, **UNREACHABLE, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("worker", ["web", "sla"])
def test_a_simulated_clock_outside_a_demo_stops_the_start(worker: str) -> None:
    done = _serve(worker, ALUR_CLOCK="simulated", ALUR_SECRET_KEY=KEY)
    assert done.returncode == 1
    assert "ALUR_DEMO=true" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"ALUR_SECRET_KEY": "k" * 31}, "from ALUR_SECRET_KEY has 31 bytes; at least 32"),
        ({"ALUR_SECRET_KEY_FILE": "/nonexistent/alur.key"}, "cannot be read"),
    ],
)
def test_a_short_or_unreadable_secret_key_stops_the_web(env: dict[str, str], said: str) -> None:
    done = _serve("web", **env)
    assert done.returncode == 1
    assert said in done.stderr
    assert "Traceback" not in done.stderr


def test_the_secret_key_may_come_from_a_file_a_docker_secret(tmp_path: Path) -> None:
    secret = tmp_path / "alur_secret_key"
    secret.write_text(KEY + "\n")
    assert AlurSettings(ALUR_SECRET_KEY_FILE=str(secret)).secret_key_bytes() == KEY.encode()
    secret.write_text("short\n")
    with pytest.raises(SystemExit, match="has 5 bytes"):
        AlurSettings(ALUR_SECRET_KEY_FILE=str(secret)).secret_key_bytes()


def test_a_simulated_clock_runs_on_a_demo() -> None:
    demo = AlurSettings(ALUR_CLOCK="simulated", ALUR_DEMO="true")
    assert demo.checked_clock() == "simulated"
    assert AlurSettings(ALUR_CLOCK="system").checked_clock() == "system"
