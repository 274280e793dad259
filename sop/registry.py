"""The SOP registry: every version of every SOP, kept in PostgreSQL, append-only.

Versions are never changed. A case names the SOP id and version it started under, so it finishes
under that version while newer ones are imported. The reviewed definitions shipped in
`sop/definitions/` are loaded as versions too; loading the same content again changes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg
import structlog
import yaml

from events import CATALOG
from runtime.listening import ChannelListener
from sop.definition import Header, SopDefinition

log = structlog.get_logger(__name__)

SHIPPED = Path(__file__).resolve().parent / "definitions"
# Every import of a new version says so on this channel (in its transaction): a registry that
# watches (`watch_imports`) forgets the SOP's latest version it had kept.
IMPORTS_CHANNEL = "alur_sop_imported"
REWATCH_SECONDS = 5.0  # how often a registry whose watching connection ended tries again

SCHEMA = """
CREATE TABLE IF NOT EXISTS sop_versions (
    sop_id text NOT NULL,
    version integer NOT NULL,
    digest text NOT NULL,
    source_sha256 text,
    definition jsonb NOT NULL,
    origin text NOT NULL,  -- the file it came from
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sop_id, version)
)
"""


class UnknownSop(LookupError):
    pass


class InvalidDefinition(ValueError):
    pass


@dataclass(frozen=True)
class Saved:
    definition: SopDefinition
    created: bool  # False: the registry already held this content as that version


@dataclass(frozen=True)
class VersionInfo:
    sop_id: str
    name: str
    unit: str | None
    version: int
    steps: int
    origin: str
    created_at: datetime


def read_definition_file(path: Path) -> SopDefinition:
    try:
        return SopDefinition.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValueError) as error:
        raise InvalidDefinition(f"{path}: {error}") from error


def shipped_definitions(folder: Path = SHIPPED) -> list[tuple[Path, SopDefinition]]:
    return [(path, read_definition_file(path)) for path in sorted(folder.glob("*.yaml"))]


def check_events(definition: SopDefinition) -> None:
    """Every event a definition records must be in the event contract."""
    unknown = sorted(t for t in definition.event_types() if not CATALOG.knows(t))
    if unknown:
        raise InvalidDefinition(
            f"{definition.id}: events {unknown} are not in the event contract (events/)"
        )


class SopRegistry:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._versions: dict[tuple[str, int], SopDefinition] = {}  # immutable: cached forever
        # Each SOP's latest version, kept only while a connection LISTENs for imports.
        self._latest: dict[str, int] = {}
        self._imports = 0  # imports heard: a version read before one is not kept
        self._listener: ChannelListener | None = None

    async def watch_imports(self, database_url: str) -> None:
        """Keep each SOP's latest version in memory (no query per new case), forgetting it
        when any process imports a version of that SOP (NOTIFY in the import's transaction).
        While the watching connection is down, every `latest` asks the database again."""
        self._listener = ChannelListener(
            database_url,
            {IMPORTS_CHANNEL: self._heard},
            on_lost=self._unwatched,
            retry_seconds=REWATCH_SECONDS,
        )
        await self._listener.start_when_possible()

    def _heard(self, sop_id: str) -> None:
        self._imports += 1
        self._latest.pop(sop_id, None)

    def _unwatched(self) -> None:
        self._imports += 1
        self._latest.clear()

    @property
    def _watching(self) -> bool:
        return self._listener is not None and self._listener.listening

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.close()

    async def create(self) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('sop_versions'))")
            await conn.execute(SCHEMA)

    async def load_shipped(self, folder: Path = SHIPPED) -> list[Saved]:
        return [
            await self.save(definition, origin=f"sop/definitions/{path.name}")
            for path, definition in shipped_definitions(folder)
        ]

    async def save(self, definition: SopDefinition, *, origin: str) -> Saved:
        """Store `definition` as the SOP's next version, unless that content is already there."""
        check_events(definition)
        digest = definition.digest()
        sha = definition.source.sha256 if definition.source else None
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", definition.id)
            same = await conn.fetchrow(
                "SELECT definition FROM sop_versions WHERE sop_id = $1"
                " AND (digest = $2 OR source_sha256 = $3) ORDER BY version DESC LIMIT 1",
                definition.id,
                digest,
                sha,
            )
            if same is not None:
                return Saved(_definition(same["definition"]), created=False)
            latest = await conn.fetchval(
                "SELECT max(version) FROM sop_versions WHERE sop_id = $1", definition.id
            )
            stored = definition.model_copy(update={"version": (latest or 0) + 1})
            await conn.execute(
                "INSERT INTO sop_versions (sop_id, version, digest, source_sha256, definition,"
                " origin) VALUES ($1, $2, $3, $4, $5, $6)",
                stored.id,
                stored.version,
                digest,
                sha,
                json.dumps(stored.model_dump(mode="json")),
                origin,
            )
            await conn.execute("SELECT pg_notify($1, $2)", IMPORTS_CHANNEL, stored.id)
        self._latest.pop(stored.id, None)
        return Saved(stored, created=True)

    async def version(self, sop_id: str, version: int) -> SopDefinition:
        key = (sop_id, version)
        if key not in self._versions:
            row = await self._pool.fetchrow(
                "SELECT definition FROM sop_versions WHERE sop_id = $1 AND version = $2",
                sop_id,
                version,
            )
            if row is None:
                raise UnknownSop(f"{sop_id} v{version}")
            self._versions[key] = _definition(row["definition"])
        return self._versions[key]

    async def latest(self, sop_id: str) -> SopDefinition:
        version = self._latest.get(sop_id) if self._watching else None
        if version is None:
            heard = self._imports
            version = await self._pool.fetchval(
                "SELECT max(version) FROM sop_versions WHERE sop_id = $1", sop_id
            )
            if version is None:
                raise UnknownSop(sop_id)
            if self._watching and heard == self._imports:  # no import since the read
                self._latest[sop_id] = version
        return await self.version(sop_id, version)

    async def all_latest(self) -> list[SopDefinition]:
        rows = await self._pool.fetch(
            "SELECT DISTINCT ON (sop_id) sop_id, version FROM sop_versions"
            " ORDER BY sop_id, version DESC"
        )
        return [await self.version(r["sop_id"], r["version"]) for r in rows]

    async def versions(self) -> list[VersionInfo]:
        rows = await self._pool.fetch(
            "SELECT sop_id, version, definition, origin, created_at FROM sop_versions"
            " ORDER BY sop_id, version"
        )
        infos = []
        for row in rows:
            definition = _definition(row["definition"])
            infos.append(
                VersionInfo(
                    sop_id=row["sop_id"],
                    name=definition.header.name,
                    unit=definition.header.unit,
                    version=row["version"],
                    steps=len(definition.steps),
                    origin=row["origin"],
                    created_at=row["created_at"],
                )
            )
        return infos

    async def matching(self, header: Header) -> SopDefinition | None:
        """The latest version of the SOP a document with `header` revises, if there is one.

        The same SOP number is the same SOP; a revision may also get a new number, so
        otherwise the same name in the same unit is.
        """
        latest = await self.all_latest()
        if header.number:
            for definition in latest:
                if _key(definition.header.number) == _key(header.number):
                    return definition
        for definition in latest:
            theirs = definition.header
            if _key(header.name) == _key(theirs.name) and _key(header.unit) == _key(theirs.unit):
                return definition
        return None

    async def roles(self) -> dict[str, str]:
        """Every officer role any SOP version names: id -> name (public roles left out)."""
        rows = await self._pool.fetch("SELECT definition FROM sop_versions ORDER BY version")
        roles: dict[str, str] = {}
        for row in rows:
            for role in _definition(row["definition"]).roles:
                if not role.public:
                    roles[role.id] = role.name
        return dict(sorted(roles.items()))


def _definition(value: str | dict) -> SopDefinition:
    data = json.loads(value) if isinstance(value, str) else value
    return SopDefinition.model_validate(data)


def _key(text: str | None) -> str:
    return re.sub(r"[^0-9a-z]", "", (text or "").casefold())
