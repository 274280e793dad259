"""`GET /health` → 200 `{"status": "ok"}` when PostgreSQL and Kafka answer, else 503
`{"status": "unavailable"}`. What does not answer, and why, goes to the log only: the health
check is public and the database's error text is not."""

from __future__ import annotations

import asyncio
from typing import Annotated

import asyncpg
import structlog
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from runtime.http.access import PUBLIC
from runtime.http.dependencies import Pool, provided
from runtime.settings import AlurSettings

log = structlog.get_logger(__name__)
router = APIRouter()


@router.get("/health", dependencies=[PUBLIC])
async def health(
    pool: Pool, settings: Annotated[AlurSettings, provided(AlurSettings)]
) -> JSONResponse:
    problems = {}
    try:
        await pool.fetchval("SELECT 1")
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        problems["postgresql"] = repr(error)
    if not await kafka_reachable(settings.kafka_bootstrap_servers):
        problems["kafka"] = f"no answer from {settings.kafka_bootstrap_servers}"
    if problems:
        log.warning("health_unavailable", **problems)
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


async def kafka_reachable(bootstrap_servers: str) -> bool:
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 2)
        except (OSError, TimeoutError, ValueError):
            continue
        writer.close()
        return True
    return False
