"""`GET /health` → 200 `{"status": "ok"}` when PostgreSQL and Kafka answer, else 503 naming
what does not."""

from __future__ import annotations

import asyncio
from typing import Annotated

import asyncpg
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from runtime.http.access import PUBLIC
from runtime.http.dependencies import Pool, provided
from runtime.settings import AlurSettings

router = APIRouter()


@router.get("/health", dependencies=[PUBLIC])
async def health(
    pool: Pool, settings: Annotated[AlurSettings, provided(AlurSettings)]
) -> JSONResponse:
    problems = {}
    try:
        await pool.fetchval("SELECT 1")
    except (OSError, asyncpg.PostgresError) as error:
        problems["postgresql"] = repr(error)
    if not await kafka_reachable(settings.kafka_bootstrap_servers):
        problems["kafka"] = f"no answer from {settings.kafka_bootstrap_servers}"
    if problems:
        return JSONResponse({"status": "unavailable", "problems": problems}, status_code=503)
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
