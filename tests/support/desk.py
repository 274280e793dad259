"""Cases opened and worked with the SOP engine on an event store, as the HTTP edge does it, and
the office's officers in the officer directory: for the service-layer tier (tests/service/)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cases import Change, EventStore
from events import ComplaintReceived, Envelope, Fact, Reporter, StepRecorded
from officers import OfficerDirectory
from sop.actions import ActionRequest, Officer, Refusal
from sop.definition import SopDefinition
from sop.engine import SopEngine
from sop.progress import progress
from tests.support.seed_cases import MUBA_COMPLAINTS
from tests.support.service_layer import FakeClock

PRIMA = "pelayanan-prima-bkk-palembang"
COMPLAINT = ComplaintReceived(
    tracking_number="(given when it is sent)",
    channel="web",
    reporter=Reporter(name="Siti Aminah", email="siti@example.id", phone="+6281234567890"),
    subject="Obat habis di Puskesmas",
    description="Obat hipertensi di Puskesmas habis sejak seminggu.",
)

# (officer, action[, fields]): one step of a script. The scripts of tests/support/seed_cases
# (who does what, in which order) serve here too, with the engine's officers.
Step = tuple[Any, ...]


@dataclass
class Desk:
    """Where officers open and work cases: the SOP engine decides, the store records."""

    store: EventStore
    clock: FakeClock
    sops: Mapping[str, SopDefinition]  # id -> the version cases open under
    directory: OfficerDirectory
    officers: dict[str, Officer] = field(default_factory=dict)  # id -> officer, for the engine
    engine: SopEngine = field(init=False)
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.engine = SopEngine(self.clock.now)

    async def hire(self, name: str, *roles: str, **details: str) -> Officer:
        """An officer added to the directory (`alur users add`); `details`: unit, superior
        (a name), email, phone."""
        known = {r.id for sop in self.sops.values() for r in sop.roles}
        officer, _token = await self.directory.add(name, roles, known_roles=known, **details)
        self.officers[officer.id] = officer
        return officer

    async def complaint(self, category: str | None = None, **changes: Any) -> uuid.UUID:
        """A complaint the reporter sent through the web form (COMPLAINT with `changes`): the
        case waits at step 2."""
        number = f"ADU-{self.clock.now().year}-{next(self._numbers):06d}"
        received = COMPLAINT.model_copy(
            update={"tracking_number": number, "category": category, **changes}
        )
        opened = self.engine.open(
            self.sops[MUBA_COMPLAINTS],
            None,
            received.model_dump(mode="json"),
            event_type=ComplaintReceived.type,
            schema_version=ComplaintReceived.schema_version,
        )
        return await self._open(opened)

    async def open(self, sop_id: str, by: Officer) -> uuid.UUID:
        """A case an officer opens under the SOP (its first step done, with its documents)."""
        sop = self.sops[sop_id]
        first = sop.step(1)
        done = StepRecorded(activity=first.activity, documents=list(first.documents))
        return await self._open(self.engine.open(sop, by, done.model_dump(mode="json")))

    async def act(
        self, case_id: uuid.UUID, by: Officer, action: str, **fields: Any
    ) -> list[Envelope]:
        """Do `action` on the case (with the documents its waiting step requires unless
        `fields` name others); the events recorded. The engine must allow it."""
        case = await self.store.load(case_id)
        sop = self._sop_of(case.history)
        waiting = progress(sop, case.history).waiting_at
        documents = sop.step(waiting).documents if isinstance(waiting, int) else []
        request = ActionRequest(
            action=action, documents=fields.pop("documents", documents), **fields
        )
        decided = self.engine.decide(sop, case.history, by, request, directory=self.officers)
        assert not isinstance(decided, Refusal), decided
        for fact in decided:
            case.record(fact)
        (recorded,) = await self.store.commit(Change(case.collect_events()))
        return recorded

    async def work(self, case_id: uuid.UUID, steps: Sequence[Step]) -> list[Envelope]:
        """Do the steps in order; every event recorded."""
        recorded = []
        for officer, action, *fields in steps:
            recorded += await self.act(case_id, officer, action, **(fields[0] if fields else {}))
        return recorded

    async def history(self, case_id: uuid.UUID) -> list[Fact]:
        return list((await self.store.load(case_id)).history)

    async def types(self, case_id: uuid.UUID) -> list[str]:
        """The types of the case's events, in order."""
        return [f.type for f in await self.history(case_id)]

    async def _open(self, opened: Fact | Refusal) -> uuid.UUID:
        assert isinstance(opened, Fact), opened
        case_id = uuid.uuid4()
        await self.store.commit(self.store.opening(case_id, opened))
        return case_id

    def _sop_of(self, history: Sequence[Fact]) -> SopDefinition:
        ref = history[0].sop
        assert ref is not None
        return self.sops[ref.id]
