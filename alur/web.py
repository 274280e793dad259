"""The HTTP front of Alur: intake (write side) and registers (read side) on one port.

This is a composition root, not a service: it mounts each service's public router and
gives them their connections. `python -m alur.web` or `alur serve web`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import asyncpg
import structlog
import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from alur.clock_api import router as clock_router
from cases import GroupCommit, PostgresEventStore
from officers import OfficerDirectory
from runtime.clock import start_clock
from runtime.logs import configure_logging
from runtime.settings import AlurSettings
from services.intake.api import router as intake_router
from services.intake.cases_api import router as cases_router
from services.intake.casework import CaseWork
from services.intake.intake import ComplaintIntake
from services.intake.reply_api import router as reply_router
from services.intake.survey_api import router as survey_router
from services.intake.survey_desk import SurveyDesk
from services.intake.tracking import TrackingNumbers
from services.notifier.read_api import router as notifications_router
from services.projections.dashboard import router as dashboard_router
from services.projections.exports import router as exports_router
from services.projections.guest_book_api import router as guest_book_router
from services.projections.ikm_api import router as ikm_router
from services.projections.read_api import router as register_router
from sop.engine import SopEngine
from sop.registry import SopRegistry, UnknownSop

log = structlog.get_logger(__name__)


def build_app(settings: AlurSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        office = settings.office()
        time_zone = ZoneInfo(office.time_zone)
        store = await PostgresEventStore.connect(settings.database_url, pool_size=8)
        pool = await asyncpg.create_pool(settings.database_url, min_size=2, max_size=10)
        tracking = TrackingNumbers(store, settings.secret_key_bytes())
        registry = SopRegistry(pool)
        await registry.create()
        for saved in await registry.load_shipped():
            if saved.created:
                log.info("sop_loaded", sop=saved.definition.id, version=saved.definition.version)
        await _check_complaint_sop(registry, office.complaint_sop)
        directory = OfficerDirectory(pool)
        await directory.create()
        writer = GroupCommit(store)
        clock = await start_clock(settings.clock, settings.database_url, time_zone)

        app.state.store = store
        app.state.pool = pool
        app.state.tracking = tracking
        app.state.time_zone = time_zone
        app.state.registry = registry
        app.state.directory = directory
        app.state.clock = clock
        app.state.office = office
        app.state.intake = ComplaintIntake(
            writer, tracking, registry, office.complaint_sop, clock.now
        )
        app.state.casework = CaseWork(store, writer, registry, directory, clock.now)
        app.state.survey_desk = SurveyDesk(store, registry, settings.secret_key_bytes(), clock.now)
        log.info("web_started", host=settings.http_host, port=settings.http_port)
        try:
            yield
        finally:
            await writer.close()
            await clock.close()
            await pool.close()
            await store.close()
            log.info("web_stopped")

    app = FastAPI(title="Alur", lifespan=lifespan)
    app.include_router(intake_router)
    app.include_router(cases_router)
    app.include_router(reply_router)
    app.include_router(register_router)
    app.include_router(survey_router)
    app.include_router(dashboard_router)
    app.include_router(exports_router)
    app.include_router(guest_book_router)
    app.include_router(ikm_router)
    app.include_router(notifications_router)
    app.include_router(clock_router)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"] if p not in ("body", "query", "path"))
        return JSONResponse(
            {"error": "invalid_input", "message": first["msg"], "field": field or None},
            status_code=422,
        )

    @app.get("/health")
    async def health(request: Request) -> JSONResponse:
        problems = {}
        try:
            await request.app.state.pool.fetchval("SELECT 1")
        except (OSError, asyncpg.PostgresError) as error:
            problems["postgresql"] = repr(error)
        if not await _kafka_reachable(settings.kafka_bootstrap_servers):
            problems["kafka"] = f"no answer from {settings.kafka_bootstrap_servers}"
        if problems:
            return JSONResponse({"status": "unavailable", "problems": problems}, status_code=503)
        return JSONResponse({"status": "ok"})

    return app


async def _check_complaint_sop(registry: SopRegistry, sop_id: str) -> None:
    """The office's complaint SOP must exist and start with the public's own step."""
    try:
        sop = await registry.latest(sop_id)
    except UnknownSop:
        raise SystemExit(f"the office's complaint_sop {sop_id!r} is not a loaded SOP") from None
    if SopEngine(datetime.now).may_open(sop, None) is not None:
        raise SystemExit(f"the first step of complaint_sop {sop_id!r} is not the reporter's")


async def _kafka_reachable(bootstrap_servers: str) -> bool:
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 2)
        except (OSError, TimeoutError, ValueError):
            continue
        writer.close()
        return True
    return False


def main() -> None:
    settings = AlurSettings()
    configure_logging("web", fmt=settings.log_format, level=settings.log_level)
    uvicorn.run(
        build_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main()
