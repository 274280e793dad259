"""The router through the consumer framework, in milliseconds: category → unit, round robin,
least loaded, configured assignees, acting officials (Plt), nobody eligible, redelivery, and an
officer who acts first. (tests/test_routing.py: the same through the worker processes.)"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime, time

import asyncpg
import pytest

from cases import Change, InMemoryEventStore
from events import CATALOG, Envelope
from events.routing import CaseRouted
from office import OfficeConfig
from services.routing.router import ACTOR, Router
from sop.actions import Officer
from tests.support.desk import Desk
from tests.support.routing_office import routing_office
from tests.support.seed_cases import to_the_team
from tests.support.service_layer import FakeClock, Line

# dr. Hadi Rujukan's acting official stands in from Monday 6 to Friday 10 April 2026.
OFFICE = OfficeConfig.model_validate(routing_office(date(2026, 4, 6), date(2026, 4, 10)))
TEAM = "tim_pengelola_pengaduan"


@pytest.fixture
async def line(
    store: InMemoryEventStore, pool: asyncpg.Pool, router_for: Callable[..., Router]
) -> AsyncIterator[Line]:
    async with Line.running(store, pool, routing=router_for(OFFICE)) as line:
        yield line


async def _at_the_team(desk: Desk, petugas: Officer, category: str) -> uuid.UUID:
    """A complaint of `category`, registered, reviewed and forwarded: it waits at step 5."""
    case_id = await desk.complaint(category)
    await desk.work(case_id, to_the_team(petugas))
    return case_id


async def _routed(desk: Desk, case_id: uuid.UUID) -> list[CaseRouted]:
    """The case's CaseRouted payloads, in order."""
    return [
        CATALOG.payload(fact, CaseRouted)
        for fact in await desk.history(case_id)
        if fact.type == CaseRouted.type
    ]


async def test_a_complaint_goes_to_its_categorys_unit_and_the_event_says_why(
    desk: Desk, line: Line, petugas: Officer
) -> None:
    ani = await desk.hire("Ani Imunisasi", TEAM, unit="Seksi Imunisasi")
    await desk.hire("Bayu Kesling", TEAM, unit="Seksi Kesling")
    case_id = await _at_the_team(desk, petugas, "imunisasi")

    forwarded = (await line.relay())[-1]

    history = await desk.history(case_id)
    routed = history[-1]
    assert routed.type == CaseRouted.type
    assert routed.actor == ACTOR
    assert routed.causation_id == f"routing:{forwarded.event_id}"
    assert (routed.sop.step, routed.sop.next_step) == (None, "5")  # type: ignore[union-attr]
    (payload,) = await _routed(desk, case_id)
    assert (payload.step, payload.unit, payload.assignee) == ("5", "Seksi Imunisasi", ani.id)
    assert payload.rule == "category:imunisasi"
    assert payload.reason == (
        "Pengaduan kategori \u201cimunisasi\u201d ditangani Seksi Imunisasi; petugas unit itu:"
        " giliran Ani Imunisasi (bergilir di antara 1 petugas)."
    )
    assert payload.stands_in_for is None


async def test_round_robin_alternates_between_the_units_two_officers(
    desk: Desk, line: Line, petugas: Officer
) -> None:
    one = await desk.hire("Kesling Satu", TEAM, unit="Seksi Kesling")
    two = await desk.hire("Kesling Dua", TEAM, unit="Seksi Kesling")
    cases = [await _at_the_team(desk, petugas, "Kesehatan Lingkungan") for _ in range(3)]

    await line.settle()

    assignees = [(await _routed(desk, case_id))[0].assignee for case_id in cases]
    assert assignees == [two.id, one.id, two.id]  # in id order: kesling-dua, kesling-satu


async def test_least_loaded_picks_the_officer_with_fewer_open_steps(
    desk: Desk, line: Line, petugas: Officer
) -> None:
    gita = await desk.hire("Gita Gizi", TEAM, unit="Seksi Gizi")
    hana = await desk.hire("Hana Gizi", TEAM, unit="Seksi Gizi")
    first = await _at_the_team(desk, petugas, "gizi")
    await line.settle()
    second = await _at_the_team(desk, petugas, "gizi")
    await line.settle()
    assert [(await _routed(desk, c))[0].assignee for c in (first, second)] == [gita.id, hana.id]
    await desk.act(second, hana, "submit_draft")  # Hana holds no open step any more, Gita one
    third = await _at_the_team(desk, petugas, "gizi")

    await line.settle()

    (payload,) = await _routed(desk, third)
    assert payload.assignee == hana.id  # round robin would have given it to Gita
    assert "Hana Gizi memegang paling sedikit langkah terbuka (0) di antara 2" in payload.reason


async def test_the_configured_assignees_get_the_step_before_the_units_officers(
    desk: Desk, line: Line, petugas: Officer
) -> None:
    await desk.hire("Fajar Farmasi", TEAM, unit="Seksi Farmasi")
    dewi = await desk.hire("Apt. Dewi Lestari", TEAM)  # in no unit
    case_id = await _at_the_team(desk, petugas, "farmasi")

    await line.settle()

    (payload,) = await _routed(desk, case_id)
    assert (payload.assignee, payload.unit) == (dewi.id, "Seksi Farmasi")
    assert "petugas yang ditetapkan untuk unit itu" in payload.reason


