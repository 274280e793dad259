"""Gives a waiting step of an SOP's disposition chain to an officer, and records why.

For each case event: when the case starts waiting at a step that is in its SOP's chain and
nobody was named for it, the rules name the unit (the complaint's category, or the default), the
unit's configured assignees or else its officers who can do the step are ordered by the unit's
strategy (round robin or least loaded), and the first one present — or the acting official
(Plt) standing in for them that day — gets it: `CaseRouted`, appended once per triggering event
(causation id `routing:{event_id}`) after re-reading the case, so an officer who acted at the
same moment wins.

The router is a consumer of the consumer framework (runtime/consumer.py): its state (its
watermarks, open assignments, turns) is written in one PostgreSQL transaction per batch; the
case store append happens inside it, so a redelivery after a crash re-decides and the store's
causation check records nothing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

import asyncpg
import structlog

from cases import CaseConflict, CaseNotFound, Change, EventStore
from events import CATALOG, Actor, ComplaintReceived, Envelope, Fact, SopRef
from events.routing import CaseRouted
from office import OfficeConfig
from office.org_chart import OrgChart
from office.routing_rules import RoutingRules, Target, unit_key
from officers import OfficerDirectory
from runtime.clock import Clock
from runtime.consumer import AfterCommit, event_ids
from runtime.watermarks import CONSUMERS
from services.routing import choice, workload
from sop.actions import Officer
from sop.definition import SopDefinition, Step
from sop.progress import progress
from sop.registry import SopRegistry, UnknownSop, shipped_definitions
from sop.roles import acting_role, recording_roles

log = structlog.get_logger(__name__)

ACTOR = Actor(id="routing", role="sistem")


@dataclass(frozen=True)
class Pick:
    assignee: Officer
    stands_in_for: Officer | None
    why: str  # how the officer was chosen, in Bahasa Indonesia


async def check_rules(office: OfficeConfig, registry: SopRegistry) -> None:
    """Stop with a clear message if the routing chains name SOPs or steps that do not exist."""
    sops: dict[str, SopDefinition] = {d.id: d for _, d in shipped_definitions()}
    sops.update({d.id: d for d in await registry.all_latest()})
    problems = office.routing.problems(sops)
    if problems:
        raise SystemExit("routing rules: " + "; ".join(problems))


@dataclass(frozen=True)
class Router:
    # Before the watermarks, the worker listed the events it applied here.
    watermarks = CONSUMERS.of("routing", replaces="routing_applied_events")

    store: EventStore
    registry: SopRegistry
    directory: OfficerDirectory
    rules: RoutingRules
    org_chart: OrgChart
    clock: Clock

    async def create(self, conn: asyncpg.Connection) -> None:
        await workload.create(conn)

    async def apply(
        self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]
    ) -> Sequence[AfterCommit]:
        await self.clock.refresh()  # a simulated clock may have moved since the last batch
        routed: list[Envelope] = []
        for envelope in envelopes:
            await workload.follow(conn, envelope)
            recorded = await self._route(conn, envelope)
            if recorded is not None:
                routed.append(recorded)
        return [partial(_log_routed, routed)] if routed else ()

    # -- deciding --------------------------------------------------------------------------

    async def _route(self, conn: asyncpg.Connection, envelope: Envelope) -> Envelope | None:
        ref = envelope.sop
        if ref is None or ref.step is None or ref.next_step is None:
            return None  # not a step, or the case closed
        if not ref.next_step.isdigit() or envelope.payload.get("assignee"):
            return None  # the closing action, or the officer named who does the next step
        step_number = int(ref.next_step)
        if self.rules.chain_step(ref.id, step_number) is None:
            return None
        context = event_ids(envelope)
        try:
            sop = await self.registry.version(ref.id, ref.version)
        except UnknownSop:
            log.warning("routing_unknown_sop", sop=ref.id, version=ref.version, **context)
            return None
        if step_number not in {s.number for s in sop.steps}:
            log.warning("routing_step_not_in_version", step=step_number, **context)
            return None
        history = await self._history(envelope.case_id)
        if history is None or not _waits_unassigned(sop, history, step_number):
            return None
        step = sop.step(step_number)
        target = self.rules.target(ref.id, step_number, _category(history))
        if target is None:
            log.info("routing_no_rule", step=step_number, **context)
            return None
        pick = await self._pick(conn, sop, step, target)
        if pick is None:
            log.info(
                "routing_no_officer",
                step=step_number,
                unit=target.unit,
                rule=target.rule,
                reason="no officer of the unit (or configured assignee) can do the step today",
                **context,
            )
            return None
        fact = self._fact(envelope, sop, step, target, pick)
        recorded = await self._record(envelope.case_id, sop, step_number, fact, context)
        if recorded is None:
            return None
        await workload.assign(
            conn, envelope.case_id, str(step_number), pick.assignee.id, recorded.position
        )
        if target.strategy == "round_robin":
            await workload.take_turn(conn, unit_key(target.unit), _role_key(sop, step))
        return recorded

    async def _history(self, case_id: uuid.UUID) -> list[Fact] | None:
        try:
            return list((await self.store.load(case_id)).history)
        except CaseNotFound:
            return None

    async def _pick(
        self, conn: asyncpg.Connection, sop: SopDefinition, step: Step, target: Target
    ) -> Pick | None:
        if target.assignees:
            named = await self.directory.by_ids(target.assignees)
            candidates = [
                named[i] for i in target.assignees if i in named and _can_do(sop, step, named[i])
            ]
            how = "petugas yang ditetapkan untuk unit itu"
        else:
            candidates = await self._unit_officers(sop, step, target.unit)
            how = ""
        if not candidates:
            return None
        ids = [c.id for c in candidates]
        who = how or "petugas unit itu"
        if target.strategy == "least_loaded":
            load = await workload.load(conn, ids)
            order = choice.by_load(ids, load)

            def reason(o: Officer) -> str:
                return (
                    f"{who}: {o.name} memegang paling sedikit langkah terbuka"
                    f" ({load.get(o.id, 0)}) di antara {len(ids)} petugas"
                )
        else:
            turn = await workload.turn(conn, unit_key(target.unit), _role_key(sop, step))
            order = choice.in_turn(ids, turn)

            def reason(o: Officer) -> str:
                return f"{who}: giliran {o.name} (bergilir di antara {len(ids)} petugas)"

        by_id = {c.id: c for c in candidates}
        today = self.clock.now().date()
        for official_id in order:
            pick = await self._present(sop, step, by_id[official_id], today)
            if pick is not None:
                return Pick(pick.assignee, pick.stands_in_for, reason(by_id[official_id]))
        return None

    async def _unit_officers(self, sop: SopDefinition, step: Step, unit: str) -> list[Officer]:
        found: dict[str, Officer] = {}
        for role, _public in recording_roles(sop, step):
            for officer in await self.directory.holding(role):
                if officer.unit and unit_key(officer.unit) == unit_key(unit):
                    found[officer.id] = officer
        return [found[i] for i in sorted(found)]

    async def _present(
        self, sop: SopDefinition, step: Step, official: Officer, today: date
    ) -> Pick | None:
        """The official, or the acting official (Plt) who stands in for them today."""
        acting_id, replaced = self.org_chart.stand_in(official.id, today)
        if replaced is None:
            return Pick(official, None, "")
        acting = (await self.directory.by_ids([acting_id])).get(acting_id)
        if acting is None or not _can_do(sop, step, acting):
            log.warning(
                "routing_stand_in_ineligible",
                official=official.id,
                acting=acting_id,
                reason="unknown officer" if acting is None else "does not hold the step's role",
            )
            return None
        return Pick(acting, official, "")

    def _fact(
        self, envelope: Envelope, sop: SopDefinition, step: Step, target: Target, pick: Pick
    ) -> Fact:
        reason = f"{_capitalised(target.why)}; {pick.why}."
        if pick.stands_in_for is not None:
            plt = self.org_chart.acting_for(pick.stands_in_for.id, self.clock.now().date())
            reason += (
                f" {pick.assignee.name} menjabat Plt menggantikan {pick.stands_in_for.name}"
                + (f" ({plt.reason})" if plt is not None and plt.reason else "")
                + (f" sampai {plt.last_day:%d-%m-%Y}" if plt is not None else "")
                + "."
            )
        payload = CaseRouted(
            step=str(step.number),
            unit=target.unit,
            assignee=pick.assignee.id,
            rule=target.rule,
            reason=reason,
            stands_in_for=pick.stands_in_for.id if pick.stands_in_for else None,
        )
        return Fact(
            event_id=uuid.uuid4(),
            type=CaseRouted.type,
            schema_version=CaseRouted.schema_version,
            case_type=sop.case_type,
            occurred_at=self.clock.now(),
            actor=ACTOR,
            sop=SopRef(id=sop.id, version=sop.version, step=None, next_step=str(step.number)),
            causation_id=f"routing:{envelope.event_id}",
            payload=payload.model_dump(mode="json"),
        )

    async def _record(
        self,
        case_id: uuid.UUID,
        sop: SopDefinition,
        step_number: int,
        fact: Fact,
        context: dict[str, str],
    ) -> Envelope | None:
        """Append the fact if the case still waits, unassigned, at the step; retry once."""
        for attempt in (1, 2):
            try:
                return await _append_if_waiting(self.store, case_id, sop, step_number, fact)
            except CaseConflict:
                log.info("routing_conflict", attempt=attempt, **context)
            except _Overtaken:
                log.info("routing_overtaken", step=step_number, **context)
                return None
        log.info("routing_skipped_after_conflicts", step=step_number, **context)
        return None


def _log_routed(routed: list[Envelope]) -> None:
    for envelope in routed:
        payload = CATALOG.payload(envelope, CaseRouted)
        log.info(
            "case_routed",
            step=payload.step,
            unit=payload.unit,
            assignee=payload.assignee,
            stands_in_for=payload.stands_in_for,
            rule=payload.rule,
            **event_ids(envelope),
        )


class _Overtaken(Exception):
    """The case no longer waits, unassigned, at the step (an officer acted first)."""


async def _append_if_waiting(
    store: EventStore, case_id: uuid.UUID, sop: SopDefinition, step_number: int, fact: Fact
) -> Envelope | None:
    """Read the case, check it still waits unassigned at the step, append.

    Like `EventStore.record_once`, plus the check on the same read: an officer who acts after
    the read makes the append a `CaseConflict`. None if the fact's cause was recorded before.
    """
    case = await store.load(case_id)
    if any(earlier.causation_id == fact.causation_id for earlier in case.history):
        return None
    if not _waits_unassigned(sop, case.history, step_number):
        raise _Overtaken
    case.record(fact)
    return (await store.commit(Change(case.collect_events())))[0][0]


def _waits_unassigned(sop: SopDefinition, history: Sequence[Fact], step_number: int) -> bool:
    state = progress(sop, history)
    return state.waiting_at == step_number and state.assignee is None


def _category(history: Sequence[Fact]) -> str | None:
    return next(
        (f.payload.get("category") for f in history if f.type == ComplaintReceived.type), None
    )


def _can_do(sop: SopDefinition, step: Step, officer: Officer) -> bool:
    return acting_role(sop, step, officer) is not None


def _role_key(sop: SopDefinition, step: Step) -> str:
    return "+".join(sorted({role for role, _ in recording_roles(sop, step)}))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
