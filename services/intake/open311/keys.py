"""Open311 API keys: a client (a civic-tech app, a city portal) posts requests with one.

`alur open311 keys create NAME` issues a key, shown once; the table keeps only its SHA-256 (as
officers' API tokens, officers/tokens.py: 256 random bits behind the prefix `o311_`), its id
and its first characters. A key works until revoked (`revoked_at`, set in the database).
`Open311Clients` is the access policy of the routes that take one (`api_key`, form or query).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, ClassVar

import asyncpg
import structlog
from fastapi import Depends, Request

from officers.tokens import token_hash
from runtime.database import create_once
from runtime.http.access import AccessPolicy
from runtime.http.dependencies import provided
from runtime.http.open311 import Open311Refused

log = structlog.get_logger(__name__)

KEY_PREFIX = "o311_"
SHOWN = 12
MISSING_KEY = "api_key wajib diisi"
WRONG_KEY = "api_key tidak dikenal atau sudah dicabut"
SCHEMA = """
CREATE TABLE IF NOT EXISTS open311_keys (
    id text PRIMARY KEY,
    name text NOT NULL,  -- the client the key was issued to
    key_sha256 bytea NOT NULL UNIQUE,
    prefix text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
"""


@dataclass(frozen=True)
class IssuedKey:
    id: str
    name: str
    key: str  # shown once


@dataclass(frozen=True)
class Open311Client:
    key_id: str
    name: str


class Open311Keys:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def create(self) -> None:
        async with self._pool.acquire() as conn:
            await create_once(conn, "open311_keys", SCHEMA)

    async def issue(self, name: str) -> IssuedKey:
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        identifier = "o311k_" + secrets.token_hex(6)
        await self._pool.execute(
            "INSERT INTO open311_keys (id, name, key_sha256, prefix) VALUES ($1, $2, $3, $4)",
            identifier,
            name,
            token_hash(key),
            key[:SHOWN],
        )
        return IssuedKey(identifier, name, key)

    async def client(self, key: str) -> Open311Client | None:
        """The client holding `key` while it is not revoked."""
        row = await self._pool.fetchrow(
            "SELECT id, name FROM open311_keys WHERE key_sha256 = $1 AND revoked_at IS NULL",
            token_hash(key),
        )
        return Open311Client(row["id"], row["name"]) if row else None


Keys = Annotated[Open311Keys, provided(Open311Keys)]


@dataclass(frozen=True)
class Open311Clients(AccessPolicy):
    """A client with a working Open311 `api_key` (in the form body or the query); 403 in the
    spec's error array otherwise."""

    audience: ClassVar[str] = "open311_client"

    async def __call__(self, request: Request, keys: Keys, format: str = "json") -> Open311Client:
        key = request.query_params.get("api_key")
        if key is None and "form" in request.headers.get("content-type", ""):
            value = (await request.form()).get("api_key")
            key = value if isinstance(value, str) else None
        if not key or not key.strip():
            raise Open311Refused(403, MISSING_KEY, format)
        client = await keys.client(key.strip())
        if client is None:
            log.info("open311_key_refused", prefix=key.strip()[:SHOWN])
            raise Open311Refused(403, WRONG_KEY, format)
        return client


ApiKeyHolder = Annotated[Open311Client, Depends(Open311Clients())]
