"""The IKM report over HTTP: `GET /api/ikm?year=&semester=|quarter=|month=` (JSON).

→ `{"period", "year", "units": [{"unit", "respondents", "nrr": {"u1"…"u9"}, "ikm",
"converted", "grade", "grade_label"}]}`; a bad period → 422 naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from services.projections.skm import ikm_by_unit
from skm.period import Period, PeriodRefused, period

router = APIRouter()


@dataclass(frozen=True)
class IkmQuery:
    period: Period | None
    problem: PeriodRefused | None = None
    semester: int | None = None
    quarter: int | None = None
    month: int | None = None


def ikm_query(
    request: Request,
    year: int | None = Query(None),
    semester: int | None = Query(None),
    quarter: int | None = Query(None),
    month: int | None = Query(None),
) -> IkmQuery:
    """A FastAPI dependency: the report's period (this year in office time by default)."""
    year = year or request.app.state.clock.now().astimezone(request.app.state.time_zone).year
    try:
        return IkmQuery(period(year, semester, quarter, month), None, semester, quarter, month)
    except PeriodRefused as problem:
        return IkmQuery(period(year if 2000 <= year <= 2100 else 2000), problem)


async def ikm_report(request: Request, query: IkmQuery) -> dict[str, Any]:
    when = query.period
    assert when is not None
    units = await ikm_by_unit(
        request.app.state.pool, request.app.state.office.survey, when, request.app.state.time_zone
    )
    return {"period": when.label, "year": when.year, "units": [u.as_dict() for u in units]}


@router.get("/api/ikm")
async def ikm_json(request: Request, query: Annotated[IkmQuery, Depends(ikm_query)]) -> Any:
    if query.problem:
        return JSONResponse(
            {
                "error": "invalid_input",
                "message": query.problem.reason,
                "field": query.problem.field,
            },
            status_code=422,
        )
    return await ikm_report(request, query)
