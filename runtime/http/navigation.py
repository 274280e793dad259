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
from fastapi import Depends, Request

from office import OfficeConfig
from runtime.http.access import OfficerOnly
from runtime.http.dependencies import Office, installed, provided
from sop.actions import Officer

log = structlog.get_logger(__name__)


class WorkCounts(Protocol):
    async def counts(self, officer: Officer) -> dict[str, int]:
        """Numbers shown beside the menu items, by nav key ("tugas": cases waiting for me)."""
        ...


Counting = Annotated[WorkCounts, provided(WorkCounts)]


async def navigation_for(request: Request, officer: Officer) -> dict[str, Any]:
    """The layout's context for `officer`, for pages whose access policy is not `OfficerOnly`
    (administration): the same as `Navigation`."""
    return await _navigation(
        officer,
        installed(request, OfficeConfig),
        installed(request, WorkCounts),
    )


async def navigation(officer: OfficerOnly, office: Office, counter: Counting) -> dict[str, Any]:
    return await _navigation(officer, office, counter)


async def _navigation(
    officer: Officer, office: OfficeConfig, counter: WorkCounts
) -> dict[str, Any]:
    try:
        counts = await counter.counts(officer)
    except (asyncpg.UndefinedTableError, asyncpg.UndefinedColumnError):
        counts = {}  # the projections worker has not created its tables yet
    return {"officer": officer, "counts": counts, "is_admin": office.administers(officer.roles)}


Navigation = Annotated[dict[str, Any], Depends(navigation)]
