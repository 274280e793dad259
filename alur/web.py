"""The HTTP front of Alur: intake (write side) and registers (read side) on one port.

This is a composition root, not a service: it mounts each service's public router and hands
them the dependencies the bootstrap (`alur/web_bootstrap.py`) built. `python -m alur.web` or
`alur serve web`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI

from alur.clock_api import router as clock_router
from alur.web_bootstrap import start_web
from runtime.heap import freeze_started
from runtime.http import assets, dependencies, health
from runtime.http.access import require_policies
from runtime.http.cookies import CookiePolicy
from runtime.http.csrf import FormCookies
from runtime.http.errors import install_error_handlers
from runtime.http.headers import SecurityHeaders
from runtime.http.limits import BodyLimit, NoNulInUrl
from runtime.http.openapi import document_errors
from runtime.http.server import serve
from runtime.logs import configure_logging
from runtime.settings import AlurSettings
from services.accounts import pages as accounts
from services.administration import office_pages, officer_pages
from services.intake import (
    api,
    attachments_api,
    case_page,
    cases_api,
    desk_pages,
    reply_api,
    response_letter,
    survey_api,
    whatsapp,
)
from services.intake.open311 import api as open311_intake
from services.intake.uploads import keep_uploads_in_memory, upload_limits
from services.library import pages as library
from services.notifier import read_api as notifications
from services.projections import (
    dashboard,
    exports,
    guest_book_api,
    ikm_api,
    open311_api,
    read_api,
    statistics,
    tasks,
)

log = structlog.get_logger(__name__)

ROUTERS = (
    api.router,
    cases_api.router,
    case_page.router,
    response_letter.router,
    attachments_api.router,
    reply_api.router,
    whatsapp.router,
    read_api.router,
    survey_api.router,
    dashboard.router,
    exports.router,
    guest_book_api.router,
    ikm_api.router,
    statistics.router,
    tasks.router,
    notifications.router,
    clock_router,
    health.router,
    assets.router,
    accounts.router,
    desk_pages.router,
    library.router,
    officer_pages.router,
    office_pages.router,
    open311_intake.router,
    open311_api.router,
)


def build_app(settings: AlurSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        web = await start_web(settings)
        dependencies.install(app, web)
        freeze_started()
        log.info("web_started", host=settings.http_host, port=settings.http_port)
        try:
            yield
        finally:
            await web.close()
            log.info("web_stopped")

    # No /docs or /redoc: they load scripts from a CDN; the schema stays at /openapi.json.
    # No OpenTelemetry either: FastAPI would otherwise look up the tracer, meter and logger
    # providers on every request (4% of the web's CPU per complaint, for nothing).
    app = FastAPI(
        title="Alur",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    for router in ROUTERS:
        app.include_router(router)
    require_policies(app)  # a route that does not say who may use it stops the start
    install_error_handlers(app)
    # The anonymous cookie CSRF tokens of forms are bound to (runtime/http/csrf.py).
    app.add_middleware(FormCookies, policy=CookiePolicy(always_secure=settings.cookie_secure))
    document_errors(app)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        wider=upload_limits(settings.attachment_max_bytes),  # the routes that take a file
    )
    keep_uploads_in_memory(settings.attachment_max_bytes)  # never a clear copy on disk
    app.add_middleware(NoNulInUrl)
    app.add_middleware(SecurityHeaders)  # outermost: a refused body gets the headers too
    return app


def main() -> None:
    settings = AlurSettings()
    # What stops the start, said before anything runs: a short secret key, a simulated clock
    # outside a demo (SystemExit with the reason, exit status 1).
    settings.secret_key_bytes()
    settings.checked_clock()
    configure_logging("web", fmt=settings.log_format, level=settings.log_level)
    serve(build_app(settings), settings.http_host, settings.http_port)


if __name__ == "__main__":
    main()
