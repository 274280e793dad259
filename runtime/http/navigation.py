"""What every officer page's layout (runtime/templates/officer.html) reads: the signed-in
officer, the counts beside the menu items, whether the administration item shows.

    @router.get("/tugas", response_class=HTMLResponse)
    async def page(request: Request, nav: Navigation) -> HTMLResponse:
        return templates.TemplateResponse(request, "tugas.html", {**nav, "active": "tugas", …})

`Navigation` depends on `OfficerOnly`, so a page that asks for it is an officer page: without
a valid session a browser is sent to `/masuk?next=…` (runtime/http/errors.py), a script gets
401. The counts come from a `WorkCounts` the web bootstrap builds (the read side's queues);
a count that cannot be read is left out, never an error of the page.
"""

from __future__ import annotations

from typing import Annotated, Any, Protocol

import asyncpg
import structlog
from fastapi import Depends

from runtime.http.access import OfficerOnly
from runtime.http.dependencies import Office, provided
from sop.actions import Officer

log = structlog.get_logger(__name__)


class WorkCounts(Protocol):
    async def counts(self, officer: Officer) -> dict[str, int]:
        """Numbers shown beside the menu items, by nav key ("tugas": cases waiting for me)."""
        ...


Counting = Annotated[WorkCounts, provided(WorkCounts)]


async def navigation(officer: OfficerOnly, office: Office, counter: Counting) -> dict[str, Any]:
    try:
        counts = await counter.counts(officer)
    except (asyncpg.UndefinedTableError, asyncpg.UndefinedColumnError):
        counts = {}  # the projections worker has not created its tables yet
    is_admin = bool(officer.roles & set(office.access.administrator_roles))
    return {"officer": officer, "counts": counts, "is_admin": is_admin}


Navigation = Annotated[dict[str, Any], Depends(navigation)]
