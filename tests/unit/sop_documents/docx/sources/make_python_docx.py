"""Writes izin_praktik_perawat.docx with python-docx (run once from this folder; the file is
committed): the SOP-AP table with cells merged the Word way (`cell.merge`), actor names in two
paragraphs, "List Number" paragraphs in the identity table, and the symbols as pictures in the
actor cells — with a description naming the shape ("Terminator", "Proses", "Belah ketupat"), as
Word's alt text does, except step 7's picture, which has none (a plain marker).

    ../../../../../.venv/bin/python make_python_docx.py
"""

from __future__ import annotations

import io
import struct
import zlib

import docx
from docx.shared import Cm

ACTORS = [("Pemohon",), ("Staf", "Tata Usaha"), ("Kepala Seksi", "SDK"), ("Staf Seksi", "SDK"),
          ("Kepala", "Dinas")]  # fmt: skip
STEPS = [
    ("Menyampaikan surat permohonan izin praktik kepada Staf Tata Usaha", 0, "Terminator",
     "Surat permohonan, STR, Ijazah", "15 Menit", "Surat permohonan", ""),
    ("Menerima surat permohonan dari Pemohon, mengagendakan dan meneruskan ke Kepala Seksi SDK",
     1, "Proses", "Surat permohonan, Buku agenda", "30 Menit", "Surat teragenda", ""),
    ("Menerima surat dari Staf Tata Usaha dan mendisposisikan kepada Staf Seksi SDK", 2,
     "Proses", "Surat teragenda, Lembar disposisi", "1 Jam", "Disposisi", ""),
    ("Memverifikasi berkas; jika tidak lengkap berkas dikembalikan ke Staf Tata Usaha untuk "
     "diberitahukan kepada Pemohon", 3, "Belah ketupat", "Berkas permohonan", "2 Minggu",
     "Berkas terverifikasi", "Ya: ke langkah 5; Tidak: ke langkah 2"),
    ("Menyusun konsep surat izin praktik dan menyampaikan kepada Kepala Seksi SDK", 3, "Proses",
     "Berkas terverifikasi", "1 Hari Kerja", "Konsep surat izin", ""),
    ("Memeriksa konsep surat izin, apakah sudah sesuai", 2, "Belah ketupat", "Konsep surat izin",
     "1 Jam", "Konsep disetujui",
     "Sesuai: lanjut ke langkah 7; Tidak sesuai: kembali ke langkah 5"),
    ("Menandatangani surat izin praktik", 4, "", "Konsep disetujui", "1 Hari Kerja",
     "Surat izin praktik", ""),
    ("Menerima surat izin praktik dari Kepala Dinas dan menyerahkan kepada Pemohon", 1, "Proses",
     "Surat izin praktik", "Sesuai jadwal", "Tanda terima", ""),
    ("Menerima surat izin praktik", 0, "Terminator", "Tanda terima", "", "Izin diterima", ""),
]  # fmt: skip


def png(width: int = 24, height: int = 12) -> bytes:
    """A small grey PNG (the picture's pixels do not matter to the importer)."""
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))  # fmt: skip


def main() -> None:
    document = docx.Document()
    document.add_paragraph("PEMERINTAH KABUPATEN BANYUASIN")
    document.add_paragraph("DINAS KESEHATAN")
    identity = document.add_table(rows=0, cols=2)
    for label, value in [
        ("Nomor SOP", ": 440/118/SOP/DINKES/2024"),
        ("Tanggal Pembuatan", ": 12 Agustus 2024"),
        ("Tanggal Efektif", ": 2 September 2024"),
        ("Disahkan oleh", ": Kepala Dinas Kesehatan Kabupaten Banyuasin"),
        ("Nama SOP", ": Penerbitan Surat Izin Praktik Perawat"),
    ]:
        cells = identity.add_row().cells
        cells[0].text, cells[1].text = label, value
    cells = identity.add_row().cells
    cells[0].text = "Dasar Hukum"
    cells[1].text = ""
    for item in ["Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan",
                 "Peraturan Menteri Kesehatan Nomor 26 Tahun 2019"]:  # fmt: skip
        cells[1].add_paragraph(item, style="List Number")
    document.add_paragraph("")
    table = document.add_table(rows=2 + len(STEPS), cols=11)
    table.style = "Table Grid"
    head, names = table.rows[0].cells, table.rows[1].cells
    head[0].merge(names[0]).text = "No"
    head[1].merge(names[1]).text = "Kegiatan"
    head[2].merge(head[6]).text = "Pelaksana"
    head[7].merge(head[9]).text = "Mutu Baku"
    head[10].merge(names[10]).text = "Keterangan"
    for cell, name in zip(names[2:7], ACTORS, strict=True):
        cell.text = name[0]
        for more in name[1:]:
            cell.add_paragraph(more)
    for cell, name in zip(names[7:10], ["Persyaratan/Kelengkapan", "Waktu", "Output"], strict=True):
        cell.text = name
    for number, (activity, column, shape, documents, waktu, output, remarks) in enumerate(STEPS, 1):
        cells = table.rows[number + 1].cells
        cells[0].text, cells[1].text = str(number), activity
        run = cells[2 + column].paragraphs[0].add_run()
        run.add_picture(io.BytesIO(png()), width=Cm(1.2))
        doc_pr = run._r.xpath(".//wp:docPr")[0]
        doc_pr.set("name", f"Simbol {number}")
        if shape:
            doc_pr.set("descr", shape)
        cells[7].text, cells[8].text, cells[9].text, cells[10].text = (
            documents,
            waktu,
            output,
            remarks,
        )
    document.save("../izin_praktik_perawat.docx")


if __name__ == "__main__":
    main()
