"""The seeded fault injector: one fault at a time, spread over the run. After each, a probe
complaint is followed through every consumer: the time from the fault's end until it is
through is the recovery time.

Faults: SIGKILL a worker (each kind several times, then started again), restart Kafka (a
clean stop or a SIGKILL), restart PostgreSQL (fast shutdown), SIGSTOP a consumer past its
session timeout then SIGCONT, poison straight onto the topics, bad and oversized requests to
the web.
"""

from __future__ import annotations

import asyncio
import random
import signal
import time
from dataclasses import dataclass, field

import asyncpg

from runtime.kafka import GROUP_TIMEOUTS_MS
from soak import edge, lag, poison
from soak.client import Api
from soak.ledger import Ledger, Request, Window
from soak.probe import PROBE, Probe, probe
from soak.say import say
from soak.session import Session
from soak.system import CONSUMER_WORKERS, INSTANCES, NAMESPACE

PAUSE_SECONDS = GROUP_TIMEOUTS_MS["session_timeout_ms"] / 1000 + 4
PROBE_SECONDS = 120  # a probe not through every consumer by then: not recovered


@dataclass(frozen=True)
class Fault:
    kind: str  # kill, kafka, postgres, pause, poison, edge
    target: str = ""  # the worker, or how Kafka stops

    @property
    def name(self) -> str:
        return f"{self.kind} {self.target}".strip()


def schedule(rng: random.Random, minutes: float) -> list[Fault]:
    """The run's faults in a seeded order: every worker kind killed `kills` times (3 in a run
    of 10 minutes, fewer in a short one), and each other fault once (twice from 10 minutes)."""
    kills = 1 if minutes < 4 else 2 if minutes < 8 else 3
    rounds = 1 if minutes < 8 else 2
    faults = [
        Fault("kill", "web" if kind == "web" else f"{kind}-{rng.randint(1, INSTANCES)}")
        for kind in ("web", *CONSUMER_WORKERS)
        for _ in range(kills)
    ]
    for _ in range(rounds):
        faults += [
            Fault("kafka", rng.choice(["stop", "kill"])),
            Fault("postgres", "fast"),
            Fault("pause", f"{rng.choice(CONSUMER_WORKERS)}-{rng.randint(1, INSTANCES)}"),
            Fault("poison"),
            Fault("edge"),
        ]
    rng.shuffle(faults)
    return faults


@dataclass
class Recovery:
    fault: Fault
    window: Window
    probe: Probe
    error: str | None = None  # why the fault could not be injected

    @property
    def seconds(self) -> float | None:
        """From the fault's end until every consumer group consumed what was on the topics
        then, and a new complaint went through every consumer."""
        if self.window.recovered is None or self.window.healed is None:
            return None
        return self.window.recovered - self.window.healed


@dataclass
class Injector:
    session: Session
    api: Api
    pool: asyncpg.Pool
    ledger: Ledger
    rng: random.Random
    officer_token: str
    visit_sop: str
    poisons: list[poison.Poison] = field(default_factory=list)
    edge: edge.EdgeReport = field(default_factory=edge.EdgeReport)
    recoveries: list[Recovery] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # faults there was no time left for

    async def run(self, faults: list[Fault], until: float) -> None:
        """Inject `faults` one after the other, evenly spread until `until` (monotonic); what
        did not fit in the time is left out (and said)."""
        for i, fault in enumerate(faults):
            if time.monotonic() >= until:
                self.skipped = [f.name for f in faults[i:]]
                return
            slot = (until - time.monotonic()) / (len(faults) - i)
            begun = time.monotonic()
            recovery = await self.inject(fault)
            seconds = recovery.seconds
            say(
                f"{fault.name}: "
                + (f"recovered in {seconds:.1f} s" if seconds is not None else "NOT recovered")
                + (f" (could not inject: {recovery.error})" if recovery.error else "")
            )
            rest = slot - (time.monotonic() - begun)
            await asyncio.sleep(max(0.0, min(rest, until - time.monotonic())))

    async def inject(self, fault: Fault) -> Recovery:
        window = Window(fault.name, time.monotonic())
        self.ledger.windows.append(window)
        error = None
        try:
            await getattr(self, f"_{fault.kind}")(fault.target)
        except Exception as failed:  # noqa: BLE001 - the soak's own trouble: reported, run goes on
            error = repr(failed)
        window.healed = time.monotonic()
        deadline = window.healed + PROBE_SECONDS
        kafka = self.session.servers.kafka
        targets = await lag.targets_now(kafka, deadline)
        followed, consumed = await asyncio.gather(
            probe(self.api, self.pool, within=PROBE_SECONDS),
            lag.until_consumed(kafka, targets, deadline) if targets else _never(),
        )
        if followed.case_id is not None:
            self.ledger.accepted.append(_probe_request(followed))
        if followed.seconds is not None and consumed is not None:
            window.recovered = max(followed.started + followed.seconds, consumed)
        recovery = Recovery(fault, window, followed, error)
        self.recoveries.append(recovery)
        return recovery

    async def _kill(self, worker: str) -> None:
        self.session.system.signal(worker, signal.SIGKILL)
        await asyncio.sleep(self.rng.uniform(0.5, 3.0))
        self.session.system.launch(worker)

    async def _kafka(self, how: str) -> None:
        servers = self.session.servers
        if how == "kill":
            await asyncio.to_thread(servers.kill_kafka)
        else:
            await asyncio.to_thread(servers.kafka_broker, "stop")
        await asyncio.sleep(self.rng.uniform(2.0, 8.0))
        await asyncio.to_thread(servers.kafka_broker, "start")

    async def _postgres(self, _: str) -> None:
        servers = self.session.servers
        await asyncio.to_thread(servers.postgres, "stop")  # pg_ctl stop -m fast
        await asyncio.sleep(self.rng.uniform(1.0, 4.0))
        await asyncio.to_thread(servers.postgres, "start")

    async def _pause(self, worker: str) -> None:
        system = self.session.system
        system.signal(worker, signal.SIGSTOP)
        await asyncio.sleep(PAUSE_SECONDS)  # past its consumer-group session
        system.signal(worker, signal.SIGCONT)

    async def _poison(self, _: str) -> None:
        servers = self.session.servers
        self.poisons += await poison.inject(servers.kafka, NAMESPACE, self.rng)

    async def _edge(self, _: str) -> None:
        await edge.send_all(self.api, self.officer_token, self.visit_sop, self.edge)


async def _never() -> None:
    return None


def _probe_request(followed: Probe) -> Request:
    return Request(
        "probe",
        followed.case_id,
        followed.request_id,
        (),
        201,
        followed.started,
        followed.accepted_after or 0.0,
    )


__all__ = ["PROBE", "Fault", "Injector", "Recovery", "schedule"]
