"""`POST /api/clock/advance` (CONTRACT.md): only with `ALUR_CLOCK=simulated`, else 404."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from runtime.clock import SimulatedClock
from runtime.http.access import PUBLIC
from runtime.http.dependencies import CurrentClock
from runtime.http.errors import error_response, invalid_input

router = APIRouter()


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: float = Field(gt=0, le=60 * 24 * 366)


@router.post("/api/clock/advance", dependencies=[PUBLIC])
async def advance(clock: CurrentClock, body: Any = Body(None)) -> JSONResponse:  # noqa: B008
    if not isinstance(clock, SimulatedClock):
        return error_response(404, "not_found", "jam simulasi tidak aktif (ALUR_CLOCK=system)")
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
