"""The HTTP floor: the same FastAPI stack as Alur's web answering a POST that validates a small
body and does one asyncpg INSERT, nothing else. What a complaint's acceptance is measured against.

`python -m bench.http_floor PORT DATABASE_URL` serves it (runtime/http/server.py, the web's
options); `start`/`stop` run it as a process of its own for the bench.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx
from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from runtime.database import no_session_reset
from runtime.http.server import serve
from runtime.settings import REPO_ROOT


class Reporter(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Body(BaseModel):
    channel: str = Field(max_length=20)
    reporter: Reporter
    subject: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=4000)


SAMPLE = {
    "channel": "web",
    "reporter": {"name": "Penguji Beban", "email": "uji@example.id"},
    "subject": "Antrean obat di Puskesmas terlalu lama",
    "description": "Pengaduan untuk mengukur kecepatan jalur dari formulir ke buku register.",
}


def build_app(database_url: str) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Released as Alur's pools release theirs: without asyncpg's RESET round trip.
        pool = await asyncpg.create_pool(
            database_url, min_size=4, max_size=10, reset=no_session_reset
        )
        await pool.execute(
            "CREATE TABLE IF NOT EXISTS floor (id bigserial PRIMARY KEY, body jsonb NOT NULL)"
        )
        app.state.pool = pool
        yield
        await pool.close()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/floor", status_code=201)
    async def accept(body: Body, request: Request) -> dict[str, int]:
        row = await request.app.state.pool.fetchval(
            "INSERT INTO floor (body) VALUES ($1::jsonb) RETURNING id", body.model_dump_json()
        )
        return {"id": row}

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def start(port: int, database_url: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.http_floor", str(port), database_url],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the HTTP floor did not start")


if __name__ == "__main__":
    serve(build_app(sys.argv[2]), "127.0.0.1", int(sys.argv[1]))
