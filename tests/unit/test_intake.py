"""Receiving a complaint, against the in-memory event store: the SOP engine decides once, a
number is taken only then, and its record is stored with the case's first event."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cases import GroupCommit, InMemoryEventStore
from privacy import PersonalDataKeys
from services.intake.intake import ComplaintIntake
from services.intake.submission import ComplaintSubmission
from services.intake.tracking import TrackingNumbers, case_id_for
from sop.actions import Officer, Refusal
from sop.definition import SopDefinition
from sop.engine import SopEngine
from sop.registry import shipped_definitions

COMPLAINT_SOP = "pengaduan-masyarakat-dinkes-muba"
SOPS = {definition.id: definition for _, definition in shipped_definitions()}
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
SUBMISSION = ComplaintSubmission(
    channel="web",
    reporter={"name": "Siti Aminah", "email": "siti@example.id"},
    subject="Obat habis di Puskesmas",
    description="Obat hipertensi di Puskesmas habis sejak seminggu.",
)
# Holds no role of the complaint SOP's first step.
VISITOR = Officer(id="tamu", name="Tamu", roles=frozenset({"kepala_dinas"}))


class _Registry:
    """The shipped SOPs as the registry's latest versions."""

    async def latest(self, sop_id: str) -> SopDefinition:
        return SOPS[sop_id]


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore()


def _intake(store: InMemoryEventStore) -> ComplaintIntake:
    tracking = TrackingNumbers(store, b"kunci-rahasia")
    return ComplaintIntake(
        GroupCommit(store),
        tracking,
        _Registry(),
        COMPLAINT_SOP,
        SopEngine(lambda: NOW),
        PersonalDataKeys.in_memory(),
    )  # type: ignore[arg-type]


async def test_a_complaint_s_number_and_pin_find_the_case_it_opened(
    store: InMemoryEventStore,
) -> None:
    intake = _intake(store)
    receipt = await intake.receive(SUBMISSION, request_id="http:1")
    assert not isinstance(receipt, Refusal)
    assert receipt.tracking_number == "ADU-2026-000001"
    assert receipt.case_id == case_id_for(receipt.tracking_number)
    assert await intake.tracking.verify(receipt.tracking_number, receipt.pin) == receipt.case_id
    wrong = "000000" if receipt.pin != "000000" else "111111"
    assert await intake.tracking.verify(receipt.tracking_number, wrong) is None

    (received,) = (await store.load(receipt.case_id)).history
    assert received.type == "ComplaintReceived"
    assert received.payload["tracking_number"] == receipt.tracking_number
    assert received.causation_id == "http:1"
    assert received.occurred_at == NOW


async def test_a_refused_complaint_takes_no_number_and_stores_nothing(
    store: InMemoryEventStore,
) -> None:
    refused = await _intake(store).receive(
        SUBMISSION, request_id="http:2", officer=VISITOR, sop=SOPS[COMPLAINT_SOP]
    )
    assert isinstance(refused, Refusal) and refused.code == "wrong_role"
    assert await store.last_position() == 0
    assert await store.next_tracking_value("ADU", 2026) == 1  # the first number is still free


async def test_the_sop_engine_is_asked_once_per_complaint(store: InMemoryEventStore) -> None:
    intake = _intake(store)
    asked = []
    may_open = intake.engine.may_open

    def counted(*args: object) -> Refusal | None:
        asked.append(args)
        return may_open(*args)  # type: ignore[arg-type]

    intake.engine.may_open = counted  # type: ignore[method-assign]
    await intake.receive(SUBMISSION, request_id="http:3")
    assert len(asked) == 1
