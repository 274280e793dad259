"""The SOP importer on documents of the same family it was not built from: other header
spellings (checked with the seed documents' headers), tick marks and shape words in the actor
columns, the drafts and the CLI.
(Their procedure tables and decisions: test_sop_importer_unseen_tables.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sop.definition import SopDefinition
from sop.importer import draft_definition
from tests.support.sop_documents import (
    IMUNISASI,
    IZIN_APOTEK,
    KELUHAN,
    KLB,
    LABKESDA,
    PENGADUAN_JAMBI,
    PENGADUAN_MUBA,
    PRIMA,
    RAWAT_JALAN,
    RUJUKAN,
    SATU_PINTU,
    SUMMARY_KEYS,
    SUMMARY_STEP_KEYS,
    SURAT_MASUK,
    UNSEEN,
    UNSEEN_DOCUMENTS,
    seed,
    unseen,
)

FIXTURES = UNSEEN_DOCUMENTS
NO_DATABASE = "postgresql://x@127.0.0.1:1/x"


def test_there_are_at_least_eight_unseen_fixtures():
    assert len(FIXTURES) >= 8


# -- the identity block: the seed documents' and the differently spelled unseen ones ---------


@pytest.mark.parametrize(
    ("read", "name", "title", "number", "unit"),
    [
        (
            seed,
            SATU_PINTU,
            "Pelayanan Publik Satu Pintu",
            "800/ 667 /SOP/KES/III/2022",
            "Dinas Kesehatan Kabupaten Musi Banyuasin",
        ),
        (
            seed,
            PENGADUAN_MUBA,
            "Penanganan Pengaduan Masyarakat",
            "440/ 301 /SOP/KES/II/2021",
            "Dinas Kesehatan Kabupaten Musi Banyuasin",
        ),
        (
            seed,
            PRIMA,
            "Pelayanan Prima",
            "OT.02.02/1/1981/2023",
            "Kementerian Kesehatan Republik Indonesia Direktorat Jenderal Pencegahan dan "
            "Pengendalian Penyakit Balai Kekarantinaan Kesehatan Kelas I Palembang",
        ),
        (
            seed,
            PENGADUAN_JAMBI,
            "Penanganan Pengaduan Masyarakat",
            None,
            "Dinas Kesehatan Provinsi Jambi",
        ),
        (
            unseen,
            RAWAT_JALAN,
            "Pelayanan Pasien Rawat Jalan",
            "445/021/PKM-SB1/2023",
            "UPTD Puskesmas Sumbang I",
        ),
        (
            unseen,
            RUJUKAN,
            "Rujukan Pasien Keluar",
            "800/115/RSUD-LHT/2024",
            "Rumah Sakit Umum Daerah Kabupaten Lahat",
        ),
        (
            unseen,
            IZIN_APOTEK,
            "Rekomendasi Izin Apotek",
            "503/077/SOP/DINKES/2024",
            "Dinas Kesehatan Kota Palembang",
        ),
        (
            unseen,
            SURAT_MASUK,
            "Pengelolaan Surat Masuk",
            "005/12/PKM-KTP/2022",
            "UPTD Puskesmas Kertapati",
        ),
        (
            unseen,
            LABKESDA,
            "Pemeriksaan Sampel Air Minum",
            None,
            "UPTD Laboratorium Kesehatan Daerah Provinsi Sumatera Selatan",
        ),
        (
            unseen,
            KELUHAN,
            "Penanganan Keluhan Pasien",
            "445/09/RSUD-RM/2023",
            "RSUD Raden Mattaher",
        ),
        (
            unseen,
            KLB,
            "Penyelidikan Epidemiologi Kejadian Luar Biasa",
            "440/210/SOP/P2P/2023",
            "Dinas Kesehatan Kabupaten Ogan Ilir",
        ),
        (
            unseen,
            IMUNISASI,
            "Pelayanan Imunisasi Dasar",
            "440/033/PKM-SL/2024",
            "UPTD Puskesmas Sungai Lilin",
        ),
    ],
)
def test_a_header_gives_the_name_number_and_unit_however_it_is_spelled(
    read, name, title, number, unit
):
    doc = read(name)
    assert (doc.name, doc.number, doc.unit) == (title, number, unit)


@pytest.mark.parametrize(
    ("read", "name", "dates", "approval"),
    [
        (
            seed,
            SATU_PINTU,
            ("13 Maret 2022", "13 Maret 2022", "13 Maret 2022"),
            (
                "Kepala Dinas Kesehatan Kabupaten Musi Banyuasin",
                "dr. H. Azmi Dariusmansyah, MARS",
                "19720928 200502 1 003",
            ),
        ),
        # One key per line, the approval over three lines.
        (
            unseen,
            RUJUKAN,
            ("4 Maret 2024", None, "11 Maret 2024"),
            ("Direktur RSUD Kabupaten Lahat", "dr. Hendra Saputra, Sp.PD", "19750817 200312 1 004"),
        ),
    ],
)
def test_header_dates_and_the_approving_officer_are_split_into_their_fields(
    read, name, dates, approval
):
    header = read(name).header
    assert (header.created, header.revised, header.effective) == dates
    approved = header.approved_by
    assert approved is not None
    assert (approved.position, approved.name, approved.nip) == approval


def test_a_name_on_the_line_below_its_label_is_not_continued_by_another_label():
    header = unseen(KELUHAN).header
    assert header.name == "Penanganan Keluhan Pasien"  # "Halaman : 1 dari 1" is not appended
    assert (header.created, header.effective) == ("3 April 2023", "1 Mei 2023")


def test_the_approval_date_is_the_effective_date_and_a_dash_is_no_date():
    header = unseen(RAWAT_JALAN).header
    assert header.effective == "9 Januari 2023"
    assert header.revised is None
    assert header.approved_by is not None and header.approved_by.name == "dr. Rina Kusumawati"


def test_alternative_labels_for_number_dates_approver_and_name_are_read():
    header = unseen(IZIN_APOTEK).header
    assert (header.created, header.revised, header.effective) == (
        "15 Februari 2024",
        "1 Juli 2024",
        "1 Agustus 2024",
    )
    assert header.approved_by is not None and header.approved_by.name == "dr. Fauziah, M.Kes"


def test_a_letterhead_title_names_the_service_unit_without_government_or_address_lines():
    doc = unseen(IMUNISASI)
    assert doc.unit == "UPTD Puskesmas Sungai Lilin"
    assert doc.header.approved_by is not None
    assert doc.header.approved_by.position == "Kepala UPTD Puskesmas Sungai Lilin"


# -- who does each step and what kind of step it is -------------------------------------------

EXPECTED_ACTORS = {
    RAWAT_JALAN: ["Pasien", "Petugas Loket", "Perawat", "Dokter", "Dokter", "Apoteker", "Pasien"],
    RUJUKAN: ["Dokter", "Perawat", "Petugas Admisi", "Perawat", "Perawat", "Pasien/Keluarga"],
    IZIN_APOTEK: [
        "Pemohon",
        "Staf TU",
        "Kasi Yankes",
        "Kasi Yankes",
        "Kabid Yankes",
        "Kepala Dinas",
        "Staf TU",
        "Pemohon",
    ],
    SURAT_MASUK: [
        "Staf TU",
        "Staf TU",
        "Staf TU",
        "Kasubag Umum",
        "Kepala Puskesmas",
        "Staf TU",
    ],
    LABKESDA: ["Petugas Loket", "Analis", "Analis", "Kepala Laboratorium", "Petugas Loket"],
    KELUHAN: ["Pasien", "Petugas Humas", "Petugas Humas", "Kepala Instalasi", "Direktur", "Pasien"],
    KLB: [
        "Petugas Surveilans",
        "Petugas Surveilans",
        "Kasi Surveilans",
        "Kabid P2P",
        "Petugas Surveilans",
        "Petugas Surveilans",
        "Kabid P2P",
    ],
    IMUNISASI: [
        "Orang Tua Pasien",
        "Perekam Medis",
        "Bidan",
        "Bidan",
        "Bidan",
        "Orang Tua Pasien",
    ],
}

EXPECTED_KINDS = {
    RAWAT_JALAN: [
        "terminator",
        "process",
        "process",
        "decision",
        "process",
        "process",
        "terminator",
    ],
    RUJUKAN: ["terminator", "process", "decision", "process", "process", "terminator"],
    IZIN_APOTEK: ["terminator", *["process"] * 1, "decision", *["process"] * 4, "terminator"],
    SURAT_MASUK: ["terminator", *["process"] * 4, "terminator"],
    LABKESDA: ["terminator", "decision", "process", "decision", "terminator"],
    KELUHAN: ["terminator", "process", "decision", "process", "decision", "terminator"],
    KLB: ["terminator", "process", "process", "decision", "process", "process", "terminator"],
    IMUNISASI: ["terminator", *["process"] * 4, "terminator"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_ACTORS))
def test_every_step_gets_the_actor_its_document_marks_or_implies(name):
    assert [list(row.actors) for row in unseen(name).rows] == [[a] for a in EXPECTED_ACTORS[name]]


@pytest.mark.parametrize("name", sorted(EXPECTED_KINDS))
def test_every_step_gets_its_kind(name):
    assert [row.kind for row in unseen(name).rows] == EXPECTED_KINDS[name]


def test_any_tick_mark_in_an_actor_column_marks_that_actor_without_giving_a_kind():
    rows = unseen(SURAT_MASUK).rows  # "V", "✓", "X", "●", "v"
    assert [row.symbol_actors for row in rows] == [
        ("Staf TU",),
        ("Staf TU",),
        ("Staf TU",),
        ("Kasubag Umum",),
        ("Kepala Puskesmas",),
        ("Staf TU",),
    ]
    assert all(row.symbol_kind is None for row in rows)
    assert unseen(RAWAT_JALAN).rows[0].symbol_actors == ("Pasien",)  # "√"


def test_shape_words_give_the_kind_in_english_and_in_indonesian():
    assert [row.symbol_kind for row in unseen(RUJUKAN).rows] == [  # (Oval), (Rectangle), …
        "terminator",
        "process",
        "decision",
        "process",
        "process",
        "terminator",
    ]
    assert [row.symbol_kind for row in unseen(KELUHAN).rows] == [  # lingkaran, belah ketupat
        "terminator",
        "process",
        "decision",
        "process",
        "decision",
        "terminator",
    ]
    assert unseen(LABKESDA).rows[1].symbol_kind == "decision"  # (Blue Diamond)


def test_abbreviated_actor_headers_are_found_in_the_spelled_out_activity_text():
    doc = unseen(IZIN_APOTEK)  # "Kepala Seksi Pelayanan Kesehatan" is Kasi Yankes
    assert (
        "step 3: actor Kasi Yankes inferred from the activity text (recipient named in step 2)"
        in (doc.warnings)
    )
    klb = unseen(KLB)  # "Kepala Bidang Pencegahan dan Pengendalian Penyakit" is Kabid P2P
    assert klb.rows[3].actors == ("Kabid P2P",)
    assert klb.actors == ("Kabid P2P", "Kasi Surveilans", "Petugas Surveilans")


def test_a_patient_acted_upon_is_not_handed_the_next_step():
    doc = unseen(RAWAT_JALAN)  # "membuat rekam medis pasien", "Memeriksa pasien"
    assert doc.rows[2].actors == ("Perawat",) and doc.rows[4].actors == ("Dokter",)
    rujukan = unseen(RUJUKAN)  # "Menjelaskan … kepada pasien/keluarga", then "Mengantar pasien"
    assert rujukan.rows[4].actors == ("Perawat",)


# -- drafting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURES)
def test_every_unseen_document_drafts_a_valid_definition(name):
    definition, _ = draft_definition(unseen(name), None)
    assert SopDefinition.model_validate(definition.model_dump()) == definition
    assert len(definition.steps) == len(unseen(name).rows)


@pytest.mark.parametrize(
    ("name", "role", "recorded_by"),
    [
        (RAWAT_JALAN, "pasien", ["petugas_loket", "apoteker"]),
        (RUJUKAN, "pasien_keluarga", ["perawat"]),
        (IZIN_APOTEK, "pemohon", ["staf_tu"]),
        (IMUNISASI, "orang_tua_pasien", ["perekam_medis", "bidan"]),
    ],
)
def test_patients_applicants_and_parents_are_public_roles(name, role, recorded_by):
    definition, _ = draft_definition(unseen(name), None)
    found = definition.role(role)
    assert found is not None and found.public and found.recorded_by == recorded_by


# -- the CLI -----------------------------------------------------------------------------------


def _import(path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": NO_DATABASE}
    return subprocess.run(
        [sys.executable, "-m", "alur.cli", "sop", "import", str(path), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("name", FIXTURES)
def test_the_cli_prints_the_summary_of_every_unseen_document(name):
    result = _import(UNSEEN / name)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) >= SUMMARY_KEYS
    assert report["name"] == unseen(name).name
    assert all(set(step) == SUMMARY_STEP_KEYS for step in report["steps"])
    assert [step["actors"][0] for step in report["steps"]] == EXPECTED_ACTORS[name]


def test_the_cli_rejects_an_unreadable_document_naming_the_line():
    path = UNSEEN / "error_waktu_kapan_kapan.txt"
    result = _import(path)
    assert result.returncode == 1
    assert f"{path}:6: step 2: waktu 'kapan-kapan'" in result.stderr
