"""The IKM report over HTTP: `GET /api/ikm?year=&semester=|quarter=|month=` (JSON).

→ `{"period", "year", "units": [{"unit", "respondents", "nrr": {"u1"…"u9"}, "ikm",
"converted", "grade", "grade_label"}]}`; a bad period → 422 naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from office import OfficeConfig
from runtime.http.dependencies import CurrentClock, Office, TimeZone
from runtime.http.errors import invalid_input
from services.projections.dependencies import ReadModels, Tables
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


async def ikm_query(
    clock: CurrentClock,
    time_zone: TimeZone,
    year: int | None = Query(None),
    semester: int | None = Query(None),
    quarter: int | None = Query(None),
    month: int | None = Query(None),
) -> IkmQuery:
    """A FastAPI dependency: the report's period (this year in office time by default)."""
    year = year or clock.now().astimezone(time_zone).year
    try:
        return IkmQuery(period(year, semester, quarter, month), None, semester, quarter, month)
    except PeriodRefused as problem:
        return IkmQuery(period(year if 2000 <= year <= 2100 else 2000), problem)


@dataclass(frozen=True)
class IkmReports:
    tables: ReadModels
    office: OfficeConfig

    async def report(self, query: IkmQuery) -> dict[str, Any]:
        when = query.period
        assert when is not None
        tz = self.tables.time_zone
        units = await ikm_by_unit(self.tables.pool, self.office.survey, when, tz)
        return {"period": when.label, "year": when.year, "units": [u.as_dict() for u in units]}


async def ikm_reports(tables: Tables, office: Office) -> IkmReports:
    return IkmReports(tables, office)


Ikm = Annotated[IkmQuery, Depends(ikm_query)]
Reports = Annotated[IkmReports, Depends(ikm_reports)]


@router.get("/api/ikm")
async def ikm_json(query: Ikm, reports: Reports) -> Any:
    if query.problem:
        return invalid_input(query.problem.field, query.problem.reason)
    return await reports.report(query)
