"""What a complaint's first event holds of its reporter (issue 13, points 1 and 5): sealed
values under the reporter's own key, no name at all for an anonymous reporter, whose contact is
kept only when they leave one and is not a way to find their other cases."""

from __future__ import annotations

import uuid

import pytest

from cases import GroupCommit, InMemoryEventStore
from events import CATALOG, Actor, ComplaintReceived, Fact
from privacy import ERASED, PersonalDataKeys, is_sealed
from services.intake.casework import sealed_step
from services.intake.intake import ComplaintIntake
from services.intake.submission import ComplaintSubmission
from services.intake.tracking import TrackingNumbers
from sop.engine import SopEngine
from tests.unit.test_intake import COMPLAINT_SOP, NOW, SOPS

REPORTER = {"name": "Ratih Kumalasari", "email": "ratih@example.id", "phone": "0812 7000 1234"}
DESCRIPTION = "Bidan desa meminta uang tambahan untuk surat keterangan lahir."


class _Registry:
    async def latest(self, sop_id: str):
        return SOPS[sop_id]


@pytest.fixture
def keys() -> PersonalDataKeys:
    return PersonalDataKeys.in_memory()


async def _received(keys: PersonalDataKeys, **changes: object) -> ComplaintReceived:
    store = InMemoryEventStore()
    intake = ComplaintIntake(
        GroupCommit(store),
        TrackingNumbers(store, b"kunci-rahasia"),
        _Registry(),  # type: ignore[arg-type]
        COMPLAINT_SOP,
        SopEngine(lambda: NOW),
        keys,
    )
    submission = ComplaintSubmission.model_validate(
        {
            "channel": "web",
            "reporter": REPORTER,
            "subject": "Pungutan di luar tarif",
            "description": DESCRIPTION,
            **changes,
        }
    )
    receipt = await intake.receive(submission, request_id=f"http:{uuid.uuid4()}")
    (fact,) = (await store.load(receipt.case_id)).history  # type: ignore[union-attr]
    assert not any(v in str(fact.payload) for v in (*REPORTER.values(), DESCRIPTION))
    return CATALOG.payload(fact, ComplaintReceived)


async def test_the_reporter_and_the_description_are_sealed_with_the_reporters_key(
    keys: PersonalDataKeys,
) -> None:
    complaint = await _received(keys)
    sealed = [*complaint.reporter.model_dump().values(), complaint.description]
    assert all(is_sealed(v) and f":{complaint.subject_id}:" in v for v in sealed)
    assert await keys.reveal_all(sealed) == [*REPORTER.values(), DESCRIPTION]
    assert await keys.subjects_of_person(phone="+62 812-7000-1234") != []

    assert complaint.subject_id is not None
    subject = await keys.subject(complaint.subject_id)
    assert subject is not None
    await keys.destroy_case(subject.case_id)
    assert await keys.reveal_all(sealed) == [ERASED] * 4


async def test_an_anonymous_reporter_leaves_no_name_and_an_unindexed_contact_for_replies(
    keys: PersonalDataKeys,
) -> None:
    complaint = await _received(keys, anonymous=True)
    assert complaint.reporter.name is None
    assert await keys.reveal(complaint.reporter.email) == REPORTER["email"]
    assert await keys.subjects_of_person(email=REPORTER["email"]) == []

    no_contact = await _received(keys, anonymous=True, reporter={"name": "Ratih Kumalasari"})
    assert no_contact.reporter.model_dump() == {"name": None, "email": None, "phone": None}


async def test_a_steps_note_and_data_texts_are_sealed_and_its_scores_and_section_kept(
    keys: PersonalDataKeys,
) -> None:
    subject = await keys.new_subject(uuid.uuid4())
    fact = Fact(
        event_id=uuid.uuid4(),
        type="VisitorRegistered",
        schema_version=2,
        case_type="visit",
        occurred_at=NOW,
        actor=Actor(id="resepsionis-1", role="resepsionis"),
        payload={
            "activity": "Tamu mengisi buku tamu",
            "note": "Tamu membawa KTP 1601234567890001",
            "data": {"nama": "Budi", "jumlah": 2, "bertemu": "Seksi Farmasi", "skm": {"u1": 4}},
        },
    )
    sealed = sealed_step(fact, subject).payload
    assert is_sealed(sealed["note"]) and is_sealed(sealed["data"]["nama"])
    assert sealed["data"]["jumlah"] == 2 and sealed["data"]["skm"] == {"u1": 4}
    assert sealed["data"]["bertemu"] == "Seksi Farmasi"
    assert await keys.reveal_tree(sealed) == fact.payload
