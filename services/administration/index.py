"""The administration page `/admin`: the officers, the form to add one, the office closures,
the acting officials (Plt) and the org chart (read from the office configuration)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
from fastapi import Request
from fastapi.responses import HTMLResponse

from office.closures import ClosureBook
from officers.directory import roster
from runtime.http.navigation import navigation_for
from runtime.http.templates import templates_in
from services.administration.forms import FieldProblem
from sop.actions import Officer

templates = templates_in(Path(__file__).parent / "templates")


async def chrome(request: Request, officer: Officer) -> dict[str, Any]:
    return {**await navigation_for(request, officer), "active": "admin"}


async def known_roles(registry: Any, office: Any) -> dict[str, str]:
    roles = await registry.roles()
    for role in office.access.roles():
        roles.setdefault(role, role.replace("_", " ").title())
    return dict(sorted(roles.items()))


async def render_index(
    request: Request,
    officer: Officer,
    accounts: Any,
    registry: Any,
    office: Any,
    form: Any = None,
    problem: FieldProblem | None = None,
    closure_problem: FieldProblem | None = None,
) -> HTMLResponse:
    entries = await roster(accounts.directory)
    context = {
        **await chrome(request, officer),
        "entries": entries,
        "names": {e.officer.id: e.officer.name for e in entries},
        "roles": await known_roles(registry, office),
        "form": form or {},
        "errors": {problem.field: problem.reason} if problem else {},
        **await office_context(accounts.directory.pool, office, closure_problem),
    }
    status = 422 if problem or closure_problem else 200
    return templates.TemplateResponse(request, "admin.html", context, status_code=status)


async def office_context(
    pool: asyncpg.Pool, office: Any, problem: FieldProblem | None = None
) -> dict[str, Any]:
    """What the administration page shows of the office."""
    calendar = office.calendar
    configured = [(r.date, r.until, r.reason, "konfigurasi") for r in calendar.closures]
    configured += [(r.date, r.until, r.name, "libur daerah") for r in calendar.regional_holidays]
    added = [
        (c.first_day.isoformat(), c.last_day.isoformat(), c.reason, "ditambahkan")
        for c in await ClosureBook(pool).all()
    ]
    return {
        "closures": [*configured, *added],
        "acting": office.org_chart.acting,
        "chart": office.org_chart,
        "closure_errors": {problem.field: problem.reason} if problem else {},
    }
