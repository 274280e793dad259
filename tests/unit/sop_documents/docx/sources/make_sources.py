"""Writes the office-suite sources of the .docx fixtures (run once; the sources and the .docx
files LibreOffice Writer made from them are committed):

    python3 make_sources.py
    soffice --headless --convert-to docx --outdir .. izin_reklame.fodt pengaduan_puskesmas.html

- izin_reklame.fodt (flat ODF, Writer): the SOP-AP table with merged header cells (PELAKSANA
  and MUTU BAKU over their columns, No/Kegiatan/KET over both header rows), actor names broken
  over lines, numbered lists in the identity table, and the flowchart symbols drawn as shapes
  (terminator, process, decision) anchored in the actor cells;
- pengaduan_puskesmas.html: the same layout as an HTML table (colspan/rowspan, <br> in names,
  <ol> lists) with the symbols written as text markers ("(Oval)", "persegi", …).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

REKLAME_ACTORS = [
    "Pemohon", "Petugas\nLoket", "Verifikator", "Kepala Bidang\nPerizinan", "Kepala\nDinas"
]  # fmt: skip
REKLAME_STEPS = [
    (
        1,
        "Mengajukan permohonan izin reklame dengan melampirkan persyaratan",
        0,
        "terminator",
        "Formulir permohonan, KTP, Desain reklame",
        "10 Menit",
        "Berkas permohonan",
        "",
    ),
    (
        2,
        "Menerima berkas permohonan dari Pemohon dan mencatat dalam buku register",
        1,
        "process",
        "Berkas permohonan",
        "15 Menit",
        "Register permohonan",
        "",
    ),
    (
        3,
        "Memeriksa kelengkapan berkas; apabila tidak lengkap dikembalikan ke Pemohon",
        2,
        "decision",
        "Berkas permohonan, Daftar periksa",
        "1 Jam",
        "Berkas lengkap",
        "",
    ),
    (
        4,
        "Melakukan peninjauan lokasi dan membuat telaahan teknis untuk disampaikan kepada Kepala "
        "Bidang Perizinan",
        2,
        "process",
        "Berkas lengkap, Berita acara peninjauan",
        "1-2 Hari",
        "Telaahan teknis",
        "",
    ),
    (
        5,
        "Memeriksa telaahan teknis dan konsep izin",
        3,
        "decision",
        "Telaahan teknis, Konsep izin",
        "Paling lambat 2 Hari Kerja",
        "Konsep izin diparaf",
        "Ya: ke langkah 6; Tidak: ke langkah 4",
    ),
    (
        6,
        "Menandatangani surat izin reklame dan menyerahkannya kepada Petugas Loket",
        4,
        "process",
        "Konsep izin diparaf",
        "1 Hari Kerja",
        "Surat izin reklame",
        "",
    ),
    (
        7,
        "Menyerahkan surat izin kepada Pemohon dan melaporkan penerbitannya kepada Kepala Dinas",
        1,
        "process",
        "Surat izin reklame, Buku ekspedisi",
        "30 Menit",
        "Tanda terima",
        "",
    ),
    (8, "Menerima surat izin reklame", 0, "terminator", "Tanda terima", "", "Izin diterima", ""),
]
_GEOMETRY = {
    "terminator": "flowchart-terminator",
    "process": "flowchart-process",
    "decision": "flowchart-decision",
}

FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:automatic-styles>
  <style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="33cm"
   fo:page-height="21cm" style:print-orientation="landscape" fo:margin-top="1cm"
   fo:margin-bottom="1cm" fo:margin-left="1cm" fo:margin-right="1cm"/></style:page-layout>
  <style:style style:name="cell" style:family="table-cell"><style:table-cell-properties
   fo:border="0.5pt solid #000000" fo:padding="0.05cm"/></style:style>
  <style:style style:name="shape" style:family="graphic"><style:graphic-properties
   draw:fill="solid" draw:fill-color="#ffffff" svg:stroke-color="#c00000"
   draw:stroke="solid"/></style:style>
  <text:list-style style:name="numbered"><text:list-level-style-number text:level="1"
   style:num-format="1" style:num-suffix="."><style:list-level-properties
   text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment
   text:label-followed-by="listtab" fo:text-indent="-0.5cm" fo:margin-left="0.6cm"/>
   </style:list-level-properties></text:list-level-style-number></text:list-style>
 </office:automatic-styles>
 <office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/>
 </office:master-styles>
 <office:body><office:text>
"""


def _p(text: str) -> str:
    """A paragraph; a newline in the text is a line break."""
    return "<text:p>" + "<text:line-break/>".join(escape(t) for t in text.split("\n")) + "</text:p>"


def _cell(content: str, columns: int = 1, rows: int = 1) -> str:
    spans = ""
    if columns > 1:
        spans += f' table:number-columns-spanned="{columns}"'
    if rows > 1:
        spans += f' table:number-rows-spanned="{rows}"'
    covered = "<table:covered-table-cell/>" * (columns - 1)
    return f'<table:table-cell table:style-name="cell"{spans}>{content}</table:table-cell>{covered}'


