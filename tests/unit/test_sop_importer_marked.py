"""Symbol columns are authoritative where a row's layout is intact (issue 14 §1), and a
decision's answers become branches (§2): documents whose every row has all its cells and one
marker in the column of the actor who does the step, while the activity texts name other
actors (recipients, "dikembalikan ke …", "menerima … dari …"); seed 004, whose symbols slipped,
is still read from the text with exactly the warnings it gave before."""

from __future__ import annotations

import json

import pytest

from sop.importer import draft_definition, read_document, summary
from tests.support.sop_documents import (
    MARKED,
    PENGADUAN_JAMBI,
    SEED_ACTORS,
    SUMMARY_STEP_KEYS,
    actors_of,
    import_as_json,
    seed,
    warnings_about,
)

REKLAME = "dpmptsp_izin_reklame.txt"
PERAWAT = "dinkes_izin_praktik_perawat.txt"
PUSKESMAS = "puskesmas_pengaduan_layanan.txt"

# The actor each row marks: what every step must get.
MARKED_ACTORS = {
    REKLAME: [
        "Pemohon",
        "Petugas Loket",
        "Verifikator",
        "Verifikator",
        "Kepala Bidang Perizinan",
        "Kepala Dinas",
        "Petugas Loket",
        "Pemohon",
    ],
    PERAWAT: [
        "Pemohon",
        "Staf Tata Usaha",
        "Kepala Seksi SDK",
        "Staf Seksi SDK",
        "Staf Seksi SDK",
        "Kepala Seksi SDK",
        "Kepala Dinas",
        "Staf Tata Usaha",
        "Pemohon",
    ],
    PUSKESMAS: [
        "Pengadu",
        "Petugas Pengaduan",
        "Kepala Tata Usaha",
        "Penanggung Jawab Program",
        "Penanggung Jawab Program",
        "Kepala Puskesmas",
        "Petugas Pengaduan",
        "Pengadu",
    ],
}
# Each decision's branches as `alur sop import --json` shows them.
MARKED_BRANCHES = {
    REKLAME: {
        3: [{"answer": "tidak lengkap", "goto": 1}, {"answer": "lengkap", "goto": 4}],
        5: [{"answer": "ya", "goto": 6}, {"answer": "tidak", "goto": 4}],
    },
    PERAWAT: {
        4: [{"answer": "ya", "goto": 5}, {"answer": "tidak", "goto": 2}],
        6: [{"answer": "sesuai", "goto": 7}, {"answer": "tidak sesuai", "goto": 5}],
    },
    PUSKESMAS: {
        3: [
            {"answer": "kewenangan puskesmas", "goto": 4},
            {"answer": "bukan kewenangan", "goto": 7},
        ],
        6: [{"answer": "sesuai", "goto": 7}, {"answer": "belum sesuai", "goto": 5}],
    },
}

# What the importer warned about seed 004 before symbols became authoritative: pinned.
SEED_004_WARNINGS = [
    "actor Kepala Bidang is named in step 3 but has no column",
    "step 4: actor Kepala Bidang inferred from the activity text (recipient named in step 3)",
    "step 4: the symbol column marks Kepala Seksi but the activity text names Kepala Bidang "
    "(recipient named in step 3); using the text",
    "step 5: actor Kepala Seksi inferred from the activity text (recipient named in step 4)",
    "step 5: the symbol column marks Petugas Teknis but the activity text names Kepala Seksi "
    "(recipient named in step 4); using the text",
    "step 6: actor Petugas Teknis inferred from the activity text (recipient named in step 5)",
    "step 6: the symbol column marks Bag. Tata Usaha but the activity text names Petugas "
    "Teknis (recipient named in step 5); using the text",
    "step 7: actor Petugas Teknis inferred from the activity text (continues step 6)",
    "step 7: the symbol column marks Bag. Tata Usaha but the activity text names Petugas "
    "Teknis (continues step 6); using the text (the symbol columns contradict the text in "
    "most steps)",
    "step 8: actor Kepala Seksi inferred from the activity text (recipient named in step 7)",
    "step 8: the symbol column marks Petugas Teknis and Bag. Tata Usaha but the activity text "
    "names Kepala Seksi (recipient named in step 7); using the text",
    "step 9: actor Kepala Bidang inferred from the activity text (recipient named in step 8)",
    "step 9: the symbol column marks Petugas Teknis but the activity text names Kepala Bidang "
    "(recipient named in step 8); using the text",
    "step 10: actor Kepala OPD inferred from the activity text (recipient named in step 9)",
    "step 10: the symbol column marks Petugas Teknis but the activity text names Kepala OPD "
    "(recipient named in step 9); using the text",
]


