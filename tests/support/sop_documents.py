"""SOP documents for the importer's tests: the seed documents, the documents written for the
tests (tests/unit/sop_documents) and the unseen ones (…/unseen), read by the importer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sop.importer import ImportedDocument, read_document

DOCUMENTS = Path(__file__).resolve().parents[1] / "unit" / "sop_documents"
_LOCAL_SEEDS = DOCUMENTS / "seeds"
_SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEEDS = _LOCAL_SEEDS if _LOCAL_SEEDS.is_dir() else _SHARED_SEEDS
UNSEEN = DOCUMENTS / "unseen"
# Documents whose symbol columns are intact while the activity texts name other actors.
MARKED = DOCUMENTS / "marked"
# The same SOP-AP tables as Word documents: two saved by LibreOffice Writer (from the sources in
# word/sources/), one written by python-docx.
WORD = DOCUMENTS / "docx"
# The unseen documents the importer reads (error_*.txt it must refuse), and some by name.
UNSEEN_DOCUMENTS = sorted(
    path.name for path in UNSEEN.glob("*.txt") if not path.name.startswith("error")
)
RAWAT_JALAN = "puskesmas_rawat_jalan.txt"
RUJUKAN = "rsud_rujukan_keluar.txt"
IZIN_APOTEK = "dinkes_izin_apotek.txt"
SURAT_MASUK = "puskesmas_surat_masuk.txt"
LABKESDA = "labkesda_pemeriksaan_sampel.txt"
KELUHAN = "rsud_keluhan_pasien.txt"
KLB = "dinkes_penyelidikan_klb.txt"
IMUNISASI = "puskesmas_imunisasi.txt"

# The seed documents, by the prefix of their file names.
SATU_PINTU, PENGADUAN_MUBA, PRIMA, PENGADUAN_JAMBI = "000", "001", "002", "004"
# The actor of each step of each seed document, as the importer should read it.
SEED_ACTORS = {
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


# The keys of `alur sop import --json` (sop.importer.summary), and of each of its steps.
SUMMARY_KEYS = {"name", "number", "unit", "actors", "steps", "warnings"}
SUMMARY_STEP_KEYS = {
    "number",
    "activity",
    "actors",
    "kind",
    "documents",
    "duration",
    "output",
    "branches",
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


def unseen(name: str) -> ImportedDocument:
    path = UNSEEN / name
    return read_document(path.read_bytes().decode("utf-8-sig"), str(path))


def actors_of(doc: ImportedDocument) -> list[str]:
    return [row.actors[0] for row in doc.rows]


def warnings_about(doc: ImportedDocument, step: int) -> list[str]:
    return [w for w in doc.warnings if w.startswith(f"step {step}:")]


NO_DATABASE = "postgresql://x@127.0.0.1:1/x"  # `sop import` reads a file; it needs no database


def import_as_json(path: Path) -> subprocess.CompletedProcess[str]:
    """`alur sop import PATH --json`, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "alur.cli", "sop", "import", str(path), "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": NO_DATABASE},
        timeout=60,
        check=False,
    )