def _list(items: list[str]) -> str:
    return (
        '<text:list text:style-name="numbered">'
        + "".join(f"<text:list-item>{_p(item)}</text:list-item>" for item in items)
        + "</text:list>"
    )


def _shape(kind: str, step: int) -> str:
    width, height = ("1.8cm", "1.1cm") if kind == "decision" else ("1.8cm", "0.7cm")
    return (
        f'<text:p><draw:custom-shape text:anchor-type="as-char" draw:z-index="{step}" '
        f'draw:name="Langkah {step}" draw:style-name="shape" svg:width="{width}" '
        f'svg:height="{height}"><draw:enhanced-geometry svg:viewBox="0 0 21600 21600" '
        f'draw:type="{_GEOMETRY[kind]}"/></draw:custom-shape></text:p>'
    )


def _row(cells: list[str]) -> str:
    return "<table:table-row>" + "".join(cells) + "</table:table-row>"


def reklame_fodt() -> str:
    identity = [
        _row(
            [
                _cell(_p("DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU"), rows=4),
                _cell(_p("NOMOR SOP")),
                _cell(_p(": 503/041/SOP/DPMPTSP/2025")),
            ]
        ),
        _row(
            [
                "<table:covered-table-cell/>",
                _cell(_p("TANGGAL PEMBUATAN")),
                _cell(_p(": 6 Januari 2025")),
            ]
        ),
        _row(
            [
                "<table:covered-table-cell/>",
                _cell(_p("TANGGAL EFEKTIF")),
                _cell(_p(": 3 Februari 2025")),
            ]
        ),
        _row(
            [
                "<table:covered-table-cell/>",
                _cell(_p("DISAHKAN OLEH")),
                _cell(_p(": Kepala Dinas\nIr. Hasanudin, M.Si\nNIP. 19690412 199503 1 002")),
            ]
        ),
        _row([_cell(_p("NAMA SOP")), _cell(_p(": PENERBITAN IZIN REKLAME"), columns=2)]),
        _row([_cell(_p("DASAR HUKUM :")), _cell(_p("KUALIFIKASI PELAKSANA :"), columns=2)]),
        _row(
            [
                _cell(
                    _list(
                        [
                            "Peraturan Daerah Nomor 4 Tahun 2023 tentang Pajak dan Retribusi "
                            "Daerah",
                            "Peraturan Bupati Nomor 12 Tahun 2024 tentang Perizinan",
                        ]
                    )
                ),
                _cell(
                    _list(
                        ["Memahami ketentuan perizinan reklame", "Mampu mengoperasikan komputer"]
                    ),
                    columns=2,
                ),
            ]
        ),
        _row([_cell(_p("KETERKAITAN :")), _cell(_p("PERALATAN / PERLENGKAPAN :"), columns=2)]),
        _row(
            [
                _cell(_p("SOP Pelayanan Pengaduan")),
                _cell(_list(["Komputer", "Buku register"]), columns=2),
            ]
        ),
    ]
    head1 = [
        _cell(_p("NO"), rows=2),
        _cell(_p("URAIAN KEGIATAN"), rows=2),
        _cell(_p("PELAKSANA"), columns=5),
        _cell(_p("MUTU BAKU"), columns=3),
        _cell(_p("KET"), rows=2),
    ]
    head2 = ["<table:covered-table-cell/>"] * 2 + [_cell(_p(a)) for a in REKLAME_ACTORS]
    head2 += [
        _cell(_p("Kelengkapan")),
        _cell(_p("Waktu")),
        _cell(_p("Output")),
        "<table:covered-table-cell/>",
    ]
    rows = []
    for number, activity, column, kind, docs, waktu, output, remarks in REKLAME_STEPS:
        actors = [_cell(_shape(kind, number) if i == column else "<text:p/>") for i in range(5)]
        rows.append(
            _row(
                [
                    _cell(_p(f"{number}.")),
                    _cell(_p(activity)),
                    *actors,
                    _cell(_p(docs)),
                    _cell(_p(waktu)),
                    _cell(_p(output)),
                    _cell(_p(remarks)),
                ]
            )
        )
    return (
        FODT_HEAD
        + _p("PEMERINTAH KABUPATEN OGAN KOMERING ILIR")
        + _p("DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU")
        + '<table:table table:name="Identitas"><table:table-column '
        'table:number-columns-repeated="3"/>'
        + "".join(identity)
        + "</table:table>"
        + _p("")
        + '<table:table table:name="Prosedur"><table:table-column '
        'table:number-columns-repeated="11"/>'
        + _row(head1)
        + _row(head2)
        + "".join(rows)
        + "</table:table>"
        + "</office:text></office:body></office:document>\n"
    )


