"""The SOP document importer on the seed documents: who does each step, read from the actor
columns, their symbols and the activity text."""

from __future__ import annotations

import pytest

from sop.importer import read_document
from tests.support.sop_documents import (
    PENGADUAN_JAMBI,
    PENGADUAN_MUBA,
    PRIMA,
    SATU_PINTU,
    SEED_ACTORS,
    actors_of,
    document,
    seed,
    warnings_about,
)

# -- who does each step ------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", sorted(SEED_ACTORS))
def test_every_step_gets_the_actor_its_document_implies(prefix):
    assert actors_of(seed(prefix)) == SEED_ACTORS[prefix]


def test_a_step_naming_its_actor_as_subject_takes_that_actor_even_after_a_leading_clause():
    doc = seed(SATU_PINTU)
    assert doc.rows[6].actors == ("PETUGAS LAYANAN",)  # "Setelah urusannya selesai, petugas…"
    assert "named as the subject" in warnings_about(doc, 7)[0]


def test_a_leading_word_that_only_one_actor_starts_with_names_that_actor():
    assert seed(SATU_PINTU).rows[1].actors == ("PETUGAS LAYANAN",)  # "Petugas memberi salam…"
    muba = seed(PENGADUAN_MUBA)
    assert muba.rows[4].actors == ("TIM PENGELOLA PENGADUAN",)  # "Tim melakukan…"
    assert muba.rows[5].actors == ("KEPALA DINAS KESEHATAN",)  # "Kepala Dinas mempelajari…"


def test_abbreviations_in_actor_names_are_expanded():
    prima = seed(PRIMA)
    assert prima.rows[0].actors == ("Kepala KKP",)  # "Kepala kantor …"
    assert prima.rows[1].actors == ("Ka Tim Kerja",)  # "Ketua Tim Kerja …"
    izin = document("izin_praktik.txt")
    assert izin.rows[2].actors == ("Kasi Perizinan",)  # handed over "ke Kepala Seksi Perizinan"


def test_a_step_without_a_named_actor_takes_the_recipient_of_the_step_before():
    muba = seed(PENGADUAN_MUBA)
    assert muba.rows[7].actors == ("TIM PENGELOLA PENGADUAN",)
    assert "recipient named in step 7" in warnings_about(muba, 8)[0]
    jambi = seed(PENGADUAN_JAMBI)
    assert jambi.rows[2].actors == ("Kepala OPD",)  # "… mengajukan ke Kepala OPD"
    assert jambi.rows[5].actors == ("Petugas Teknis",)  # "… menugaskan petugas kelapangan"
    assert jambi.rows[7].actors == ("Kepala Seksi",)  # last recipient of step 7


def test_a_step_without_subject_or_recipient_before_it_continues_the_previous_actor():
    muba = seed(PENGADUAN_MUBA)
    assert muba.rows[6].actors == ("KEPALA DINAS KESEHATAN",)  # passive "diteruskan ke tim"
    assert "continues step 6" in warnings_about(muba, 7)[0]
    prima = seed(PRIMA)  # "dilaporkan kepada Kepala Kantor" names a recipient, not the actor
    assert prima.rows[7].actors == ("Atasan Langsung",)


def test_the_agent_of_a_passive_activity_is_its_actor():
    prima = seed(PRIMA)
    assert prima.rows[6].actors == ("Atasan Langsung",)
    assert "named after 'oleh'" in warnings_about(prima, 7)[0]
    assert document("izin_praktik.txt").rows[4].actors == ("Petugas Loket",)


def test_the_first_step_takes_the_actor_who_does_the_same_verb_elsewhere():
    doc = seed(SATU_PINTU)
    assert doc.rows[0].actors == ("SATPAM",)
    assert "same verb 'mengantar' in step 8" in warnings_about(doc, 1)[0]


def test_a_step_that_starts_by_receiving_is_not_done_by_the_giver():
    jambi = seed(PENGADUAN_JAMBI)  # step 10 names no recipient: the symbol column decides
    assert jambi.rows[10].actors == ("Bag. Tata Usaha",)
    assert warnings_about(jambi, 11) == []
    izin = document("izin_praktik.txt")  # "… diserahkan kepada pemohon …" then "Menerima …"
    assert izin.rows[5].actors == ("Pemohon",)