def marked(name: str):
    path = MARKED / name
    return read_document(path.read_bytes().decode("utf-8-sig"), str(path))


@pytest.mark.parametrize("name", sorted(MARKED_ACTORS))
def test_every_step_of_an_intact_document_gets_the_actor_its_row_marks(name):
    doc = marked(name)
    assert [row.layout_fault for row in doc.rows] == [None] * len(doc.rows)
    assert actors_of(doc) == MARKED_ACTORS[name]
    assert [list(row.actors) for row in doc.rows] == [[a] for a in MARKED_ACTORS[name]]


@pytest.mark.parametrize("name", sorted(MARKED_ACTORS))
def test_an_intact_document_warns_only_where_the_text_suggests_someone_else(name):
    doc = marked(name)
    assert not [w for w in doc.warnings if "inferred from the activity text" in w]
    assert not [w for w in doc.warnings if "using the text" in w]
    for warning in doc.warnings:
        if "the symbol column marks" in warning:
            assert warning.endswith("; using the symbol column")


def test_recipients_sent_back_files_and_givers_do_not_take_the_step():
    reklame = marked(REKLAME)
    # "… apabila tidak lengkap dikembalikan ke Pemohon" names Pemohon; step 4 is the Verifikator's
    assert reklame.rows[3].actors == ("Verifikator",)
    assert "suggests Pemohon (recipient named in step 3)" in " ".join(warnings_about(reklame, 4))
    # "… kepada Pemohon dan melaporkan … kepada Kepala Dinas": the closing step is the applicant's
    assert reklame.rows[7].actors == ("Pemohon",)
    perawat = marked(PERAWAT)  # "Menerima surat … dari Kepala Dinas" is the Staf TU's step
    assert perawat.rows[7].actors == ("Staf Tata Usaha",)
    assert warnings_about(perawat, 8) == [
        "step 8: waktu 'Sesuai jadwal': the step follows a schedule, not a time standard: "
        "no deadline and no timer"
    ]


def test_the_seeds_still_read_as_before():
    for prefix, actors in SEED_ACTORS.items():
        assert actors_of(seed(prefix)) == actors


def test_seed_004_gives_exactly_the_warnings_it_gave_before():
    assert list(seed(PENGADUAN_JAMBI).warnings) == SEED_004_WARNINGS


# -- rows whose layout is visibly not intact --------------------------------------------------

_HEADER = [
    "NAMA SOP\t: Contoh",
    "No\tKegiatan\tPelaksana\t\t\tMutu Baku\t\t",
    "\t\tPemohon\tPetugas\tKepala Seksi\tKelengkapan\tWaktu\tOutput",
]


def _table(*rows: str):
    return read_document("\n".join([*_HEADER, *rows]))


def test_a_row_with_a_lost_cell_is_read_from_its_text():
    doc = _table(
        "1\tPemohon mengajukan berkas\t(Circle)\t\t\tBerkas\t5 Menit\tBerkas",
        # A cell is lost: the row stops short, so its square may have slid left.
        "2\tPetugas memeriksa berkas\t(Square)\t\t\tBerkas\t5 Menit",
    )
    assert doc.rows[1].layout_fault == "7 cells where the header has 8 columns"
    assert doc.rows[1].actors == ("Petugas",)
    assert "using the text" in " ".join(warnings_about(doc, 2))


