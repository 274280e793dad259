"""The SOP document importer on the seed documents: the identity block, the procedure table,
the kinds of steps, the summary and unreadable documents. (Who does each step:
test_sop_importer_actors.py; drafting definitions: test_sop_drafts.py; the name, number,
unit, dates and approval of every document: test_sop_importer_unseen.py.)"""

from __future__ import annotations

import json

import pytest

from sop.importer import UnreadableDocument, read_document, summary
from tests.support.sop_documents import (
    DOCUMENTS,
    PENGADUAN_JAMBI,
    PENGADUAN_MUBA,
    PRIMA,
    SATU_PINTU,
    SUMMARY_KEYS,
    SUMMARY_STEP_KEYS,
    document,
    seed,
    warnings_about,
)

# -- the identity block (name, number, unit, dates, approval: test_sop_importer_unseen.py) ------


def test_an_approval_that_cannot_be_split_keeps_the_whole_text_as_the_position():
    header = seed(PRIMA).header
    assert header.revised == "4 April 2024 /1"
    assert header.approved_by is not None
    assert (
        header.approved_by.position == "Kepala Kantor BKK Kelas I Palembang Emalia Rosa, SKM.,MKM"
    )
    assert header.approved_by.name is None
    assert header.approved_by.nip == "197305251997032001"


def test_numbered_lists_are_split_into_items_in_written_order():
    header = seed(PENGADUAN_MUBA).header
    assert header.legal_basis == [
        "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
        "Peraturan Pemerintah Nomor 96 Tahun 2012 tentang Pelaksanaan Undang-Undang Nomor 25 "
        "Tahun 2009",
        "Peraturan Bupati Musi Banyuasin Nomor 13 Tahun 2020 tentang Pedoman Penyelenggaraan "
        "Standar Pelayanan Publik",
    ]
    assert header.equipment == [
        "Komputer dan Printer",
        "Jaringan Internet",
        "Formulir Pengaduan",
        "ATK",
    ]
    assert len(header.qualifications) == 3
    assert header.records == ["SOP disimpan dengan rapi dalam bentuk hard copy dan soft copy"]


def test_html_fragments_are_stripped_and_html_lists_become_items():
    doc = seed(PRIMA)
    header = doc.header
    assert len(header.legal_basis) > 1
    assert header.legal_basis[0] == "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik"
    everything = json.dumps(header.model_dump(mode="json"))
    assert "<" not in everything and ">" not in everything
    assert header.related_sops == ["SOP Pelayanan Publik"]
    assert header.records == [
        "Semua dokumen harus terdokumentasi dengan baik (hardcopy dan softcopy)"
    ]
    assert doc.unit is not None and "<p>" not in doc.unit


def test_a_label_row_is_followed_by_the_values_of_both_columns():
    header = seed(SATU_PINTU).header
    assert header.qualifications == [
        "Memiliki kemampuan untuk menerima dan melayani tamu dengan ramah",
        "Memahami Struktur Organisasi Dinas Kesehatan",
    ]
    assert header.related_sops == []
    assert header.equipment == ["Buku Tamu", "Alat Tulis Kantor (ATK)", "Komputer"]
    assert header.warnings[0].startswith("Jika SOP tidak dilaksanakan")


def test_a_document_with_only_a_title_takes_its_name_and_unit_from_the_title():
    doc = seed(PENGADUAN_JAMBI)
    assert doc.title == "SOP PENANGANAN PENGADUAN MASYARAKAT DI DINAS KESEHATAN PROVINSI JAMBI"
    assert doc.header.approved_by is None and doc.header.legal_basis == []


