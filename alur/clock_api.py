"""`POST /api/clock/advance` (CONTRACT.md): only with `ALUR_CLOCK=simulated` (which needs
`ALUR_DEMO=true`), else 404; only for an administrator (whoever moves the clock makes every
deadline pass)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from runtime.clock import SimulatedClock
from runtime.http.access import PUBLIC, AdministratorOnly
from runtime.http.dependencies import CurrentClock
from runtime.http.errors import error_response, invalid_input, json_body
from runtime.http.openapi import request_body

router = APIRouter()


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: float = Field(gt=0, le=60 * 24 * 366)


@router.post("/api/clock/advance", openapi_extra=request_body(Advance, {"minutes": 30}))
async def advance(
    request: Request, administrator: AdministratorOnly, clock: CurrentClock
) -> JSONResponse:
    if not isinstance(clock, SimulatedClock):
        return error_response(404, "not_found", "jam simulasi tidak aktif (ALUR_CLOCK=system)")
    body = await json_body(request, code="invalid_input")
    try:
        wanted = Advance.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        return invalid_input(".".join(str(p) for p in first["loc"]) or "minutes", first["msg"])
    now = await clock.advance(wanted.minutes)
    return JSONResponse({"now": now.isoformat()})


@router.get("/api/clock", dependencies=[PUBLIC])
async def now(clock: CurrentClock) -> JSONResponse:
    return JSONResponse({"now": clock.now().isoformat(), "simulated": clock.simulated})
