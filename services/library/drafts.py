"""Imported SOP documents waiting for confirmation (table `sop_drafts`).

An upload is read and drafted the way `alur sop import` drafts it (as a revision of the SOP it
matches), then kept here, not in the registry: nothing becomes a version cases open under until
an administrator confirms the draft, which saves it through the SOP registry. A draft is
confirmed once; its row then names the version it became.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg
import structlog

from runtime.database import create_once
from sop.definition import SopDefinition, SourceDocument
from sop.importer import draft_definition, read_bytes, summary
from sop.registry import SopRegistry, check_events

log = structlog.get_logger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS sop_drafts (
    id uuid PRIMARY KEY,
    sop_id text NOT NULL,
    definition jsonb NOT NULL,
    warnings jsonb NOT NULL,
    filename text NOT NULL,
    source_sha256 text NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    confirmed_by text,
    confirmed_at timestamptz,
    confirmed_version integer
);
"""


@dataclass(frozen=True)
class Draft:
    id: uuid.UUID
    definition: SopDefinition
    warnings: list[str]
    filename: str
    uploaded_by: str
    uploaded_at: datetime
    confirmed_by: str | None
    confirmed_version: int | None
    revises: int | None  # the SOP's latest version now, if it has one


@dataclass(frozen=True)
class SopDrafts:
    pool: asyncpg.Pool
    registry: SopRegistry

    async def create(self) -> None:
        async with self.pool.acquire() as conn:
            await create_once(conn, "sop_drafts", SCHEMA)

    async def upload(self, data: bytes, filename: str, officer_id: str) -> Draft:
        """Read and draft a document; raises UnreadableDocument or InvalidDefinition."""
        document = read_bytes(data, source=filename)
        source = SourceDocument(file=filename, sha256=hashlib.sha256(data).hexdigest())
        first, warnings = draft_definition(document, None)
        previous = await self.registry.matching(first.header)
        definition, warnings = (
            draft_definition(document, previous) if previous else (first, warnings)
        )
        definition = definition.model_copy(update={"source": source})
        check_events(definition)
        report = summary(document, definition)
        warnings = list(dict.fromkeys([*report["warnings"], *warnings]))
        draft_id = uuid.uuid4()
        await self.create()
        await self.pool.execute(
            "INSERT INTO sop_drafts (id, sop_id, definition, warnings, filename, source_sha256,"
            " uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            draft_id,
            definition.id,
            json.dumps(definition.model_dump(mode="json")),
            json.dumps(warnings),
            filename,
            source.sha256,
            officer_id,
        )
        log.info("sop_draft_uploaded", draft_id=str(draft_id), sop=definition.id)
        found = await self.find(draft_id)
        assert found is not None
        return found

    async def find(self, draft_id: uuid.UUID) -> Draft | None:
        await self.create()
        row = await self.pool.fetchrow("SELECT * FROM sop_drafts WHERE id = $1", draft_id)
        return await self._draft(row) if row else None

    async def pending(self) -> list[Draft]:
        await self.create()
        rows = await self.pool.fetch(
            "SELECT * FROM sop_drafts WHERE confirmed_at IS NULL ORDER BY uploaded_at DESC"
        )
        return [await self._draft(r) for r in rows]

    async def confirm(self, draft: Draft, officer_id: str) -> SopDefinition | None:
        """Save the draft as the SOP's next version (None: it was confirmed already)."""
        async with self.pool.acquire() as conn, conn.transaction():
            claimed = await conn.fetchval(
                "UPDATE sop_drafts SET confirmed_by = $2, confirmed_at = now()"
                " WHERE id = $1 AND confirmed_at IS NULL RETURNING id",
                draft.id,
                officer_id,
            )
            if claimed is None:
                return None
            saved = await self.registry.save(
                draft.definition, origin=f"unggahan {draft.filename} ({officer_id})"
            )
            await conn.execute(
                "UPDATE sop_drafts SET confirmed_version = $2 WHERE id = $1",
                draft.id,
                saved.definition.version,
            )
        log.info(
            "sop_draft_confirmed",
            draft_id=str(draft.id),
            sop=saved.definition.id,
            version=saved.definition.version,
            created=saved.created,
        )
        return saved.definition

    async def _draft(self, row: asyncpg.Record) -> Draft:
        definition = SopDefinition.model_validate(json.loads(row["definition"]))
        try:
            revises: int | None = (await self.registry.latest(definition.id)).version
        except LookupError:
            revises = None
        return Draft(
            id=row["id"],
            definition=definition,
            warnings=json.loads(row["warnings"]),
            filename=row["filename"],
            uploaded_by=row["uploaded_by"],
            uploaded_at=row["uploaded_at"],
            confirmed_by=row["confirmed_by"],
            confirmed_version=row["confirmed_version"],
            revises=revises,
        )
