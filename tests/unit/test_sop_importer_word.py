"""SOP documents as Word files (.docx, issue 14 §3): the SOP-AP table with merged header cells,
actor names over two lines, numbered lists in the identity block, symbols drawn as shapes,
pictures or text markers. Two fixtures were saved by LibreOffice Writer (headless, from the
sources in sop_documents/docx/sources/), one written by python-docx; each is read exactly like
its text twin in sop_documents/marked/."""

from __future__ import annotations

import io
import json
import zipfile

import docx
import pytest
from docx.oxml import parse_xml

from sop.importer import UnreadableDocument, draft_definition, read_bytes, summary
from sop.importer.word import word_text
from tests.support.sop_documents import MARKED, SUMMARY_STEP_KEYS, WORD, import_as_json
from tests.unit.test_sop_importer_marked import MARKED_ACTORS, MARKED_BRANCHES

# Word file -> (its text twin, the office suite that saved it; None: python-docx wrote it)
TWINS = {
    "izin_reklame.docx": ("dpmptsp_izin_reklame.txt", "LibreOffice"),
    "pengaduan_puskesmas.docx": ("puskesmas_pengaduan_layanan.txt", "LibreOffice"),
    "izin_praktik_perawat.docx": ("dinkes_izin_praktik_perawat.txt", None),
}


def word(name: str):
    path = WORD / name
    return read_bytes(path.read_bytes(), str(path))


def _steps(doc) -> list[dict]:
    definition, _ = draft_definition(doc)
    return summary(doc, definition)["steps"]


def test_two_fixtures_were_saved_by_libreoffice_writer_from_committed_sources():
    for name, (_, application) in TWINS.items():
        with zipfile.ZipFile(WORD / name) as package:
            app = package.read("docProps/app.xml").decode()
        if application:
            assert f"<Application>{application}" in app, name
        else:
            assert "LibreOffice" not in app, name
    assert (WORD / "sources" / "izin_reklame.fodt").is_file()
    assert (WORD / "sources" / "pengaduan_puskesmas.html").is_file()


@pytest.mark.parametrize("name", sorted(TWINS))
def test_a_word_document_reads_like_its_text_twin(name):
    twin = MARKED / TWINS[name][0]
    text = read_bytes(twin.read_bytes(), str(twin))
    doc = word(name)
    assert (doc.name, doc.number, doc.unit) == (text.name, text.number, text.unit)
    assert doc.actors == text.actors
    assert _steps(doc) == _steps(text)
    assert [w for w in doc.warnings] == [w for w in text.warnings]


@pytest.mark.parametrize("name", sorted(TWINS))
def test_every_step_of_a_word_document_gets_its_marked_actor_and_branches(name):
    steps = _steps(word(name))
    twin = TWINS[name][0]
    assert [s["actors"] for s in steps] == [[a] for a in MARKED_ACTORS[twin]]
    assert {s["number"]: s["branches"] for s in steps if s["kind"] == "decision"} == (
        MARKED_BRANCHES[twin]
    )


def test_merged_header_cells_keep_the_grid_and_names_over_two_lines_are_one_name():
    lines = word_text((WORD / "izin_reklame.docx").read_bytes()).splitlines()
    header = next(line for line in lines if line.startswith("NO\t"))
    assert header.split("\t") == ["NO", "URAIAN KEGIATAN", "PELAKSANA", "", "", "", "",
                                  "MUTU BAKU", "", "", "KET"]  # fmt: skip
    names = lines[lines.index(header) + 1].split("\t")
    assert names[:7] == ["", "", "Pemohon", "Petugas Loket", "Verifikator",
                         "Kepala Bidang Perizinan", "Kepala Dinas"]  # fmt: skip


def test_shapes_drawn_by_libreoffice_give_the_kinds():
    doc = word("izin_reklame.docx")  # flowChartTerminator / Process / Decision shapes
    assert [row.symbol_kind for row in doc.rows] == [
        "terminator", "process", "decision", "process", "decision", "process", "process",
        "terminator",
    ]  # fmt: skip


