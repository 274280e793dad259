"""The SOP importer on documents it was not built from: their procedure tables (other column
names, waktu variants, broken lines) and decisions whose remarks say where the answers go."""

from __future__ import annotations

import pytest

from sop.definition import Branch
from sop.duration import approximations, parse_duration
from sop.importer import UnreadableDocument, draft_definition, read_document
from tests.support.sop_documents import (
    IMUNISASI,
    IZIN_APOTEK,
    KELUHAN,
    KLB,
    LABKESDA,
    RAWAT_JALAN,
    RUJUKAN,
    SURAT_MASUK,
    UNSEEN,
    unseen,
    warnings_about,
)

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
        (IZIN_APOTEK, 4, {"value": 1, "unit": "weeks"}),  # 1 Minggu
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
        ("2 Minggu", (2, "weeks")),
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