def test_a_row_with_markers_of_two_shapes_is_read_from_its_text():
    doc = _table(
        "1\tPemohon mengajukan berkas\t(Circle)\t\t\tBerkas\t5 Menit\tBerkas",
        "2\tKepala Seksi memeriksa berkas\t\t(Square)\t(Diamond)\tBerkas\t5 Menit\tBerkas",
    )
    assert doc.rows[1].layout_fault == "markers of different shapes (decision, process)"
    assert doc.rows[1].actors == ("Kepala Seksi",)


def test_a_marker_in_the_column_of_the_actor_the_step_hands_over_to_is_not_trusted():
    doc = _table(
        "1\tMengajukan berkas\t(Circle)\t\t\tBerkas\t5 Menit\tBerkas",
        "2\tPetugas menerima berkas dan meneruskan kepada Kepala Seksi\t\t\t(Square)\tBerkas"
        "\t5 Menit\tBerkas",
        # The slip goes on while the text disagrees with the marker …
        "3\tMemeriksa dan menandatangani berkas\t\t(Square)\t\tBerkas\t5 Menit\tBerkas",
        # … and ends at a row whose text confirms its marker.
        "4\tPemohon menerima berkas\t(Circle)\t\t\tBerkas\t5 Menit\tBerkas",
    )
    assert actors_of(doc) == ["Pemohon", "Petugas", "Kepala Seksi", "Pemohon"]
    assert "using the text" in " ".join(warnings_about(doc, 3))
    assert warnings_about(doc, 4) == []


def test_the_same_marker_in_an_intact_row_is_trusted():
    doc = _table(
        "1\tMengajukan berkas kepada Petugas\t(Circle)\t\t\tBerkas\t5 Menit\tBerkas",
        "2\tMenerima berkas dari Pemohon dan meneruskan kepada Kepala Seksi\t\t(Square)"
        "\t\tBerkas\t5 Menit\tBerkas",
        "3\tMenandatangani berkas\t\t(Square)\t\tBerkas\t5 Menit\tBerkas",
    )
    assert actors_of(doc) == ["Pemohon", "Petugas", "Petugas"]
    assert warnings_about(doc, 3) == [
        "step 3: the activity text suggests Kepala Seksi (recipient named in step 2) but the "
        "symbol column marks Petugas; using the symbol column"
    ]


# -- decisions and their branches ---------------------------------------------------------------


def test_a_file_sent_back_to_an_actor_goes_back_to_that_actors_last_step():
    doc = marked(REKLAME)  # "apabila tidak lengkap dikembalikan ke Pemohon", no remarks
    assert doc.rows[2].kind == "decision"
    assert [(b.answer, b.goto) for b in doc.rows[2].branches] == [("tidak lengkap", 1)]
    definition, warnings = draft_definition(doc)
    assert [(b.answer, b.goto) for b in definition.step(3).branches] == [
        ("tidak lengkap", 1),
        ("lengkap", None),
    ]
    assert any("only the answer 'tidak lengkap' is written" in w for w in warnings)


@pytest.mark.parametrize("name", sorted(MARKED_BRANCHES))
def test_the_summary_shows_each_decisions_branches(name):
    doc = marked(name)
    definition, _ = draft_definition(doc)
    steps = summary(doc, definition)["steps"]
    shown = {s["number"]: s["branches"] for s in steps if s["kind"] == "decision"}
    assert shown == MARKED_BRANCHES[name]
    assert all(s["branches"] == [] for s in steps if s["kind"] != "decision")


@pytest.mark.parametrize("name", sorted(MARKED_ACTORS))
def test_the_cli_prints_actors_and_branches_of_every_marked_document(name):
    result = import_as_json(MARKED / name)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert all(set(step) == SUMMARY_STEP_KEYS for step in report["steps"])
    assert [step["actors"] for step in report["steps"]] == [[a] for a in MARKED_ACTORS[name]]
    decisions = {s["number"]: s["branches"] for s in report["steps"] if s["kind"] == "decision"}
    assert decisions == MARKED_BRANCHES[name]
