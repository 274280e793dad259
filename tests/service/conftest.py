"""The service-layer tier: the real consumers (routing, SLA timers, notifier) driven through the
real consumer framework on FastStream's in-memory broker, cases on the in-memory event store,
the consumers' own tables in a private PostgreSQL schema per test, time on a fake clock.

No Kafka, no worker process, no fresh database: each test takes milliseconds. What these tests
prove is the services' decisions and the framework's claim/apply/dead-letter logic; what Kafka
itself does (ordering per partition, redelivery after a crash, rejoining after a broker restart)
is proven only against the real broker (tests/test_delivery.py, test_kafka_outage.py,
test_sla_timer_crashes.py, test_routing.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from cases import EventStore, InMemoryEventStore
from office import OfficeConfig
from officers import OfficerDirectory
from services.routing.router import Router
from sop.actions import Officer
from sop.registry import SopRegistry
from tests.support.desk import Desk
from tests.support.service_layer import FakeClock, private_schema

# Monday 6 April 2026, 09.00 WIB: a working day, outside Ramadan hours and holidays.
START = datetime(2026, 4, 6, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture
async def pool() -> AsyncIterator[asyncpg.Pool]:
    """The test's own schema: the consumers' tables and the officer directory."""
    async with private_schema("alur_service") as pool:
        yield pool


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def store() -> AsyncIterator[InMemoryEventStore]:
    store = InMemoryEventStore()
    yield store
    await store.close()


@pytest.fixture(scope="session")
async def registry() -> AsyncIterator[SopRegistry]:
    """The registry with the shipped SOP definitions (version 1 each), in a schema of its own
    that every test of the tier reads (nothing changes it)."""
    async with private_schema("alur_service_sops", max_size=2) as pool:
        registry = SopRegistry(pool)
        await registry.create()
        await registry.load_shipped()
        yield registry


@pytest.fixture
async def desk(
    store: InMemoryEventStore, clock: FakeClock, registry: SopRegistry, pool: asyncpg.Pool
) -> Desk:
    directory = OfficerDirectory(pool)
    await directory.create()
    sops = {sop.id: sop for sop in await registry.all_latest()}
    return Desk(store, clock, sops, directory)


@pytest.fixture
def router_for(
    store: InMemoryEventStore, registry: SopRegistry, desk: Desk, clock: FakeClock
) -> Callable[..., Router]:
    """The router of an office's rules (on the test's event store, unless given another)."""

    def router(office: OfficeConfig, on: EventStore = store) -> Router:
        return Router(on, registry, desk.directory, office.routing, office.org_chart, clock)

    return router


@pytest.fixture
async def petugas(desk: Desk) -> Officer:
    """The complaints officer: registers, reviews and forwards complaints."""
    return await desk.hire("Petugas Pengaduan", "petugas_pengaduan")
