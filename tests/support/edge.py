"""The web app as it serves requests (its middlewares, routers, error handlers and OpenAPI
schema), on the in-memory event store with the shipped SOPs and one officer token: for tests
of the HTTP edge that need no server (httpx's ASGITransport).

    async with edge_client(max_body_bytes=4096) as (client, store):
        await client.post("/api/complaints", json=...)
        assert await store.last_position() == 0
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from alur.web import build_app
from attachments import AttachmentIntake, DirectoryFiles
from cases import EventStore, GroupCommit, InMemoryEventStore
from office import OfficeConfig
from privacy import PersonalDataKeys
from runtime.clock import Clock, SystemClock
from runtime.http import dependencies
from runtime.http.auth import Authenticator, BearerTokens
from runtime.http.csrf import CsrfTokens
from runtime.settings import AlurSettings
from runtime.throttle import Throttle
from services.intake.casework import CaseWork
from services.intake.intake import ComplaintIntake
from services.intake.tracking import TrackingNumbers
from sop.actions import Officer
from sop.definition import SopDefinition
from sop.engine import SopEngine
from sop.registry import SopRegistry, UnknownSop, shipped_definitions

OFFICER_TOKEN = "token-satpam"
SATPAM = Officer(id="satpam-edge", name="Satpam Edge", roles=frozenset({"satpam"}))
OFFICER = {"Authorization": f"Bearer {OFFICER_TOKEN}"}
VISIT_SOP = "pelayanan-satu-pintu-dinkes-muba"
COMPLAINT_SOP = "pengaduan-masyarakat-dinkes-muba"
COMPLAINT: dict[str, Any] = {
    "channel": "web",
    "reporter": {"name": "Siti Aminah", "email": "siti@example.id", "phone": "+6281234567890"},
    "subject": "Obat habis di Puskesmas",
    "description": "Obat hipertensi di Puskesmas habis sejak seminggu.",
}


class Directory:
    """Officers by token: one satpam (who may open a visit)."""

    async def by_token(self, token: str) -> Officer | None:
        return SATPAM if token == OFFICER_TOKEN else None


class Unthrottled:
    """A throttle that admits everything (the limits themselves are tested on PostgreSQL)."""

    async def admit(self, *_: Any) -> bool:
        return True

    async def locked_for(self, *_: Any) -> None:
        return None

    async def failed(self, *_: Any) -> None:
        return None

    async def succeeded(self, *_: Any) -> None:
        return None


class ShippedSops:
    """The shipped SOP definitions, as the registry serves their latest versions."""

    def __init__(self) -> None:
        self.sops = {d.id: d for _, d in shipped_definitions()}

    async def latest(self, sop_id: str) -> SopDefinition:
        try:
            return self.sops[sop_id]
        except KeyError:
            raise UnknownSop(sop_id) from None

    async def all_latest(self) -> list[SopDefinition]:
        return list(self.sops.values())


# The edge's data keys (in memory): tests reveal what the edge sealed with them.
KEYS = PersonalDataKeys.in_memory()


@dataclass(frozen=True)
class EdgeDependencies:
    settings: AlurSettings
    office: OfficeConfig
    time_zone: ZoneInfo
    clock: Clock
    store: EventStore
    registry: SopRegistry
    authenticator: Authenticator
    throttle: Throttle
    csrf: CsrfTokens
    keys: PersonalDataKeys
    intake: ComplaintIntake
    casework: CaseWork
    attachments: AttachmentIntake


@asynccontextmanager
async def edge_client(
    **settings: Any,
) -> AsyncIterator[tuple[httpx.AsyncClient, InMemoryEventStore]]:
    """The app built with these settings (`AlurSettings` fields), a client, and its store."""
    alur = AlurSettings(**settings)
    office = alur.office()
    zone = ZoneInfo(office.time_zone)
    store = InMemoryEventStore()
    writer = GroupCommit(store, max_fact_bytes=alur.max_event_bytes)
    registry: Any = ShippedSops()
    engine = SopEngine(lambda: datetime.now(zone))
    tracking = TrackingNumbers(store, b"k" * 32)
    keys = KEYS
    files = DirectoryFiles(alur.run_dir / "edge-attachments")
    attachments = AttachmentIntake(
        files, keys, alur.attachment_max_bytes, store, writer, lambda: datetime.now(zone)
    )
    app = build_app(alur)
    dependencies.install(
        app,
        EdgeDependencies(
            settings=alur,
            office=office,
            time_zone=zone,
            clock=SystemClock(zone),
            store=store,
            registry=registry,
            authenticator=BearerTokens(Directory()),  # type: ignore[arg-type]
            throttle=Unthrottled(),  # type: ignore[arg-type]
            csrf=CsrfTokens.from_secret(b"k" * 32),
            keys=keys,
            intake=ComplaintIntake(
                writer, tracking, registry, COMPLAINT_SOP, engine, keys, attachments
            ),
            casework=CaseWork(store, writer, registry, None, engine, keys),  # type: ignore[arg-type]
            attachments=attachments,
        ),
    )
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://alur.test") as client:
            yield client, store
    finally:
        await writer.close()
