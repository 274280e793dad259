"""The Jinja2 templates of a service's pages: its own folder, then the shared `base.html`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi.templating import Jinja2Templates

BASE = Path(__file__).resolve().parent.parent / "templates"


@cache
def templates_in(folder: Path) -> Jinja2Templates:
    """One templates object per service folder, however many routers render from it."""
    return Jinja2Templates(directory=[folder, BASE])
