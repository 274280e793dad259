"""`alur calendar …` as an office uses it: deadlines, closures added at run time (kept in the
real PostgreSQL), the list of closed days, and refusals of bad input."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from runtime.settings import REPO_ROOT
from tests.support import sandbox

ALUR = str(REPO_ROOT / ".venv" / "bin" / "alur")
OFFICE = REPO_ROOT / "office" / "dinkes-muba.yaml"


async def _rows(database_url: str, query: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetch(query)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A fresh, empty database of the real PostgreSQL for this module's closures."""
    database_url = sandbox.create_database("calendar")
    try:
        yield database_url
    finally:
        sandbox.drop_database(database_url)


def alur(*args: str, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ALUR_OFFICE": str(OFFICE)}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [ALUR, "calendar", *args], env=env, capture_output=True, text=True, timeout=60
    )


def deadline(
    start: str, duration: str, *options: str, database_url: str
) -> subprocess.CompletedProcess[str]:
    return alur(
        "deadline", "--start", start, "--duration", duration, *options, database_url=database_url
    )


def stored_closures(database_url: str) -> list[tuple[str, str, str, str | None]]:
    rows = asyncio.run(
        _rows(database_url, "SELECT first_day, last_day, reason, added_by FROM office_closures")
    )
    return [
        (r["first_day"].isoformat(), r["last_day"].isoformat(), r["reason"], r["added_by"])
        for r in rows
    ]


# -- deadlines ---------------------------------------------------------------------------


def test_three_working_days_from_17_march_2026_end_on_27_march(database_url):
    done = deadline("2026-03-17T09:00+07:00", "3 Hari Kerja", database_url=database_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2026-03-27T09:00:00+07:00"


def test_a_start_without_offset_is_read_in_the_office_time_zone(database_url, tmp_path):
    done = deadline("2026-11-20T11:15", "30 Menit", database_url=database_url)
    assert done.stdout.strip() == "2026-11-20T13:15:00+07:00"
    wita = tmp_path / "wita.yaml"
    wita.write_text(OFFICE.read_text().replace("Asia/Jakarta", "Asia/Makassar"))
    done = deadline(
        "2026-11-20T11:15", "3 x 24 Jam", "--office", str(wita), database_url=database_url
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2026-11-23T11:15:00+08:00"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--start", "17-03-2026 09:00", "--duration", "3 Hari Kerja"], "--start"),
        (["--start", "2026-03-17T09:00+07:00", "--duration", "tiga hari-harian"], "--duration"),
        (
            ["--start", "2026-03-17T09:00+07:00", "--duration", "Sesuai standar pelayanan"],
            "--duration",
        ),
        (["--start", "2026-03-17T09:00+07:00", "--duration", "-"], "--duration"),
        (["--start", "2026-03-17T09:00+07:00"], "--duration"),
    ],
)
def test_unreadable_input_is_refused_with_exit_2_naming_the_option(args, named, database_url):
    done = alur("deadline", *args, database_url=database_url)
    assert done.returncode == 2
    assert named in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (None, "No such file"),
        ("name: [unclosed", "office configuration"),
        (OFFICE.read_text().replace("Asia/Jakarta", "Europe/Berlin"), "time_zone"),
        (OFFICE.read_text() + "\n  unknown_option: 1\n", "unknown_option"),
    ],
)
def test_an_unusable_office_configuration_exits_1_naming_the_problem(
    content, named, tmp_path: Path, database_url
):
    path = tmp_path / "office.yaml"
    if content is not None:
        path.write_text(content)
    done = deadline(
        "2026-03-17T09:00+07:00", "1 Jam", "--office", str(path), database_url=database_url
    )
    assert done.returncode == 1
    assert named in done.stderr
    assert done.stdout == ""


# -- closures in PostgreSQL --------------------------------------------------------------


def test_a_closure_added_by_the_office_moves_deadlines_and_is_listed(database_url):
    before = deadline("2026-11-20T10:00+07:00", "1 Hari Kerja", database_url=database_url)
    assert before.stdout.strip() == "2026-11-23T10:00:00+07:00"

    closed = alur(
        "close",
        "--date",
        "2026-11-23",
        "--until",
        "2026-11-24",
        "--reason",
        "Renovasi gedung kantor",
        "--by",
        "Sekretaris Dinas",
        database_url=database_url,
    )
    assert closed.returncode == 0, closed.stderr
    assert "2026-11-23 s.d. 2026-11-24: Renovasi gedung kantor" in closed.stdout
    assert ("2026-11-23", "2026-11-24", "Renovasi gedung kantor", "Sekretaris Dinas") in (
        stored_closures(database_url)
    )

    after = deadline("2026-11-20T10:00+07:00", "1 Hari Kerja", database_url=database_url)
    assert after.stdout.strip() == "2026-11-25T10:00:00+07:00"

    listed = alur("closures", database_url=database_url)
    assert listed.returncode == 0, listed.stderr
    assert "2026-11-23 s.d. 2026-11-24\tRenovasi gedung kantor\t[penutupan (ditambahkan)]" in (
        listed.stdout
    )

    year = alur("holidays", "--year", "2026", database_url=database_url)
    assert year.returncode == 0, year.stderr
    assert "2026-03-19\tKamis\tHari Suci Nyepi" in year.stdout
    assert "2026-11-24\tSelasa\tRenovasi gedung kantor" in year.stdout


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--date", "2026-12-01", "--reason", "  "], "--reason"),
        (["--date", "2026-12-01"], "--reason"),
        (["--date", "1 Desember", "--reason", "Rapat kerja"], "--date"),
        (["--date", "2026-12-02", "--until", "2026-12-01", "--reason", "Rapat kerja"], "--until"),
    ],
)
def test_a_closure_without_a_reason_or_with_bad_days_is_refused_and_records_nothing(
    args, named, database_url
):
    recorded = stored_closures_or_none(database_url)
    done = alur("close", *args, database_url=database_url)
    assert done.returncode == 2
    assert named in done.stderr
    assert stored_closures_or_none(database_url) == recorded


def test_without_a_database_a_closure_cannot_be_added_and_exits_1():
    nowhere = "postgresql://alur:alur@127.0.0.1:9/alur"
    done = alur("close", "--date", "2026-12-01", "--reason", "Rapat kerja", database_url=nowhere)
    assert done.returncode == 1
    assert "basis data" in done.stderr


def stored_closures_or_none(database_url: str) -> list | None:
    try:
        return stored_closures(database_url)
    except asyncpg.UndefinedTableError:
        return None
