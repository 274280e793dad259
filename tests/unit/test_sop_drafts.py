"""Drafting SOP definitions from imported documents: a first version, and a revision that
carries over what a reviewer chose for the version before."""

from __future__ import annotations

import pytest

from sop.definition import Branch, SopDefinition
from sop.importer import draft_definition
from tests.support.sop_documents import (
    PENGADUAN_JAMBI,
    PENGADUAN_MUBA,
    PRIMA,
    SATU_PINTU,
    SEED_ACTORS,
    document,
    seed,
)

# -- drafting definitions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "definition_id", "case_type"),
    [
        (
            SATU_PINTU,
            "pelayanan-publik-satu-pintu-dinas-kesehatan-kabupaten-musi-banyuasin",
            "visit",
        ),
        (
            PENGADUAN_MUBA,
            "penanganan-pengaduan-masyarakat-dinas-kesehatan-kabupaten-musi-banyuasin",
            "complaint",
        ),
        (
            PRIMA,
            "pelayanan-prima-kementerian-kesehatan-republik-indonesia-direktorat-jenderal",
            "service",
        ),
        (
            PENGADUAN_JAMBI,
            "penanganan-pengaduan-masyarakat-dinas-kesehatan-provinsi-jambi",
            "complaint",
        ),
    ],
)
def test_a_draft_without_a_previous_version_is_a_valid_first_version(
    prefix, definition_id, case_type
):
    doc = seed(prefix)
    definition, _ = draft_definition(doc, None)
    assert SopDefinition.model_validate(definition.model_dump()) == definition
    assert (definition.id, definition.version, definition.case_type) == (
        definition_id,
        1,
        case_type,
    )
    assert len(definition.id) <= 80
    roles = {role.name: role.id for role in definition.roles}
    assert [roles[actor] for actor in SEED_ACTORS[prefix]] == [
        step.roles[0] for step in definition.steps
    ]
    assert [step.action for step in definition.steps] == [
        f"step_{n}" for n in range(1, len(doc.rows) + 1)
    ]


def test_a_draft_names_roles_by_slug_and_makes_members_of_the_public_recorded_roles():
    definition, _ = draft_definition(seed(PENGADUAN_MUBA), None)
    by_id = {role.id: role for role in definition.roles}
    assert set(by_id) == {
        "pelapor",
        "petugas_pengelola_pengaduan_admin",
        "tim_pengelola_pengaduan",
        "kepala_dinas_kesehatan",
    }
    assert by_id["pelapor"].public
    assert by_id["pelapor"].recorded_by == [
        "petugas_pengelola_pengaduan_admin",
        "tim_pengelola_pengaduan",
    ]
    assert not by_id["kepala_dinas_kesehatan"].public
    jambi, _ = draft_definition(seed(PENGADUAN_JAMBI), None)
    assert jambi.role("pemohon") is not None
    assert jambi.role("pemohon").recorded_by == ["bag_tata_usaha"]  # type: ignore[union-attr]


def test_a_drafted_decision_gets_default_answers_and_a_warning():
    definition, warnings = draft_definition(seed(PENGADUAN_JAMBI), None)
    step = definition.step(8)
    assert step.kind == "decision" and step.event is None
    assert step.branches == [
        Branch(answer="ya", goto=None, event="StepApproved"),
        Branch(answer="tidak", goto=7, event="StepSentBack", max_loops=3),
    ]
    assert any(w.startswith("step 8: decision with default answers") for w in warnings)
    assert definition.step(2).event == "StepCompleted"


def test_a_draft_keeps_the_document_texts_and_splits_equipment_from_documents():
    definition, _ = draft_definition(seed(SATU_PINTU), None)
    step = definition.step(2)
    assert step.activity.startswith("Petugas memberi salam")
    assert step.equipment == ["Komputer"]  # listed under PERALATAN / PERLENGKAPAN
    assert step.documents == []
    assert step.duration is not None and step.duration.value == 5
    assert definition.step(1).documents == ["Intercome"]


