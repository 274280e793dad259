"""SLA timers on a simulated clock: read a case's timers, move the clock, and know when the SLA
worker has fired everything due so far.

Use them in a module with a sandbox of its own (`pytestmark = clock_sandbox(NAME)`): moving
the clock moves it for every case of the sandbox. A simulated clock runs only where the
deployment says it is a demo (`ALUR_DEMO=true`, in CLOCK_ENV), and only an administrator moves
it: `advance_to` does it with an administrator's token (`administrator`, one per sandbox).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any

import pytest

from tests.support.casework import Officer, add_officer, events_of, history, unique_name
from tests.support.sandbox import Alur
from tests.support.seed_cases import complaint
from tests.support.waiting import eventually

CLOCK_ENV = {"ALUR_CLOCK": "simulated", "ALUR_DEMO": "true", "ALUR_SLA_POLL_SECONDS": "0.2"}


def clock_sandbox(name: str, **env: str) -> pytest.MarkDecorator:
    """The mark of a module that runs its own sandbox `name` on the simulated clock (and `env`)."""
    return pytest.mark.sandbox(name, env={**CLOCK_ENV, **env})


async def timers(alur: Alur, case_id: str, kind: str = "step") -> list[dict[str, Any]]:
    """The case's timers of `kind` (a step's, or a LAPOR! clock's), in the order they started."""
    rows = await alur.sql(
        "SELECT * FROM sla_timers WHERE case_id = $1 AND kind = $2 ORDER BY started_position",
        uuid.UUID(case_id),
        kind,
    )
    return [dict(r) for r in rows]


async def timer(
    alur: Alur, case_id: str, kind: str = "step", step: str | None = None
) -> dict[str, Any]:
    """The latest timer of `kind` (of `step`, if given), once it has started."""

    async def started() -> dict[str, Any] | None:
        found = [t for t in await timers(alur, case_id, kind) if step in (None, t["step"])]
        return found[-1] if found else None

    return await eventually(started)


async def now(alur: Alur) -> datetime:
    async with alur.http() as client:
        return datetime.fromisoformat((await client.get("/api/clock")).json()["now"])


_administrators: dict[str, Officer] = {}
_hiring = asyncio.Lock()


async def administrator(alur: Alur) -> Officer:
    """The sandbox's administrator (added once, `alur users add … --role administrator`)."""
    async with _hiring:
        if alur.base_url not in _administrators:
            hired = await add_officer(alur, unique_name("administrator"), "administrator")
            _administrators[alur.base_url] = hired
    return _administrators[alur.base_url]


async def advance_to(alur: Alur, moment: datetime, extra_minutes: float = 1.0) -> None:
    """Move the simulated clock to `extra_minutes` after `moment` (never backwards), as the
    sandbox's administrator."""
    admin = await administrator(alur)
    minutes = max((moment - await now(alur)).total_seconds() / 60, 0) + extra_minutes
    async with alur.http() as client:
        response = await client.post(
            "/api/clock/advance", json={"minutes": minutes}, headers=admin.headers
        )
    assert response.status_code == 200, response.text


async def a_later_deadline_fired(alur: Alur, reader: Officer) -> None:
    """Wait until the SLA worker breaches a deadline later than every moment the clock has
    reached so far: a marker for "nothing else was due".

    The worker fires due timers pass after pass, the earliest deadline first, so once it has
    breached this new complaint's deadline it has also been through every timer due before it:
    what did not fire by then did not fire at all. (`reader` may read cases.)
    """
    case_id = (await complaint(alur))["case_id"]
    marker = await timer(alur, case_id, step="2")
    await advance_to(alur, marker["due_at"])
    await events_of(alur, case_id, reader, "SlaBreached")


SLA_EVENTS = ("SlaWarningRaised", "SlaBreached", "EscalationRaised")


async def sla_events(alur: Alur, case_id: str, reader: Officer) -> list[dict[str, Any]]:
    """The case's warnings, breaches and escalations, in the order they were recorded."""
    return [e for e in await history(alur, case_id, reader) if e["type"] in SLA_EVENTS]


async def until_raised(
    alur: Alur, case_id: str, reader: Officer, *types: str
) -> list[dict[str, Any]]:
    """The case's SLA events, once there is one of each of `types` among them."""

    async def raised() -> list[dict[str, Any]] | None:
        events = await sla_events(alur, case_id, reader)
        return events if all(any(e["type"] == t for e in events) for t in types) else None

    return await eventually(raised)
