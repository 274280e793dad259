"""An audit print-out masks the reporter and what a step collected about people."""

from __future__ import annotations

from audit import disclosure


def test_a_reporter_s_name_keeps_only_initials() -> None:
    assert disclosure.reporter({"reporter": {"name": "Siti Aminah"}}) == "S*** A*****"
    assert disclosure.reporter({"reporter": {"name": "Siti"}, "anonymous": True}) == "Anonim"
    assert disclosure.reporter({"reporter": {}}) == "-"


def test_a_confidential_subject_reads_dirahasiakan() -> None:
    assert disclosure.subject({"subject": "Pungli", "confidential": True}) == "Dirahasiakan"
    assert disclosure.subject({"subject": "Antrean lama"}) == "Antrean lama"


def test_personal_fields_are_masked_by_their_names() -> None:
    for field in ("nama_tamu", "reporterPhone", "no-hp", "email", "alamat", "NIK"):
        assert disclosure.personal(field), field
    for field in ("keperluan", "waktu", "teknik", "seksi_tujuan"):
        assert not disclosure.personal(field), field
    shown = disclosure.value("data", {"nama_tamu": "Budi Santoso", "keperluan": "Legalisir"})
    assert shown == "nama_tamu: B*** S******, keperluan: Legalisir"
