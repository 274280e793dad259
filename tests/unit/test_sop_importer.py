"""The SOP document importer: reading text exports of SOP documents and drafting definitions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sop.definition import Branch, SopDefinition
from sop.importer import (
    ImportedDocument,
    UnreadableDocument,
    draft_definition,
    read_document,
    summary,
)

DOCUMENTS = Path(__file__).resolve().parent / "sop_documents"
_LOCAL_SEEDS = DOCUMENTS / "seeds"
_SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEEDS = _LOCAL_SEEDS if _LOCAL_SEEDS.is_dir() else _SHARED_SEEDS

SATU_PINTU, PENGADUAN_MUBA, PRIMA, PENGADUAN_JAMBI = "000", "001", "002", "004"

EXPECTED_ACTORS = {
    SATU_PINTU: [
        "SATPAM",
        "PETUGAS LAYANAN",
        "PENGGUNA LAYANAN",
        "RESEPSIONIS",
        "PENGGUNA LAYANAN",
        "PETUGAS LAYANAN",
        "PETUGAS LAYANAN",
        "SATPAM",
    ],
    PENGADUAN_MUBA: [
        "PELAPOR",
        "PETUGAS PENGELOLA PENGADUAN / ADMIN",
        "PETUGAS PENGELOLA PENGADUAN / ADMIN",
        "PETUGAS PENGELOLA PENGADUAN / ADMIN",
        "TIM PENGELOLA PENGADUAN",
        "KEPALA DINAS KESEHATAN",
        "KEPALA DINAS KESEHATAN",
        "TIM PENGELOLA PENGADUAN",
        "PELAPOR",
    ],
    PRIMA: [
        "Kepala KKP",
        "Ka Tim Kerja",
        "Petugas Layanan",
        "Petugas Layanan",
        "Petugas Layanan",
        "Pelanggan",
        "Atasan Langsung",
        "Atasan Langsung",
    ],
    PENGADUAN_JAMBI: [
        "Pemohon",
        "Bag. Tata Usaha",
        "Kepala OPD",
        "Kepala Bidang",
        "Kepala Seksi",
        "Petugas Teknis",
        "Petugas Teknis",
        "Kepala Seksi",
        "Kepala Bidang",
        "Kepala OPD",
        "Bag. Tata Usaha",
    ],
}


def seed_path(prefix: str) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found in {SEEDS}")
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip(f"seed {prefix} not found in {SEEDS}")
    return found[0]


def seed(prefix: str) -> ImportedDocument:
    path = seed_path(prefix)
    return read_document(path.read_text(encoding="utf-8"), str(path))


def document(name: str) -> ImportedDocument:
    path = DOCUMENTS / name
    return read_document(path.read_text(encoding="utf-8"), str(path))


def actors_of(doc: ImportedDocument) -> list[str]:
    return [row.actors[0] for row in doc.rows]


def warnings_about(doc: ImportedDocument, step: int) -> list[str]:
    return [w for w in doc.warnings if w.startswith(f"step {step}:")]


# -- the identity block ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "name", "number", "unit"),
    [
        (
            SATU_PINTU,
            "Pelayanan Publik Satu Pintu",
            "800/ 667 /SOP/KES/III/2022",
            "Dinas Kesehatan Kabupaten Musi Banyuasin",
        ),
        (
            PENGADUAN_MUBA,
            "Penanganan Pengaduan Masyarakat",
            "440/ 301 /SOP/KES/II/2021",
            "Dinas Kesehatan Kabupaten Musi Banyuasin",
        ),
        (
            PRIMA,
            "Pelayanan Prima",
            "OT.02.02/1/1981/2023",
            "Kementerian Kesehatan Republik Indonesia Direktorat Jenderal Pencegahan dan "
            "Pengendalian Penyakit Balai Kekarantinaan Kesehatan Kelas I Palembang",
        ),
        (
            PENGADUAN_JAMBI,
            "Penanganan Pengaduan Masyarakat",
            None,
            "Dinas Kesehatan Provinsi Jambi",
        ),
    ],
)
def test_a_seed_document_is_read_with_its_name_number_and_unit(prefix, name, number, unit):
    doc = seed(prefix)
    assert (doc.name, doc.number, doc.unit) == (name, number, unit)


def test_header_dates_and_the_approving_officer_are_split_into_their_fields():
    header = seed(SATU_PINTU).header
    assert header.created == header.revised == header.effective == "13 Maret 2022"
    assert header.approved_by is not None
    assert header.approved_by.position == "Kepala Dinas Kesehatan Kabupaten Musi Banyuasin"
    assert header.approved_by.name == "dr. H. Azmi Dariusmansyah, MARS"
    assert header.approved_by.nip == "19720928 200502 1 003"


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


# -- who does each step ------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", sorted(EXPECTED_ACTORS))
def test_every_step_gets_the_actor_its_document_implies(prefix):
    assert actors_of(seed(prefix)) == EXPECTED_ACTORS[prefix]


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
    assert set(result) == {"name", "number", "unit", "actors", "steps", "warnings"}
    assert set(result["steps"][0]) == {
        "number",
        "activity",
        "actors",
        "kind",
        "documents",
        "duration",
        "output",
    }
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
    assert [roles[actor] for actor in EXPECTED_ACTORS[prefix]] == [
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
