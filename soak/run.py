"""One soak: the office's load and the seeded faults for SOAK_MINUTES, then the system settles
and every invariant is checked (soak/__main__.py prints the table)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import asyncpg

from office import load_office
from soak import calendar_walk, checks_effects, checks_pipeline, read_models
from soak.client import Api
from soak.evidence import gather
from soak.faults import Injector, schedule
from soak.ledger import Ledger
from soak.office import Office
from soak.report import FAIL, Row
from soak.run_rows import run_rows
from soak.say import say
from soak.session import Session
from soak.settle import settle
from soak.staff import hire

# The SOP each kind of case the office opens runs under (the loaded seed SOPs).
SOPS = {
    "muba": "pengaduan-masyarakat-dinkes-muba",
    "jambi": "pengaduan-masyarakat-dinkes-jambi",
    "visit": "pelayanan-satu-pintu-dinkes-muba",
    "service": "pelayanan-prima-bkk-palembang",
}


@dataclass(frozen=True)
class Settings:
    minutes: float
    seed: int
    rate: float  # write requests per second the office aims at
    desks: int = 4  # officers working at once


@dataclass
class Outcome:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


async def soak(session: Session, settings: Settings) -> Outcome:
    outcome = Outcome()
    rng = random.Random(settings.seed)
    system = session.system
    api = Api(system.base_url)
    pool = await asyncpg.create_pool(system.database_url, min_size=0, max_size=4)
    supervisor = asyncio.create_task(_supervise(session))
    try:
        say("hiring the office's officers (alur users add)")
        staff = await hire(system.database_url)
        api.administrator = staff.holding("administrator")[0].token
        loaded = {s["id"] for s in (await api.sops()).body}
        if loaded - set(SOPS.values()):
            outcome.notes.append(
                f"SOPs loaded that the office does not work: {loaded - set(SOPS.values())}"
            )
        office_config = load_office(None)
        start, holiday, name = calendar_walk.start_moment(
            office_config, await calendar_walk.now(api)
        )
        await calendar_walk.go_to(api, start)
        ledger = Ledger()
        office = Office(api, staff, ledger, rng, SOPS)
        satpam = staff.holding("satpam")[0].token
        injector = Injector(
            session, api, pool, ledger, random.Random(rng.random()), satpam, SOPS["visit"]
        )
        faults = schedule(random.Random(settings.seed), settings.minutes)
        begun = time.monotonic()
        until = begun + settings.minutes * 60
        say(f"office open for {settings.minutes:g} min; {len(faults)} faults to inject")
        span = max(
            holiday - start.date() + timedelta(days=2), timedelta(days=1.5 * settings.minutes)
        )
        work = [office.desk(settings.desks / settings.rate, until) for _ in range(settings.desks)]
        steps, *_ = await asyncio.gather(
            calendar_walk.walk(api, random.Random(rng.random()), span, until),
            injector.run(faults, until),
            *work,
        )
        finished = await calendar_walk.now(api)
        outcome.notes += [
            f"simulated clock {start:%a %d %b %Y %H:%M} → {finished:%a %d %b %Y %H:%M}"
            f" ({steps} steps; crosses {name}, {holiday:%a %d %b})",
            f"{len(office.open) + office.closed} cases opened or worked, {office.closed} closed,"
            f" {office.surveys} public surveys; {len(faults)} faults",
            "complaints by channel: "
            + ", ".join(f"{c} {n}" for c, n in sorted(office.channels.items())),
            "accepted requests: "
            + ", ".join(
                f"{k} {n}" for k, n in sorted(Counter(r.kind for r in ledger.accepted).items())
            ),
            f"actions: {sum(office.actions.values())} of {len(office.actions)} kinds;"
            f" drafts sent back {office.returned}, clocks stopped"
            f" {office.actions['suspend_clock']} / started {office.actions['resume_clock']}",
        ]
        tainted = injector.edge.tainted
        say("load and faults done; waiting for the system to settle")
        waiting = await settle(system.database_url, tainted, within=240)
        # No timer may fire while the read models are compared: stop the SLA workers.
        cutoff = await calendar_walk.now(api) - timedelta(seconds=5)
        system.stop(system.of_kind("sla"))
        waiting = await settle(system.database_url, tainted, within=120) or waiting
        if waiting:
            outcome.notes.append(f"not settled: {'; '.join(waiting)}")
        say("checking the invariants")
        servers = session.servers
        evidence = await gather(
            system.database_url, servers.kafka, session.mailbox, session.gateway, cutoff
        )
        pointers = checks_pipeline.relay_pointers(evidence)
        excluded = tainted | set(pointers.values())
        outcome.rows += checks_pipeline.requests_stored(ledger, evidence)
        outcome.rows += checks_pipeline.stored_on_kafka(evidence, pointers, tainted)
        outcome.rows.append(checks_pipeline.consumers_caught_up(evidence, excluded))
        outcome.rows += await read_models.compare_with_replay(system.database_url, excluded)
        outcome.rows.append(await asyncio.to_thread(read_models.audit_verify, system.database_url))
        outcome.rows += checks_effects.notifications(evidence)
        outcome.rows += checks_effects.timers(evidence)
        outcome.rows += checks_pipeline.dead_letters(evidence, injector.poisons, tainted)
        outcome.rows += run_rows(ledger, injector, system)
        if office.errors:
            first = office.errors[0]
            outcome.rows.append(Row("the soak's own errors", "0", first[:90], FAIL, first))
        return outcome
    finally:
        supervisor.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await supervisor
        await pool.close()
        await api.close()


async def _supervise(session: Session) -> None:
    while True:
        session.system.supervise()
        await asyncio.sleep(0.5)