def test_a_role_named_in_the_text_without_a_column_is_discovered_with_a_warning():
    jambi = seed(PENGADUAN_JAMBI)
    assert "actor Kepala Bidang is named in step 3 but has no column" in jambi.warnings
    prima = seed(PRIMA)
    assert "actor Atasan Langsung is named in step 7 but has no column" in prima.warnings


def test_roles_named_only_as_recipients_are_not_added_as_actors():
    prima = seed(PRIMA)  # "Tim Kerja 4", "Kepala Kantor" do no step
    assert "Tim Kerja" not in prima.actors and "Kepala Kantor" not in prima.actors


def test_confident_text_beats_a_disagreeing_symbol_column_and_both_are_named():
    jambi = seed(PENGADUAN_JAMBI)
    assert jambi.rows[3].actors == ("Kepala Bidang",)
    notes = " ".join(warnings_about(jambi, 4))
    assert "Kepala Bidang" in notes and "Kepala Seksi" in notes
    assert jambi.rows[4].actors == ("Kepala Seksi",)
    notes = " ".join(warnings_about(jambi, 5))
    assert "Kepala Seksi" in notes and "Petugas Teknis" in notes


def test_symbol_columns_that_contradict_the_text_in_most_steps_yield_to_a_continuation():
    jambi = seed(PENGADUAN_JAMBI)
    assert jambi.rows[6].actors == ("Petugas Teknis",)
    notes = " ".join(warnings_about(jambi, 7))
    assert "continues step 6" in notes and "Bag. Tata Usaha" in notes


def test_the_symbol_column_decides_when_the_text_names_nobody():
    jambi = seed(PENGADUAN_JAMBI)
    assert jambi.rows[0].actors == ("Pemohon",)
    assert warnings_about(jambi, 1) == []


def test_every_actor_read_from_the_text_is_warned():
    doc = seed(SATU_PINTU)
    inferred = [w for w in doc.warnings if "inferred from the activity text" in w]
    assert len(inferred) == len(doc.rows)
    for prefix in (PENGADUAN_MUBA, PRIMA, PENGADUAN_JAMBI):
        assert seed(prefix).warnings


def table_document(actors: list[str], activities: list[str], symbols: list[int] | None = None):
    """A small document: one column per actor, a "(Red Square)" in column `symbols[i]`."""
    lines = [
        "NAMA SOP\t: Contoh",
        "No\tKegiatan\tPelaksana" + "\t" * len(actors) + "Mutu Baku\t\t",
        "\t\t" + "\t".join(actors) + "\tKelengkapan\tWaktu\tOutput",
    ]
    for number, activity in enumerate(activities, 1):
        cells = [""] * len(actors)
        if symbols:
            cells[symbols[number - 1]] = "(Red Square)"
        lines.append(f"{number}\t{activity}\t" + "\t".join(cells) + "\tBerkas\t5 Menit\tBerkas")
    return read_document("\r\n".join(lines))


def test_a_different_title_is_not_taken_for_the_only_actor_sharing_its_first_word():
    doc = table_document(
        ["Petugas Loket", "Kepala Dinas"],
        ["Petugas PTSP menerima berkas", "Kepala Bidang menelaah berkas"],
    )
    assert actors_of(doc) == ["Petugas Loket", "Kepala Bidang"]
    assert "actor Kepala Bidang is named in step 2 but has no column" in doc.warnings


def test_symbol_columns_that_agree_with_the_text_beat_a_continuation():
    doc = table_document(
        ["Pemohon", "Petugas", "Kepala Seksi"],
        ["Pemohon mengisi formulir", "Memeriksa berkas", "Kepala Seksi menandatangani"],
        symbols=[0, 1, 2],
    )
    assert actors_of(doc) == ["Pemohon", "Petugas", "Kepala Seksi"]
    assert "using the symbol column" in warnings_about(doc, 2)[0]