# -- the procedure table -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "actors"),
    [
        (SATU_PINTU, ["PETUGAS LAYANAN", "PENGGUNA LAYANAN", "RESEPSIONIS", "SATPAM"]),
        (
            PENGADUAN_MUBA,
            [
                "PELAPOR",
                "PETUGAS PENGELOLA PENGADUAN / ADMIN",
                "TIM PENGELOLA PENGADUAN",
                "KEPALA DINAS KESEHATAN",
            ],
        ),
        (
            PRIMA,
            ["Kepala KKP", "Ka Tim Kerja", "Petugas Layanan", "Pelanggan", "Atasan Langsung"],
        ),
        (
            PENGADUAN_JAMBI,
            [
                "Pemohon",
                "Bag. Tata Usaha",
                "Petugas Teknis",
                "Kepala Seksi",
                "Kepala OPD",
                "Kepala Bidang",
            ],
        ),
    ],
)
def test_actors_are_the_header_names_then_the_discovered_roles(prefix, actors):
    assert list(seed(prefix).actors) == actors


def test_columns_are_found_from_the_header_rows_not_from_fixed_positions():
    prima = seed(PRIMA)  # KELENGKAPAN sits under the PELAKSANA span of the first row
    assert prima.rows[0].documents == ("Standar Pelayanan",)
    assert prima.rows[0].output == "Standar Pelayanan dijalankan"
    jambi = seed(PENGADUAN_JAMBI)  # the KELENGKAPAN header cell is empty
    assert jambi.rows[0].documents == ("Surat Pengaduan",)
    assert jambi.rows[1].output == "Surat Pengaduan serta lembar disposisi dari Kepala OPD"


def test_step_rows_keep_their_source_line_and_blank_lines_inside_the_table_are_skipped():
    doc = seed(PRIMA)
    assert [row.number for row in doc.rows] == list(range(1, 9))
    assert doc.rows[0].line == 30
    assert doc.rows[6].line == 37  # after a blank line


def test_free_text_after_the_table_is_a_note_not_a_step():
    doc = seed(PRIMA)
    assert len(doc.rows) == 8
    assert doc.notes == (
        "Tidak menerima Gratifikasi dalam bentuk apapun dan Petugas menghindari segala bentuk "
        "Benturan Kepentingan.",
    )


def test_kelengkapan_is_split_on_commas_and_semicolons():
    assert seed(PENGADUAN_JAMBI).rows[1].documents == (
        "Agenda surat masuk",
        "lembar disposisi surat ke Kepala OPD",
        "surat pengaduan",
    )
    assert seed(PENGADUAN_MUBA).rows[5].documents == ("Berkas Pengaduan dan Draft Tanggapan",)
    assert document("izin_praktik.txt").rows[0].documents == ("Formulir permohonan", "KTP")


def test_symbol_markers_name_the_columns_they_sit_in():
    rows = seed(PENGADUAN_JAMBI).rows
    assert rows[0].symbol_actors == ("Pemohon",)
    assert rows[0].symbol_kind == "terminator"
    assert set(rows[7].symbol_actors) == {"Bag. Tata Usaha", "Petugas Teknis"}
    assert rows[7].symbol_kind == "decision"  # a square and a diamond: the diamond wins
    assert all("(Red" not in row.activity for row in rows)


@pytest.mark.parametrize(
    ("prefix", "step", "duration"),
    [
        (SATU_PINTU, 1, {"value": 3, "unit": "minutes"}),
        (PENGADUAN_MUBA, 5, {"value": 3, "unit": "working_days"}),
        (PRIMA, 4, {"value": None, "unit": "service_standard"}),
        (PRIMA, 7, {"value": 72, "unit": "clock_hours"}),
        (PENGADUAN_JAMBI, 1, None),
        (PENGADUAN_JAMBI, 2, {"value": 1, "unit": "hours"}),
        (PENGADUAN_JAMBI, 3, {"value": 3, "unit": "calendar_days"}),
        (PENGADUAN_JAMBI, 11, {"value": 30, "unit": "minutes"}),
    ],
)
def test_waktu_is_read_as_a_duration(prefix, step, duration):
    assert summary(seed(prefix))["steps"][step - 1]["duration"] == duration


