"""The SOP importer on documents of the same family it was not built from: other header
spellings, column names, tick marks and shape words in the actor columns, waktu variants,
broken lines, and decisions whose remarks say where the answers go."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sop.definition import Branch, SopDefinition
from sop.duration import approximations, parse_duration
from sop.importer import ImportedDocument, UnreadableDocument, draft_definition, read_document

UNSEEN = Path(__file__).resolve().parent / "sop_documents" / "unseen"
FIXTURES = sorted(path.name for path in UNSEEN.glob("*.txt") if not path.name.startswith("error"))
NO_DATABASE = "postgresql://x@127.0.0.1:1/x"

RAWAT_JALAN = "puskesmas_rawat_jalan.txt"
RUJUKAN = "rsud_rujukan_keluar.txt"
IZIN_APOTEK = "dinkes_izin_apotek.txt"
SURAT_MASUK = "puskesmas_surat_masuk.txt"
LABKESDA = "labkesda_pemeriksaan_sampel.txt"
KELUHAN = "rsud_keluhan_pasien.txt"
KLB = "dinkes_penyelidikan_klb.txt"
IMUNISASI = "puskesmas_imunisasi.txt"


def unseen(name: str) -> ImportedDocument:
    path = UNSEEN / name
    return read_document(path.read_bytes().decode("utf-8-sig"), str(path))


def warnings_about(doc: ImportedDocument, step: int) -> list[str]:
    return [w for w in doc.warnings if w.startswith(f"step {step}:")]


def test_there_are_at_least_eight_unseen_fixtures():
    assert len(FIXTURES) >= 8


# -- the identity block ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title", "number", "unit"),
    [
        (
            RAWAT_JALAN,
            "Pelayanan Pasien Rawat Jalan",
            "445/021/PKM-SB1/2023",
            "UPTD Puskesmas Sumbang I",
        ),
        (
            RUJUKAN,
            "Rujukan Pasien Keluar",
            "800/115/RSUD-LHT/2024",
            "Rumah Sakit Umum Daerah Kabupaten Lahat",
        ),
        (
            IZIN_APOTEK,
            "Rekomendasi Izin Apotek",
            "503/077/SOP/DINKES/2024",
            "Dinas Kesehatan Kota Palembang",
        ),
        (SURAT_MASUK, "Pengelolaan Surat Masuk", "005/12/PKM-KTP/2022", "UPTD Puskesmas Kertapati"),
        (
            LABKESDA,
            "Pemeriksaan Sampel Air Minum",
            None,
            "UPTD Laboratorium Kesehatan Daerah Provinsi Sumatera Selatan",
        ),
        (KELUHAN, "Penanganan Keluhan Pasien", "445/09/RSUD-RM/2023", "RSUD Raden Mattaher"),
        (
            KLB,
            "Penyelidikan Epidemiologi Kejadian Luar Biasa",
            "440/210/SOP/P2P/2023",
            "Dinas Kesehatan Kabupaten Ogan Ilir",
        ),
        (
            IMUNISASI,
            "Pelayanan Imunisasi Dasar",
            "440/033/PKM-SL/2024",
            "UPTD Puskesmas Sungai Lilin",
        ),
    ],
)
def test_differently_spelled_headers_give_name_number_and_unit(name, title, number, unit):
    doc = unseen(name)
    assert (doc.name, doc.number, doc.unit) == (title, number, unit)


def test_a_header_written_one_key_per_line_with_the_approval_over_three_lines_is_read():
    header = unseen(RUJUKAN).header
    assert (header.created, header.effective) == ("4 Maret 2024", "11 Maret 2024")
    assert header.approved_by is not None
    assert header.approved_by.position == "Direktur RSUD Kabupaten Lahat"
    assert header.approved_by.name == "dr. Hendra Saputra, Sp.PD"
    assert header.approved_by.nip == "19750817 200312 1 004"


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


# -- the procedure table -----------------------------------------------------------------------


def test_other_column_names_locate_kelengkapan_waktu_output_and_remarks():
    row = unseen(RUJUKAN).rows[2]  # PERSYARATAN/KELENGKAPAN, WAKTU (JAM), OUTPUT/HASIL, KETERANGAN
    assert row.documents == ("Surat rujukan", "Resume medis")
    assert row.output == "Berkas rujukan lengkap"
    assert row.remarks == "Jika tidak lengkap kembali ke no. 2"
    keluhan = unseen(KELUHAN).rows[0]  # Persyaratan
    assert keluhan.documents == ("Formulir keluhan",)


def test_bare_numbers_take_the_unit_the_waktu_header_names():
    def durations(name):
        return [row.duration and row.duration.model_dump() for row in unseen(name).rows]

    assert durations(RUJUKAN)[:2] == [
        {"value": 1, "unit": "hours"},
        {"value": 0.5, "unit": "hours"},
    ]
    assert durations(SURAT_MASUK)[3] == {"value": 2, "unit": "calendar_days"}  # WAKTU (HARI)
    assert durations(KLB)[5] == {"value": 120, "unit": "minutes"}  # Waktu (menit)
    assert durations(KLB)[4] == {"value": 1, "unit": "calendar_days"}  # "1 Hari" still read


@pytest.mark.parametrize(
    ("name", "step", "duration"),
    [
        (RAWAT_JALAN, 1, {"value": 5, "unit": "minutes"}),  # 5 mnt
        (RAWAT_JALAN, 2, {"value": 15, "unit": "minutes"}),  # 10-15 Menit
        (RAWAT_JALAN, 3, {"value": 15, "unit": "minutes"}),  # 10 s.d. 15 menit
        (RAWAT_JALAN, 4, {"value": 0.5, "unit": "hours"}),  # ½ Jam
        (RAWAT_JALAN, 6, {"value": 0.5, "unit": "hours"}),  # 0,5 Jam
        (RAWAT_JALAN, 7, None),  # -
        (IZIN_APOTEK, 2, {"value": 1, "unit": "calendar_days"}),  # 1 hari
        (IZIN_APOTEK, 3, {"value": 2, "unit": "working_days"}),
        (IZIN_APOTEK, 4, {"value": 7, "unit": "calendar_days"}),  # 1 Minggu
        (IZIN_APOTEK, 5, {"value": 24, "unit": "clock_hours"}),  # 1x24 jam
        (IZIN_APOTEK, 6, {"value": 24, "unit": "clock_hours"}),  # 1 x 24 Jam
        (IZIN_APOTEK, 7, {"value": None, "unit": "service_standard"}),
        (IZIN_APOTEK, 8, {"value": 14, "unit": "calendar_days"}),  # 14 Hari Kalender
        (LABKESDA, 2, {"value": 15, "unit": "minutes"}),  # 10 s/d 15 menit
        (LABKESDA, 3, {"value": 72, "unit": "clock_hours"}),
        (KELUHAN, 6, {"value": None, "unit": "service_standard"}),  # Sesuai SP
        (IMUNISASI, 1, {"value": 5, "unit": "minutes"}),  # 5 Menit/pasien
        (IMUNISASI, 2, {"value": 10, "unit": "minutes"}),  # ± 10 menit
        (IMUNISASI, 4, {"value": None, "unit": "service_standard"}),
        (RUJUKAN, 6, None),  # blank
    ],
)
def test_waktu_variants_are_read_as_durations(name, step, duration):
    row = unseen(name).rows[step - 1]
    assert (row.duration.model_dump() if row.duration else None) == duration


def test_ranges_weeks_approximations_and_per_item_times_are_warned_about():
    assert warnings_about(unseen(RAWAT_JALAN), 2)[0] == (
        "step 2: waktu '10-15 Menit': a range: its upper bound is taken"
    )
    assert (
        "step 4: waktu '1 Minggu': a week is taken as 7 calendar days"
        in unseen(IZIN_APOTEK).warnings
    )
    imunisasi = unseen(IMUNISASI)
    assert any("the time for one item" in w for w in warnings_about(imunisasi, 1))
    assert any("approximate" in w for w in warnings_about(imunisasi, 2))


def test_a_wrapped_activity_line_without_a_step_number_joins_the_step_before_with_a_warning():
    doc = unseen(SURAT_MASUK)
    assert doc.rows[0].activity == (
        "Menerima surat masuk dan mencatat di buku agenda dengan nomor urut surat"
    )
    assert "step 1: line 9 has no step number; joined to step 1 as a continuation — review" in (
        doc.warnings
    )


def test_a_continuation_row_adds_its_cells_to_the_text_columns_and_kelengkapan_items():
    doc = unseen(SURAT_MASUK)
    assert (
        doc.rows[2].activity
        == "Meneruskan surat kepada Kasubag Umum disertai lembar disposisi kosong"
    )
    assert doc.rows[2].documents == ("Lembar disposisi", "Map surat")
    klb = unseen(KLB)
    assert klb.rows[4].activity.endswith("ke lokasi bersama tim gerak cepat Puskesmas")
    assert klb.rows[4].documents == ("Surat tugas", "Form PE", "APD")
    assert [row.number for row in klb.rows] == list(range(1, 8))


def test_a_cell_broken_over_two_lines_is_put_back_together():
    doc = unseen(LABKESDA)
    assert doc.rows[2].activity == (
        "Melakukan pemeriksaan parameter fisika, kimia dan mikrobiologi sesuai metode"
    )
    assert doc.rows[2].symbol_actors == ("Analis",)
    assert doc.rows[2].documents == ("Reagen", "Alat laboratorium")


def test_a_row_of_column_numbers_is_skipped_and_a_table_without_mutu_baku_is_read():
    doc = unseen(LABKESDA)
    assert doc.actors == ("Petugas Loket", "Analis", "Kepala Laboratorium")
    assert doc.rows[0].activity.startswith("Menerima sampel") and doc.rows[0].line == 6


def test_rows_that_lost_their_trailing_cells_are_read_with_what_they_have():
    rows = unseen(SURAT_MASUK).rows
    assert rows[1].output is None and rows[1].duration is not None
    assert rows[5].documents == () and rows[5].duration is None and rows[5].output is None


def test_free_text_after_the_table_stays_a_note():
    assert unseen(SURAT_MASUK).notes == (
        "Keterangan: disposisi dapat diberikan secara elektronik.",
    )


def test_crlf_cr_bom_and_non_breaking_spaces_do_not_change_the_reading():
    raw = (UNSEEN / RAWAT_JALAN).read_bytes().decode("utf-8")
    assert "\r\n" in raw
    plain = read_document(raw.replace("\r\n", "\n"))
    assert read_document(raw).rows == plain.rows
    bom = (UNSEEN / RUJUKAN).read_bytes().decode("utf-8")  # read without stripping the BOM
    assert bom.startswith("\ufeff") and read_document(bom).unit == unseen(RUJUKAN).unit
    assert "\r" in (UNSEEN / KELUHAN).read_bytes().decode("utf-8")
    assert unseen(SURAT_MASUK).number == "005/12/PKM-KTP/2022"  # after ":" and a no-break space


# -- decisions and their answers --------------------------------------------------------------


def _branches(name: str, step: int) -> list[Branch]:
    definition, _ = draft_definition(unseen(name), None)
    return definition.step(step).branches


def test_written_answers_become_the_branches_as_written():
    assert _branches(RAWAT_JALAN, 4) == [
        Branch(answer="ya", goto=7, event="StepApproved"),
        Branch(answer="tidak", goto=5, event="StepCompleted"),
    ]
    assert _branches(IZIN_APOTEK, 3) == [
        Branch(answer="lengkap", goto=4, event="StepApproved"),
        Branch(answer="tidak lengkap", goto=1, event="StepSentBack", max_loops=3),
    ]
    assert _branches(LABKESDA, 4) == [  # "Ya → 5, Tidak → 3"
        Branch(answer="ya", goto=5, event="StepApproved"),
        Branch(answer="tidak", goto=3, event="StepSentBack", max_loops=3),
    ]


def test_an_answer_that_ends_the_case_goes_to_the_end():
    assert _branches(LABKESDA, 2) == [
        Branch(answer="layak", goto=3, event="StepApproved"),
        Branch(answer="tidak layak", goto="end", event="StepCompleted"),
    ]


def test_a_lone_written_answer_gets_its_opposite_with_a_warning():
    definition, warnings = draft_definition(unseen(RUJUKAN), None)
    assert definition.step(3).branches == [
        Branch(answer="tidak lengkap", goto=2, event="StepSentBack", max_loops=3),
        Branch(answer="lengkap", goto=None, event="StepApproved"),
    ]
    assert (
        "step 3: only the answer 'tidak lengkap' is written; 'lengkap' assumed to go to the "
        "next step — review"
    ) in warnings
    assert [(b.answer, b.goto) for b in _branches(KELUHAN, 5)] == [
        ("tidak setuju", 4),
        ("setuju", None),
    ]
    assert [(b.answer, b.goto) for b in _branches(KLB, 4)] == [
        ("tidak disetujui", 3),
        ("disetujui", None),
    ]


def test_written_answers_make_a_step_without_a_shape_a_decision_with_a_warning():
    doc = unseen(IZIN_APOTEK)
    assert doc.rows[2].kind == "decision"
    assert (
        "step 3: kind decision inferred from the written answers ('lengkap', 'tidak lengkap')"
        in doc.warnings
    )


def test_written_answers_replace_the_default_answers_and_their_warning():
    definition, warnings = draft_definition(unseen(KELUHAN), None)
    assert [(b.answer, b.goto) for b in definition.step(3).branches] == [("ya", 6), ("tidak", 4)]
    assert not any(w.startswith("step 3: decision with default answers") for w in warnings)


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


# -- unreadable documents ----------------------------------------------------------------------


def test_an_unknown_waktu_is_still_rejected_naming_the_line():
    path = UNSEEN / "error_waktu_kapan_kapan.txt"
    with pytest.raises(UnreadableDocument) as raised:
        read_document(path.read_text(encoding="utf-8"), str(path))
    assert raised.value.line == 6
    assert "'kapan-kapan'" in str(raised.value)


# -- parse_duration on its own ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 x 24 Jam", (24, "clock_hours")),
        ("2 HK", (2, "working_days")),
        ("1½ jam", (1.5, "hours")),
        ("setengah jam", (0.5, "hours")),
        ("1 jam 30 menit", (90, "minutes")),
        ("maks. 3 hari kerja", (3, "working_days")),
        ("1-2 Hari Kerja", (2, "working_days")),
        ("2 Minggu", (14, "calendar_days")),
        ("Sesuai standar pelayanan yang dimaklumkan", (None, "service_standard")),
        ("Sesuai SPM", (None, "service_standard")),
    ],
)
def test_parse_duration_reads_the_new_forms(text, expected):
    duration = parse_duration(text)
    assert duration is not None and (duration.value, duration.unit) == expected


@pytest.mark.parametrize("text", ["kapan-kapan", "secepatnya", "segera"])
def test_parse_duration_still_rejects_texts_that_name_no_time(text):
    with pytest.raises(ValueError, match="not a time standard"):
        parse_duration(text)


def test_approximations_name_what_the_reading_assumed():
    assert approximations("10 s.d. 15 menit") == ["a range: its upper bound is taken"]
    assert approximations("3 Hari Kerja") == []
    assert approximations("Sesuai standar pelayanan") == []


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
    assert {"name", "number", "unit", "actors", "steps", "warnings"} <= set(report)
    assert report["name"] == unseen(name).name
    for step in report["steps"]:
        assert set(step) == {
            "number",
            "activity",
            "actors",
            "kind",
            "documents",
            "duration",
            "output",
        }
    assert [step["actors"][0] for step in report["steps"]] == EXPECTED_ACTORS[name]


def test_the_cli_rejects_an_unreadable_document_naming_the_line():
    path = UNSEEN / "error_waktu_kapan_kapan.txt"
    result = _import(path)
    assert result.returncode == 1
    assert f"{path}:6: step 2: waktu 'kapan-kapan'" in result.stderr