@pytest.mark.parametrize(
    ("day", "plt_stands_in"),
    [
        (date(2026, 4, 10), True),  # the acting official's last day
        (date(2026, 4, 13), False),  # the official is back
    ],
)
async def test_an_acting_official_stands_in_on_their_dates_and_is_named(
    desk: Desk, line: Line, petugas: Officer, clock: FakeClock, day: date, plt_stands_in: bool
) -> None:
    hadi = await desk.hire("dr. Hadi Rujukan", TEAM, unit="Seksi Rujukan")
    rina = await desk.hire("Rina Plt", TEAM)
    clock.to(datetime.combine(day, time(9), clock.now().tzinfo))
    case_id = await _at_the_team(desk, petugas, "rujukan")

    await line.settle()

    (payload,) = await _routed(desk, case_id)
    if plt_stands_in:
        assert (payload.assignee, payload.stands_in_for) == (rina.id, hadi.id)
        assert payload.reason.endswith(
            " Rina Plt menjabat Plt menggantikan dr. Hadi Rujukan (cuti tahunan) sampai 10-04-2026."
        )
    else:
        assert (payload.assignee, payload.stands_in_for) == (hadi.id, None)
        assert "Plt" not in payload.reason


async def test_with_no_eligible_officer_nothing_is_recorded(
    desk: Desk, line: Line, petugas: Officer
) -> None:
    # In the unit but without the step's role; with the role but in another unit.
    await desk.hire("Tanpa Peran", "petugas_pengaduan", unit="Seksi Tanpa Petugas")
    await desk.hire("Unit Lain", TEAM, unit="Seksi Imunisasi")
    case_id = await _at_the_team(desk, petugas, "kosong")
    forwarded = (await line.relay())[-1]

    assert await line.relay() == []

    assert forwarded.event_id in line.given("routing")
    assert await desk.types(case_id) == [
        "ComplaintReceived",
        "ComplaintRegistered",
        "ComplaintReviewed",
        "ComplaintForwardedToTeam",
    ]


async def test_a_redelivered_batch_routes_once(
    desk: Desk, line: Line, petugas: Officer, pool: asyncpg.Pool
) -> None:
    await desk.hire("Ika Imunisasi", TEAM, unit="Seksi Imunisasi")
    case_id = await _at_the_team(desk, petugas, "imunisasi")
    batch = await line.relay()
    await line.relay()  # the CaseRouted

    await line.deliver(*batch)  # Kafka delivers the batch again: the watermark skips it
    assert line.given("routing").count(batch[-1].event_id) == 1
    # The worker crashed before its watermark committed: it is given the event again, and
    # the case, already routed, is not routed twice.
    await pool.execute("DELETE FROM consumer_watermarks")
    await line.deliver(*batch)
    assert line.given("routing").count(batch[-1].event_id) == 2

    assert len(await _routed(desk, case_id)) == 1


class _OfficerFirst:
    """The event store as the router sees it: an officer acts on the case just before the
    router's first append, after the router read the case."""

    def __init__(self, store: InMemoryEventStore, officer_acts: Callable[[], Awaitable[object]]):
        self._store = store
        self._officer_acts: Callable[[], Awaitable[object]] | None = officer_acts

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    async def commit(self, *changes: Change) -> list[list[Envelope]]:
        if self._officer_acts is not None:
            acts, self._officer_acts = self._officer_acts, None
            await acts()
        return await self._store.commit(*changes)


async def test_an_officer_who_acts_first_wins_over_the_router(
    desk: Desk,
    store: InMemoryEventStore,
    pool: asyncpg.Pool,
    router_for: Callable[..., Router],
    petugas: Officer,
) -> None:
    await desk.hire("Ani Imunisasi", TEAM, unit="Seksi Imunisasi")
    joko = await desk.hire("Joko Tim", TEAM)
    case_id = await _at_the_team(desk, petugas, "imunisasi")
    racing = _OfficerFirst(store, lambda: desk.act(case_id, joko, "submit_draft"))
    router = router_for(OFFICE, on=racing)

    async with Line.running(store, pool, routing=router) as line:
        await line.relay()

    types = await desk.types(case_id)
    assert types[-1] == "DraftSubmitted"
    assert CaseRouted.type not in types


async def test_a_message_that_is_no_event_is_dead_lettered_and_the_batch_still_routes(
    desk: Desk, line: Line, petugas: Officer
) -> None:
    ani = await desk.hire("Ani Imunisasi", TEAM, unit="Seksi Imunisasi")
    case_id = await _at_the_team(desk, petugas, "imunisasi")
    events = await desk.store.read_after(0, 100)
    bodies = [("complaint", e.model_dump_json().encode()) for e in events]

    await line.publish(("complaint", b"bukan sebuah event"), *bodies)

    ((group, reason),) = line.take_dead_letters()
    assert (group, reason.split(":")[0]) == ("routing", "not an event envelope")
    (payload,) = await _routed(desk, case_id)
    assert payload.assignee == ani.id