def test_pictures_are_markers_named_by_their_description():
    doc = word("izin_praktik_perawat.docx")
    assert doc.rows[3].symbol_kind == "decision"  # "Belah ketupat"
    assert doc.rows[1].symbol_kind == "process"  # "Proses"
    assert doc.rows[6].symbol_actors == ("Kepala Dinas",)  # no description: a plain marker
    assert doc.rows[6].symbol_kind is None


def test_numbered_lists_in_the_identity_block_become_items():
    reklame = word("izin_reklame.docx").header
    assert reklame.legal_basis == [
        "Peraturan Daerah Nomor 4 Tahun 2023 tentang Pajak dan Retribusi Daerah",
        "Peraturan Bupati Nomor 12 Tahun 2024 tentang Perizinan",
    ]
    assert reklame.equipment == ["Komputer", "Buku register"]
    assert reklame.approved_by is not None
    assert reklame.approved_by.nip == "19690412 199503 1 002"
    perawat = word("izin_praktik_perawat.docx").header  # "List Number" paragraphs
    assert perawat.legal_basis[1] == "Peraturan Menteri Kesehatan Nomor 26 Tahun 2019"


def _vml_document(shapes: list[str]) -> bytes:
    """A one-row SOP table whose actor cells hold VML shapes, as Word 2003-2007 wrote them."""
    document = docx.Document()
    document.add_paragraph("Nama SOP\t: Contoh VML")
    table = document.add_table(rows=2 + len(shapes), cols=6)
    for cell, text in zip(
        table.rows[0].cells, ["No", "Kegiatan", "Pelaksana", "", "Mutu Baku", ""], strict=True
    ):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells, ["", "", "Petugas", "Kepala", "Kelengkapan", "Waktu"], strict=True
    ):
        cell.text = text
    vml = (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict>{}</w:pict></w:r>'
    )
    for number, shape in enumerate(shapes, 1):
        cells = table.rows[number + 1].cells
        cells[0].text, cells[1].text = str(number), f"Kegiatan {number}"
        cells[2 + number % 2].paragraphs[0]._p.append(parse_xml(vml.format(shape)))
        cells[4].text, cells[5].text = "Berkas", "5 Menit"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_vml_shapes_of_older_word_files_are_symbols_too():
    data = _vml_document(
        [
            '<v:oval style="width:40pt;height:20pt"/>',
            '<v:shape type="#_x0000_t110" style="width:40pt;height:30pt"/>',
            '<v:rect style="width:40pt;height:20pt"/>',
            '<v:line from="0,0" to="10,10"/><v:roundrect style="width:40pt;height:20pt"/>',
        ]
    )
    doc = read_bytes(data, "vml.docx")
    assert [row.symbol_kind for row in doc.rows] == [
        "terminator", "decision", "process", "terminator"
    ]  # fmt: skip
    assert [row.actors for row in doc.rows] == [("Kepala",), ("Petugas",)] * 2


def test_a_broken_word_file_is_refused_naming_the_file():
    with pytest.raises(UnreadableDocument, match=r"^rusak\.docx:1: not a Word \(\.docx\)"):
        read_bytes(b"PK\x03\x04 not really a zip", "rusak.docx")


@pytest.mark.parametrize("name", sorted(TWINS))
def test_the_cli_imports_a_word_document(name):
    result = import_as_json(WORD / name)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    twin = TWINS[name][0]
    assert all(set(step) == SUMMARY_STEP_KEYS for step in report["steps"])
    assert [s["actors"] for s in report["steps"]] == [[a] for a in MARKED_ACTORS[twin]]
    decisions = {s["number"]: s["branches"] for s in report["steps"] if s["kind"] == "decision"}
    assert decisions == MARKED_BRANCHES[twin]


def test_the_cli_refuses_a_broken_word_file(tmp_path):
    broken = tmp_path / "rusak.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = import_as_json(broken)
    assert result.returncode == 1
    assert f"{broken}:1: not a Word (.docx) document" in result.stderr
