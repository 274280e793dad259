"""`alur calendar deadline` with the waktu forms of issue 14 §5 (weeks, months, ranges, "Paling
lambat …", "Sesuai jadwal"), against a fresh database of the real PostgreSQL."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest

from runtime.settings import REPO_ROOT
from tests.support import sandbox

ALUR = str(REPO_ROOT / ".venv" / "bin" / "alur")
OFFICE = REPO_ROOT / "office" / "dinkes-muba.yaml"


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    url = sandbox.create_database("waktu")
    try:
        yield url
    finally:
        sandbox.drop_database(url)


def deadline(database_url: str, start: str, duration: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ALUR, "calendar", "deadline", "--start", start, "--duration", duration],
        env={**os.environ, "ALUR_OFFICE": str(OFFICE), "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        ("2026-03-17T09:00+07:00", "2 Minggu", "2026-03-31T09:00:00+07:00"),
        ("2026-01-31T09:00+07:00", "1 Bulan", "2026-02-28T09:00:00+07:00"),
        ("2026-03-17T09:00+07:00", "1-2 Hari Kerja", "2026-03-26T09:00:00+07:00"),
        ("2026-03-17T09:00+07:00", "Paling lambat 3 Hari Kerja", "2026-03-27T09:00:00+07:00"),
    ],
)
def test_the_deadline_of_each_new_form(database_url, start, duration, due):
    done = deadline(database_url, start, duration)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == due


def test_a_schedule_has_no_deadline_and_the_command_says_so(database_url):
    done = deadline(database_url, "2026-03-17T09:00+07:00", "Sesuai jadwal")
    assert done.returncode == 2
    assert "mengikuti jadwal, bukan standar waktu; tidak ada tenggat" in done.stderr
    assert done.stdout == ""
