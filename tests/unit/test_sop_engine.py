"""The SOP engine decides, purely, what a case may do next under its SOP version."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from events import Fact
from sop.actions import ActionRequest, Officer, Refusal
from sop.definition import SopDefinition
from sop.engine import SopEngine
from sop.progress import progress
from sop.registry import check_events, shipped_definitions

SHIPPED = {d.id: d for _, d in shipped_definitions()}
MUBA = SHIPPED["pengaduan-masyarakat-dinkes-muba"]
JAMBI = SHIPPED["pengaduan-masyarakat-dinkes-jambi"]
PRIMA = SHIPPED["pelayanan-prima-bkk-palembang"]
VISIT = SHIPPED["pelayanan-satu-pintu-dinkes-muba"]

T0 = datetime(2026, 3, 17, 2, 0, tzinfo=UTC)


def officer(name: str, *roles: str, superior: str | None = None) -> Officer:
    return Officer(id=name, name=name.title(), roles=frozenset(roles), superior=superior)


@pytest.fixture
def engine() -> SopEngine:
    ids = (uuid.UUID(int=n) for n in itertools.count(1))
    return SopEngine(clock=lambda: T0, new_event_id=lambda: next(ids))


def opened(engine: SopEngine, sop: SopDefinition, by: Officer | None) -> list[Fact]:
    fact = engine.open(sop, by, {"note": "dibuka"})
    assert isinstance(fact, Fact), fact
    return [fact]


def decide(
    engine: SopEngine,
    sop: SopDefinition,
    history: list[Fact],
    by: Officer,
    action: str,
    directory: dict[str, Officer] | None = None,
    **fields: Any,
) -> list[Fact] | Refusal:
    """The engine's decision on `action` by `by`, with the documents the step the case waits at
    requires unless `fields` name others."""
    step = progress(sop, history).waiting_at
    documents = sop.step(step).documents if isinstance(step, int) else []
    request = ActionRequest(action=action, documents=fields.pop("documents", documents), **fields)
    return engine.decide(sop, history, by, request, directory=directory)


def act(
    engine: SopEngine, sop: SopDefinition, history: list[Fact], *how: Any, **fields: Any
) -> list[Fact]:
    """The history after the action (`by`, `action`, [`directory`]): it must be decided."""
    decided = decide(engine, sop, history, *how, **fields)
    assert not isinstance(decided, Refusal), decided
    return history + decided


def refusal(*how: Any, **fields: Any) -> Refusal:
    """Why the action (as `decide` takes it) is refused: it must be."""
    decided = decide(*how, **fields)
    assert isinstance(decided, Refusal), decided
    return decided


TU = officer("tu", "bagian_tata_usaha")
KEPALA_OPD = officer("opd", "kepala_opd")
KABID = officer("kabid", "kepala_bidang")
KASI = officer("kasi", "kepala_seksi")
TEKNIS = officer("teknis", "petugas_teknis")


def jambi_registered(engine: SopEngine) -> list[Fact]:
    """A Jambi complaint the TU opened and registered: the head of office disposes it next."""
    return act(engine, JAMBI, opened(engine, JAMBI, TU), TU, "register_complaint")


def jambi_at_section_review(engine: SopEngine) -> list[Fact]:
    history = jambi_registered(engine)
    history = act(engine, JAMBI, history, KEPALA_OPD, "dispose_to_head_of_division")
    history = act(engine, JAMBI, history, KABID, "dispose_to_head_of_section")
    history = act(engine, JAMBI, history, KASI, "assign_field_officer")
    history = act(engine, JAMBI, history, TEKNIS, "report_field_inspection")
    return act(engine, JAMBI, history, TEKNIS, "submit_draft")


def test_every_shipped_definition_records_only_events_of_the_contract() -> None:
    assert set(SHIPPED) == {MUBA.id, JAMBI.id, PRIMA.id, VISIT.id}
    for definition in SHIPPED.values():
        check_events(definition)


def test_a_draft_returned_for_correction_goes_back_to_the_section_head(engine: SopEngine) -> None:
    history = jambi_at_section_review(engine)
    history = act(
        engine, JAMBI, history, KASI, "review_draft_as_head_of_section", decision="setuju"
    )
    history = act(
        engine, JAMBI, history, KABID, "review_draft_as_head_of_division", decision="tidak"
    )
    assert history[-1].type == "DraftReturnedForCorrection"
    assert progress(JAMBI, history).waiting_at == 8
    allowed = engine.allowed_actions(JAMBI, history)
    assert [(a.action, a.role) for a in allowed] == [
        ("review_draft_as_head_of_section", "kepala_seksi"),
        ("suspend_clock", "kepala_seksi"),  # the step is timed: its clock may be stopped
    ]


def test_an_officer_without_the_steps_role_is_refused(engine: SopEngine) -> None:
    history = opened(engine, JAMBI, TU)
    refused = refusal(engine, JAMBI, history, KEPALA_OPD, "register_complaint")
    assert refused.code == "wrong_role"
    assert refused.http_status == 403
    assert "Bag. Tata Usaha" in refused.message


def test_an_action_of_a_later_step_is_not_allowed_now(engine: SopEngine) -> None:
    history = opened(engine, JAMBI, TU)
    refused = refusal(engine, JAMBI, history, KEPALA_OPD, "dispose_to_head_of_division")
    assert (refused.code, refused.http_status) == ("not_allowed_now", 409)


def test_missing_documents_are_named(engine: SopEngine) -> None:
    history = opened(engine, JAMBI, TU)
    refused = refusal(
        engine, JAMBI, history, TU, "register_complaint", documents=["Surat Pengaduan"]
    )
    assert (refused.code, refused.field, refused.http_status) == (
        "missing_documents",
        "documents",
        422,
    )
    assert "Agenda surat masuk" in refused.message


def test_a_decision_needs_one_of_its_answers(engine: SopEngine) -> None:
    history = jambi_at_section_review(engine)
    documents = JAMBI.step(8).documents
    missing = refusal(
        engine, JAMBI, history, KASI, "review_draft_as_head_of_section", documents=documents
    )
    assert (missing.code, missing.field) == ("missing_field", "decision")
    wrong = refusal(
        engine,
        JAMBI,
        history,
        KASI,
        "review_draft_as_head_of_section",
        documents=documents,
        decision="mungkin",
    )
    assert (wrong.code, wrong.field) == ("invalid_field", "decision")


def test_a_draft_sent_back_too_often_reaches_the_loop_limit(engine: SopEngine) -> None:
    history = jambi_at_section_review(engine)
    for _ in range(3):
        history = act(
            engine, JAMBI, history, KASI, "review_draft_as_head_of_section", decision="tidak"
        )
        history = act(engine, JAMBI, history, TEKNIS, "submit_draft")
    options = engine.allowed_actions(JAMBI, history)[0].decision_options
    assert options == ["setuju"]
    refused = refusal(
        engine, JAMBI, history, KASI, "review_draft_as_head_of_section", decision="tidak"
    )
    assert (refused.code, refused.http_status) == ("loop_limit", 409)


def test_a_closed_case_takes_no_more_actions(engine: SopEngine) -> None:
    petugas = officer("petugas", "resepsionis")
    satpam = officer("satpam", "satpam")
    layanan = officer("layanan", "petugas_layanan")
    history = opened(engine, VISIT, satpam)
    for by, action in [
        (petugas, "greet_visitor"),
        (petugas, "register_guest_book"),
        (petugas, "ask_to_wait"),
        (petugas, "contact_section"),
        (layanan, "verify_documents"),
        (layanan, "submit_survey"),
        (satpam, "escort_out"),
    ]:
        history = act(engine, VISIT, history, by, action)
    assert progress(VISIT, history).closed
    assert engine.allowed_actions(VISIT, history) == []
    refused = refusal(engine, VISIT, history, satpam, "escort_out")
    assert (refused.code, refused.http_status) == ("case_closed", 409)


def test_an_officer_records_the_step_of_a_member_of_the_public(engine: SopEngine) -> None:
    history = opened(engine, VISIT, officer("satpam", "satpam"))
    resepsionis = officer("resepsionis", "resepsionis")
    history = act(engine, VISIT, history, resepsionis, "greet_visitor")
    history = act(engine, VISIT, history, resepsionis, "register_guest_book", data={"nama": "Siti"})
    recorded = history[-1]
    assert recorded.type == "VisitorRegistered"
    assert recorded.actor.role == "resepsionis"
    assert recorded.payload["on_behalf_of"] == "pengguna_layanan"
    assert recorded.payload["data"] == {"nama": "Siti"}


def test_a_disposition_to_a_named_officer_is_theirs_alone(engine: SopEngine) -> None:
    other_kabid = officer("kabid-2", "kepala_bidang")
    directory = {KABID.id: KABID, other_kabid.id: other_kabid}
    history = jambi_registered(engine)
    history = act(
        engine,
        JAMBI,
        history,
        KEPALA_OPD,
        "dispose_to_head_of_division",
        directory,
        assignee=KABID.id,
    )
    refused = refusal(engine, JAMBI, history, other_kabid, "dispose_to_head_of_section", directory)
    assert (refused.code, refused.http_status) == ("not_assigned", 403)
    act(engine, JAMBI, history, KABID, "dispose_to_head_of_section", directory)


def test_a_disposition_to_an_officer_without_the_next_role_is_refused(engine: SopEngine) -> None:
    history = jambi_registered(engine)
    refused = refusal(
        engine,
        JAMBI,
        history,
        KEPALA_OPD,
        "dispose_to_head_of_division",
        {TEKNIS.id: TEKNIS},
        assignee=TEKNIS.id,
    )
    assert (refused.code, refused.field) == ("invalid_field", "assignee")


def prima_served(engine: SopEngine, ketua: Officer, layanan: Officer, response: str) -> list[Fact]:
    """A Pelayanan Prima case up to the customer's `response` to the service `layanan` gave."""
    history = opened(engine, PRIMA, officer("kepala", "kepala_kantor"))
    history = act(engine, PRIMA, history, ketua, "instruct_service_staff")
    for action in ("prepare_service", "deliver_service", "give_service_information"):
        history = act(engine, PRIMA, history, layanan, action)
    return act(engine, PRIMA, history, layanan, "record_customer_response", decision=response)


