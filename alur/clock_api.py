"""`POST /api/clock/advance` (CONTRACT.md): only with `ALUR_CLOCK=simulated`, else 404."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from runtime.clock import SimulatedClock

router = APIRouter()


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: float = Field(gt=0, le=60 * 24 * 366)


@router.post("/api/clock/advance")
async def advance(request: Request, body: Any = Body(None)) -> JSONResponse:  # noqa: B008
    clock = request.app.state.clock
    if not isinstance(clock, SimulatedClock):
        return JSONResponse(
            {"error": "not_found", "message": "jam simulasi tidak aktif (ALUR_CLOCK=system)"},
            status_code=404,
        )
    try:
        wanted = Advance.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        return JSONResponse(
            {
                "error": "invalid_input",
                "message": first["msg"],
                "field": ".".join(str(p) for p in first["loc"]) or "minutes",
            },
            status_code=422,
        )
    now = await clock.advance(wanted.minutes)
    return JSONResponse({"now": now.isoformat()})


@router.get("/api/clock")
async def now(request: Request) -> JSONResponse:
    clock = request.app.state.clock
    return JSONResponse({"now": clock.now().isoformat(), "simulated": clock.simulated})
