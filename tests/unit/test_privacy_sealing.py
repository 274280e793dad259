"""Sealing personal values (privacy/master.py, privacy/envelope.py): what a sealed value looks
like, what it binds, and what another master key can do with it (nothing)."""

from __future__ import annotations

import uuid

import pytest
from cryptography.exceptions import InvalidTag

from privacy import PREFIX, MasterKey, is_sealed, normal_phone
from privacy.envelope import open_with, parse, seal_with
from privacy.store import PersonalDataKeys

SECRET = b"k" * 32
OTHER_SECRET = b"x" * 32


def test_a_sealed_value_names_its_subject_and_hides_its_text() -> None:
    subject = uuid.uuid4()
    key = MasterKey(SECRET).new_data_key()
    sealed = seal_with(key, subject, "Siti Rahmawati")
    assert sealed.startswith(f"{PREFIX}{subject}:")
    assert "Siti" not in sealed
    assert is_sealed(sealed) and not is_sealed("Siti Rahmawati")
    assert open_with(key, parse(sealed)) == "Siti Rahmawati"
    assert seal_with(key, subject, "Siti Rahmawati") != sealed  # a fresh nonce each time


def test_a_sealed_value_moved_to_another_subject_does_not_open() -> None:
    key = MasterKey(SECRET).new_data_key()
    sealed = seal_with(key, uuid.uuid4(), "0812 3456 7890")
    moved = f"{PREFIX}{uuid.uuid4()}:{sealed.rpartition(':')[2]}"
    with pytest.raises(InvalidTag):
        open_with(key, parse(moved))


def test_plaintext_and_malformed_values_are_not_sealed() -> None:
    assert parse("keluhan biasa") is None
    assert parse(f"{PREFIX}not-a-uuid:AAAA") is None


def test_a_wrapped_key_opens_only_under_the_same_master_and_subject() -> None:
    master = MasterKey(SECRET)
    subject = uuid.uuid4()
    key = master.new_data_key()
    wrapped = master.wrap(subject, key)
    assert key not in wrapped
    assert master.unwrap(subject, wrapped) == key
    assert MasterKey(SECRET).unwrap(subject, wrapped) == key  # derived, not random
    with pytest.raises(InvalidTag):
        MasterKey(OTHER_SECRET).unwrap(subject, wrapped)
    with pytest.raises(InvalidTag):
        master.unwrap(uuid.uuid4(), wrapped)


def test_blind_indexes_match_one_contact_in_its_usual_spellings_only() -> None:
    master = MasterKey(SECRET)
    assert master.email_index(" Siti@Example.ID ") == master.email_index("siti@example.id")
    assert master.phone_index("0812-3456-7890") == master.phone_index("+62 812 3456 7890")
    assert normal_phone("0812-3456-7890") == "6281234567890"
    assert master.email_index("siti@example.id") != master.email_index("sita@example.id")
    # keyed: another office's secret gives other indexes; email and phone never collide
    assert MasterKey(OTHER_SECRET).email_index("a@b.id") != master.email_index("a@b.id")
    assert master.email_index("62812") != master.phone_index("62812")


async def test_a_subject_is_handed_out_with_its_case_until_its_case_is_erased() -> None:
    keys = PersonalDataKeys.in_memory(SECRET)
    case_id = uuid.uuid4()
    made = await keys.new_subject(case_id, email="pelapor@example.id")

    again = await keys.subject(made.id)
    assert again is not None and (again.case_id, again.key) == (case_id, made.key)
    await keys.destroy_case(case_id)
    assert await keys.subject(made.id) is None  # its case is known, its key is gone
    assert await keys.subject(uuid.uuid4()) is None  # never made