def test_a_service_complaint_is_followed_up_only_by_the_servers_direct_superior(
    engine: SopEngine,
) -> None:
    ketua = officer("ketua", "ka_tim_kerja")
    other_ketua = officer("ketua-lain", "ka_tim_kerja")
    layanan = officer("layanan", "petugas_layanan", superior="ketua")
    directory = {o.id: o for o in (ketua, other_ketua, layanan)}
    history = prima_served(engine, ketua, layanan, "keluhan")
    assert history[-1].type == "ServiceComplaintFiled"
    refused = refusal(engine, PRIMA, history, other_ketua, "follow_up_complaint", directory)
    assert refused.code == "wrong_role"
    history = act(engine, PRIMA, history, ketua, "follow_up_complaint", directory)
    history = act(engine, PRIMA, history, ketua, "report_complaint_to_head", directory)
    assert progress(PRIMA, history).closed


def test_a_service_that_met_the_standard_ends_the_case(engine: SopEngine) -> None:
    ketua = officer("ketua", "ka_tim_kerja")
    layanan = officer("layanan", "petugas_layanan")
    history = prima_served(engine, ketua, layanan, "sesuai")
    assert history[-1].type == "ServiceAccepted"
    assert progress(PRIMA, history).closed


def test_the_public_opens_a_complaint_case_but_not_a_visit(engine: SopEngine) -> None:
    fact = engine.open(MUBA, None, {})
    assert isinstance(fact, Fact)
    assert (fact.actor.id, fact.actor.role) == ("public", "pelapor")
    assert fact.sop is not None and (fact.sop.step, fact.sop.next_step) == ("1", "2")
    refused = engine.open(VISIT, None, {})
    assert isinstance(refused, Refusal) and refused.code == "wrong_role"


def test_every_event_carries_its_sop_version_step_actor_and_cause(engine: SopEngine) -> None:
    history = opened(engine, MUBA, officer("petugas", "petugas_pengaduan"))
    request = ActionRequest(action="register_complaint", documents=["berkas"])
    decided = engine.decide(
        MUBA, history, officer("petugas", "petugas_pengaduan"), request, causation_id="req-1"
    )
    assert isinstance(decided, list)
    (fact,) = decided
    assert fact.sop is not None
    assert (fact.sop.id, fact.sop.version, fact.sop.step, fact.sop.next_step) == (
        MUBA.id,
        1,
        "2",
        "3",
    )
    assert (fact.actor.id, fact.actor.role, fact.causation_id) == (
        "petugas",
        "petugas_pengaduan",
        "req-1",
    )
    assert fact.payload["documents"] == ["berkas"]
    assert fact.occurred_at == T0