def test_bare_numbers_under_a_waktu_menit_header_are_minutes():
    text = "\n".join(
        [
            "NAMA SOP\t: Contoh",
            "No\tKegiatan\tPelaksana\t\tMutu Baku\t\t",
            "\t\tPetugas\tKepala\tKelengkapan\tWaktu (menit)\tOutput",
            "1\tPetugas menerima berkas\t\t\tBerkas\t15\tBerkas",
            "2\tKepala memeriksa berkas\t\t\tBerkas\t2 Jam\tBerkas",
        ]
    )
    rows = read_document(text).rows
    assert rows[0].duration is not None and rows[0].duration.model_dump() == {
        "value": 15,
        "unit": "minutes",
    }
    assert rows[1].duration is not None and rows[1].duration.unit == "hours"


# -- kinds -------------------------------------------------------------------------------------


def test_kinds_come_from_the_symbols_when_the_document_has_them():
    kinds = [row.kind for row in seed(PENGADUAN_JAMBI).rows]
    assert kinds == ["terminator"] + ["process"] * 6 + ["decision"] * 3 + ["process"]


def test_without_symbols_the_ends_are_terminators_and_approval_steps_are_decisions():
    muba = [row.kind for row in seed(PENGADUAN_MUBA).rows]
    assert muba == ["terminator"] + ["process"] * 4 + ["decision"] + ["process"] * 2 + [
        "terminator"
    ]
    prima = [row.kind for row in seed(PRIMA).rows]
    assert prima == ["terminator"] + ["process"] * 4 + ["decision"] + ["process", "terminator"]
    assert any("kind decision inferred" in w for w in warnings_about(seed(PRIMA), 6))


def test_something_already_approved_is_not_a_decision():
    assert seed(PENGADUAN_MUBA).rows[6].kind == "process"  # "Berkas yang sudah disetujui …"


# -- the summary -------------------------------------------------------------------------------


def test_the_summary_has_the_json_shape_of_the_cli():
    result = summary(seed(PENGADUAN_JAMBI))
    assert set(result) == SUMMARY_KEYS
    assert set(result["steps"][0]) == SUMMARY_STEP_KEYS
    assert result["steps"][3]["actors"] == ["Kepala Bidang"]
    assert result["steps"][7]["kind"] == "decision"
    assert json.loads(json.dumps(result)) == result


# -- unreadable documents ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("error_empty.txt", 1, "empty"),
        ("error_no_table.txt", 4, "no procedure table"),
        ("error_no_actor_columns.txt", 4, "no actor columns"),
        ("error_step_without_activity.txt", 6, "step 2 has no activity"),
        ("error_unreadable_waktu.txt", 6, "'secepatnya'"),
        ("error_non_numeric_step.txt", 6, "'2a' is not a number"),
        ("error_steps_out_of_order.txt", 6, "step 3 is out of order"),
    ],
)
def test_an_unreadable_document_is_rejected_naming_the_line(name, line, reason):
    path = DOCUMENTS / name
    with pytest.raises(UnreadableDocument) as raised:
        read_document(path.read_text(encoding="utf-8"), str(path))
    assert raised.value.line == line
    assert str(raised.value).startswith(f"{path}:{line}: ")
    assert reason in str(raised.value)


def test_text_between_step_rows_continues_the_step_before_with_a_warning():
    text = "\n".join(
        [
            "NAMA SOP\t: Contoh",
            "No\tKegiatan\tPelaksana\t\tMutu Baku\t\t",
            "\t\tPetugas\tKepala\tKelengkapan\tWaktu\tOutput",
            "1\tPetugas menerima berkas\t\t\tBerkas\t5 Menit\tBerkas",
            "lanjutan yang terpotong",
            "2\tKepala memeriksa berkas\t\t\tBerkas\t5 Menit\tBerkas",
        ]
    )
    doc = read_document(text, "x.txt")
    assert doc.rows[0].activity == "Petugas menerima berkas lanjutan yang terpotong"
    assert [row.number for row in doc.rows] == [1, 2]
    assert "step 1: line 5 has no step number; joined to step 1 as a continuation — review" in (
        doc.warnings
    )
