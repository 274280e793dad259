"""The administration's office part: closures, acting officials (Plt) and the org chart.

- `POST /admin/libur` (`first_day`, `last_day` (optional), `reason`, `csrf_token`): the office is
  closed those days, as `alur calendar close` records it (office/closures.py, append-only);
  the SLA worker recomputes open deadlines. 303 to `/admin#libur`.
- Acting officials and the org chart are read from the office configuration (YAML
  `org_chart:`): shown, not edited here. Routing and the SLA read the Plt from that
  configuration; appointing one at run time would need its own append-only table that they read.
"""

from __future__ import annotations

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from office.closures import ClosureBook
from runtime.http.csrf import CSRF
from runtime.http.dependencies import Office, Pool, Registry
from services.administration.access import AdministrationOnly, OfficerAccounts
from services.administration.forms import FieldProblem, closure_form
from services.administration.index import render_index

log = structlog.get_logger(__name__)
router = APIRouter()


@router.post("/admin/libur", dependencies=[CSRF])
async def close_office(
    request: Request,
    officer: AdministrationOnly,
    accounts: OfficerAccounts,
    registry: Registry,
    pool: Pool,
    office: Office,
) -> Response:
    form = await request.form()
    try:
        closure = closure_form(form)
    except FieldProblem as problem:
        # The whole administration page again, the problem by its field.
        return await render_index(
            request, officer, accounts, registry, office, closure_problem=problem
        )
    await ClosureBook(pool).add(closure.first_day, closure.last_day, closure.reason, officer.id)
    return RedirectResponse("/admin#libur", status_code=303)
