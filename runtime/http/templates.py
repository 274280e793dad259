"""The Jinja2 templates of a service's pages: its own folder, then the shared `base.html`.

Every template may call `csrf_token(request)` for the hidden field of a state-changing form
(runtime/http/csrf.py): `<input type="hidden" name="csrf_token" value="{{ csrf_token(request) }}">`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from runtime.http.csrf import CsrfTokens
from runtime.http.dependencies import installed

BASE = Path(__file__).resolve().parent.parent / "templates"


@cache
def templates_in(folder: Path) -> Jinja2Templates:
    """One templates object per service folder, however many routers render from it."""
    templates = Jinja2Templates(directory=[folder, BASE])
    templates.env.globals["csrf_token"] = _csrf_token
    return templates


def _csrf_token(request: Request) -> str:
    return installed(request, CsrfTokens).token(request)