def test_a_draft_appends_the_notes_after_the_table_to_the_header_warnings():
    definition, _ = draft_definition(seed(PRIMA), None)
    assert definition.header.warnings[-1].startswith("Tidak menerima Gratifikasi")


def _renamed(definition: SopDefinition) -> dict:
    """The first version with the actions and events a reviewer named."""
    data = definition.model_dump()
    for step in data["steps"]:
        step["action"] = f"reviewed_{step['number']}"
        if step["event"]:
            step["event"] = f"Reviewed{step['number']}"
    return data


def _reviewed(definition: SopDefinition) -> SopDefinition:
    """The first version of seed 001 as a reviewer leaves it: named actions and events, an own
    role id, a split of kelengkapan, decision answers, a superior rule and a closing."""
    data = _renamed(definition)
    for role in data["roles"]:
        if role["id"] == "kepala_dinas_kesehatan":
            role["id"] = "kepala_dinas"
    for step in data["steps"]:
        step["roles"] = [
            "kepala_dinas" if r == "kepala_dinas_kesehatan" else r for r in step["roles"]
        ]
    data["steps"][1]["documents"] = ["Berkas"]
    data["steps"][1]["equipment"] = ["Pena dan Kertas"]
    data["steps"][5]["branches"] = [
        {"answer": "setuju", "goto": None, "event": "ResponseApproved"},
        {"answer": "tidak", "goto": 5, "event": "ResponseRejected", "max_loops": 2},
    ]
    data["steps"][7]["superior_of_step"] = 3
    data["closing"] = {
        "action": "archive",
        "activity": "Arsip",
        "roles": ["petugas_pengelola_pengaduan_admin"],
        "event": "CaseArchived",
    }
    return SopDefinition.model_validate(data)


def test_a_draft_with_a_previous_version_carries_over_the_reviewed_choices():
    previous = _reviewed(draft_definition(seed(PENGADUAN_MUBA), None)[0])
    revision = document("pengaduan_muba_revisi.txt")  # new step 4, step 9 (now 10) rewritten
    definition, warnings = draft_definition(revision, previous)
    assert (definition.id, definition.version) == (previous.id, 2)
    assert definition.case_type == previous.case_type and definition.closing == previous.closing
    assert definition.header.number == "440/ 512 /SOP/KES/III/2024"
    assert [s.action for s in definition.steps] == [
        "reviewed_1",
        "reviewed_2",
        "reviewed_3",
        "step_4",
        "reviewed_4",
        "reviewed_5",
        "reviewed_6",
        "reviewed_7",
        "reviewed_8",
        "step_10",
    ]
    decision = definition.step(7)
    assert decision.roles == ["kepala_dinas"]
    assert [(b.answer, b.goto, b.event) for b in decision.branches] == [
        ("setuju", None, "ResponseApproved"),
        ("tidak", 6, "ResponseRejected"),  # old step 5 is now step 6
    ]
    assert definition.step(9).superior_of_step == 3
    assert definition.step(2).equipment == ["Pena dan Kertas"]
    assert definition.step(5).event == "Reviewed4"
    assert definition.role("kepala_dinas") is not None
    assert "kepala_dinas_kesehatan" not in {role.id for role in definition.roles}
    assert definition.step(10).activity.startswith("Pelapor menerima surat tanggapan")
    assert any("previous step 9" in w for w in warnings)


def test_a_new_step_never_takes_the_action_of_a_carried_over_step():
    previous = draft_definition(seed(PENGADUAN_MUBA), None)[0]
    definition, _ = draft_definition(document("pengaduan_muba_revisi.txt"), previous)
    actions = [step.action for step in definition.steps]
    assert len(set(actions)) == len(actions)
    assert definition.step(5).action == "step_4"  # carried from old step 4
    assert definition.step(4).action == "step_4_2"


def test_an_unchanged_document_drafts_the_same_content_as_its_previous_version():
    first = draft_definition(seed(PENGADUAN_JAMBI), None)[0]
    previous = SopDefinition.model_validate(_renamed(first))
    definition, _ = draft_definition(seed(PENGADUAN_JAMBI), previous)
    assert definition.version == 2
    assert definition.digest() == previous.digest()