PUSKESMAS_ACTORS = [
    "Pengadu",
    "Petugas<br>Pengaduan",
    "Kepala<br>Tata Usaha",
    "Penanggung Jawab<br>Program",
    "Kepala<br>Puskesmas",
]
PUSKESMAS_STEPS = [
    (
        "Menyampaikan pengaduan secara lisan atau tertulis kepada Petugas Pengaduan",
        0,
        "(Oval)",
        "Formulir pengaduan",
        "10 menit",
        "Pengaduan tersampaikan",
        "",
    ),
    (
        "Mencatat pengaduan dalam buku register dan memberikan tanda terima kepada Pengadu",
        1,
        "(Rectangle)",
        "Buku register pengaduan",
        "15 menit",
        "Tanda terima",
        "",
    ),
    (
        "Menelaah pengaduan dan menentukan penanggung jawab tindak lanjut; apabila bukan "
        "kewenangan "
        "Puskesmas dikembalikan ke Petugas Pengaduan untuk dirujuk",
        2,
        "belah ketupat",
        "Register pengaduan",
        "1 Hari Kerja",
        "Disposisi",
        "Kewenangan Puskesmas: ke langkah 4; Bukan kewenangan: ke langkah 7",
    ),
    (
        "Menerima disposisi dari Kepala Tata Usaha dan menindaklanjuti pengaduan bersama lintas "
        "program",
        3,
        "persegi",
        "Lembar disposisi",
        "Paling lambat 5 Hari Kerja",
        "Hasil tindak lanjut",
        "",
    ),
    (
        "Menyusun konsep jawaban dan menyampaikannya kepada Kepala Puskesmas dengan "
        "tembusan kepada "
        "Kepala Tata Usaha",
        3,
        "persegi",
        "Hasil tindak lanjut",
        "1 Hari Kerja",
        "Konsep jawaban",
        "",
    ),
    (
        "Memeriksa dan menandatangani jawaban; apabila belum sesuai dikembalikan ke "
        "Penanggung Jawab "
        "Program",
        4,
        "(Diamond)",
        "Konsep jawaban",
        "1 Hari Kerja",
        "Jawaban ditandatangani",
        "Sesuai: ke langkah 7; Belum sesuai: ke langkah 5",
    ),
    (
        "Menyampaikan jawaban kepada Pengadu dan mengarsipkan berkas pengaduan",
        1,
        "(Rectangle)",
        "Jawaban ditandatangani",
        "1 Bulan",
        "Arsip pengaduan",
        "",
    ),
    ("Menerima jawaban pengaduan", 0, "(Oval)", "Jawaban", "", "Pengaduan selesai", ""),
]


def puskesmas_html() -> str:
    td = '<td style="border:1px solid black">'
    head = f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>SOP Penanganan Pengaduan</title></head><body>
<p>UPTD PUSKESMAS TALANG RATU</p><p>KOTA PALEMBANG</p>
<table style="border-collapse:collapse">
<tr>{td}Nomor SOP</td>{td}: 445/27/SOP/PKM-TR/2025</td></tr>
<tr>{td}Tanggal Pembuatan</td>{td}: 14 Januari 2025</td></tr>
<tr>{td}Tanggal Efektif</td>{td}: 1 Februari 2025</td></tr>
<tr>{td}Disahkan oleh</td>{td}: Kepala UPTD Puskesmas Talang Ratu</td></tr>
<tr>{td}Nama SOP</td>{td}: Penanganan Pengaduan Layanan Puskesmas</td></tr>
<tr>{td}Dasar Hukum</td>{td}<ol><li>Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik</li>
<li>Peraturan Presiden Nomor 76 Tahun 2013 tentang Pengelolaan Pengaduan Pelayanan Publik</li>
</ol></td></tr>
</table>
<p></p>
<table style="border-collapse:collapse">
<tr><td rowspan="2" style="border:1px solid black">NO</td>
<td rowspan="2" style="border:1px solid black">AKTIVITAS</td>
<td colspan="5" style="border:1px solid black">PELAKSANA</td>
<td colspan="3" style="border:1px solid black">MUTU BAKU</td>
<td rowspan="2" style="border:1px solid black">KET.</td></tr>
<tr>{"".join(f"{td}{a}</td>" for a in PUSKESMAS_ACTORS)}
{td}Kelengkapan</td>{td}Waktu</td>{td}Output</td></tr>
"""
    rows = []
    for number, (activity, column, marker, docs, waktu, output, remarks) in enumerate(
        PUSKESMAS_STEPS, 1
    ):
        actors = "".join(f"{td}{marker if i == column else ''}</td>" for i in range(5))
        rows.append(
            f"<tr>{td}{number}</td>{td}{escape(activity)}</td>{actors}{td}{escape(docs)}</td>"
            f"{td}{escape(waktu)}</td>{td}{escape(output)}</td>{td}{escape(remarks)}</td></tr>"
        )
    return head + "\n".join(rows) + "\n</table></body></html>\n"


if __name__ == "__main__":
    with open("izin_reklame.fodt", "w", encoding="utf-8") as out:
        out.write(reklame_fodt())
    with open("pengaduan_puskesmas.html", "w", encoding="utf-8") as out:
        out.write(puskesmas_html())
