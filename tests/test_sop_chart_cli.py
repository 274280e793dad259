"""`alur sop chart SOP_ID` reads the SOP from the registry (a fresh database of the real
PostgreSQL, where the command loads the shipped SOPs) and draws its SOP-AP flowchart as SVG;
headless Chromium renders it (shapes inside their actor columns, measured by the browser) and a
screenshot of each seed SOP's chart is kept in `.run/artefacts/charts/`."""

from __future__ import annotations

import os
import struct
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver

from runtime.settings import REPO_ROOT
from sop.registry import shipped_definitions
from tests.support import sandbox
from tests.support.browser import chromium

ARTEFACTS = REPO_ROOT / ".run" / "artefacts" / "charts"
SEED_SOPS = {definition.id: definition for _, definition in shipped_definitions()}
SVG = "{http://www.w3.org/2000/svg}"
ALUR = str(REPO_ROOT / ".venv" / "bin" / "alur")


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A fresh, empty database: the command creates the registry and loads the shipped SOPs."""
    url = sandbox.create_database("charts")
    try:
        yield url
    finally:
        sandbox.drop_database(url)


def alur_cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ALUR, *args],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _chart(database_url: str, *args: str) -> ET.Element:
    result = alur_cli(database_url, "sop", "chart", *args)
    assert result.returncode == 0, result.stderr
    return ET.fromstring(result.stdout.encode("utf-8"))


@pytest.mark.parametrize("sop_id", sorted(SEED_SOPS))
def test_the_chart_of_a_loaded_sop_is_printed_as_svg(database_url: str, sop_id: str) -> None:
    root = _chart(database_url, sop_id)
    assert root.tag == f"{SVG}svg" and root.get("data-sop") == sop_id
    steps = [g for g in root.iter(f"{SVG}g") if g.get("data-step")]
    assert len(steps) == len(SEED_SOPS[sop_id].steps)
    assert root.get("data-version") == "1"
    assert _chart(database_url, sop_id, "--version", "1").get("data-version") == "1"


def test_the_chart_is_written_to_a_file_with_the_highlighted_path(
    database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "jambi.svg"
    result = alur_cli(
        database_url, "sop", "chart", "pengaduan-masyarakat-dinkes-jambi", "--out", str(out),
        "--highlight", "1", "2", "3",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    root = ET.parse(out).getroot()
    marked = [
        g.get("data-step") for g in root.iter(f"{SVG}g") if "highlighted" in g.get("class", "")
    ]
    assert [m for m in marked if m] == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["tidak-ada"], 1, "no SOP tidak-ada is loaded"),
        (["pengaduan-masyarakat-dinkes-muba", "--version", "99"], 1, "version 99 is loaded"),
        (["pengaduan-masyarakat-dinkes-muba", "--highlight", "42"], 2, "not 42"),
    ],
)
def test_an_unknown_sop_version_or_step_is_refused_with_a_clear_message(
    database_url: str, args: list[str], code: int, message: str
) -> None:
    result = alur_cli(database_url, "sop", "chart", *args)
    assert result.returncode == code
    assert message in result.stderr
    assert result.stdout == ""


# -- in a real browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with chromium("--hide-scrollbars") as driver:
        yield driver


# Per step: its shape's rendered box inside the rendered box of its actor's column?
_MEASURE = """
const columns = {};
for (const c of document.querySelectorAll('rect.actor-column')) {
  columns[c.dataset.role] = c.getBoundingClientRect();
}
return [...document.querySelectorAll('g.step')].map(g => {
  const box = g.querySelector('.shape').getBoundingClientRect();
  const col = columns[g.dataset.role];
  return [g.dataset.step, box.width > 20 && box.height > 20 &&
          box.left > col.left && box.right < col.right];
});
"""


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("sop_id", sorted(SEED_SOPS))
def test_each_seed_chart_renders_in_chromium_and_is_kept_as_a_screenshot(
    database_url: str, browser: webdriver.Chrome, sop_id: str
) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    svg = ARTEFACTS / f"{sop_id}.svg"
    result = alur_cli(database_url, "sop", "chart", sop_id, "--out", str(svg))
    assert result.returncode == 0, result.stderr
    root = ET.parse(svg).getroot()
    width, height = int(root.get("width")), int(root.get("height"))
    browser.set_window_size(width + 16, height + 140)
    browser.get(svg.as_uri())
    measured = browser.execute_script(_MEASURE)
    assert measured == [[str(s.number), True] for s in SEED_SOPS[sop_id].steps]
    png = ARTEFACTS / f"{sop_id}.png"
    png.unlink(missing_ok=True)
    assert browser.save_screenshot(str(png))
    shot_width, shot_height = _png_size(png)
    assert shot_width >= width * 0.9 and shot_height >= min(height, 600)
    assert png.stat().st_size > 20_000  # a drawing, not a blank page
