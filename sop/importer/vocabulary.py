"""The Indonesian office vocabulary the importer reads actor mentions with: who is a member of
the public, role and unit words, abbreviations, and the words that give a mention its role in
a sentence (see sop/importer/mentions.py)."""

from __future__ import annotations

import re

PUBLIC = re.compile(
    r"^(?:pelapor|pemohon|pengadu|pengguna\s+(?:layanan|jasa)|penerima\s+layanan|pelanggan|"
    r"masyarakat|tamu|pengunjung|pasien|keluarga\s+pasien|orang\s+tua|wali|klien|warga|"
    r"konsumen)\b",
    re.IGNORECASE,
)


def is_public(name: str) -> bool:
    """Whether an actor name names a member of the public (see the module docstring)."""
    return bool(PUBLIC.match(name.strip()))


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


WORD = re.compile(r"\w+(?:-\w+)*|[^\w\s]")
ABBREVIATIONS: dict[str, tuple[frozenset[str], ...]] = {
    "ka": (frozenset({"kepala", "ketua"}),),
    "kasi": (frozenset({"kepala"}), frozenset({"seksi"})),
    "kasie": (frozenset({"kepala"}), frozenset({"seksi"})),
    "kabid": (frozenset({"kepala"}), frozenset({"bidang"})),
    "kadis": (frozenset({"kepala"}), frozenset({"dinas"})),
    "kadin": (frozenset({"kepala"}), frozenset({"dinas"})),
    "kabag": (frozenset({"kepala"}), frozenset({"bagian"})),
    "kasubag": (frozenset({"kepala"}), frozenset({"subbagian"})),
    "kasubbag": (frozenset({"kepala"}), frozenset({"subbagian"})),
    "subag": (frozenset({"subbagian"}),),
    "subbag": (frozenset({"subbagian"}),),
    "bag": (frozenset({"bagian"}),),
    "tu": (frozenset({"tata"}), frozenset({"usaha"})),
    "sekdin": (frozenset({"sekretaris"}), frozenset({"dinas"})),
    "staff": (frozenset({"staf"}),),
    "kasubid": (frozenset({"kepala"}), frozenset({"subbidang"})),
    "kasubbid": (frozenset({"kepala"}), frozenset({"subbidang"})),
    "kapus": (frozenset({"kepala"}), frozenset({"puskesmas"})),
    "yankes": (frozenset({"pelayanan"}), frozenset({"kesehatan"})),
    "kesmas": (frozenset({"kesehatan"}), frozenset({"masyarakat"})),
    "p2p": (
        frozenset({"pencegahan"}),
        frozenset({"dan"}),
        frozenset({"pengendalian"}),
        frozenset({"penyakit"}),
    ),
    "ptgs": (frozenset({"petugas"}),),
}
# "Sub Bagian", "Sub. Bag", "Sub Bidang" are written as one word before matching.
SUB_UNIT = re.compile(r"\b[Ss]ub\.?\s*(?:([Bb]ag)(?:ian|\.)?|([Bb]id)(?:ang|\.)?)(?=\s|$|\W)")
ROLE_WORDS = word_set(
    """
    kepala ketua wakil sekretaris petugas staf staff pegawai pejabat pimpinan atasan bagian
    bidang seksi subbagian tim panitia unit koordinator penanggung direktur kasubag kasubbag
    kasi kabid kadis kabag sekdin admin administrator operator verifikator bendahara camat
    lurah bupati walikota gubernur menteri resepsionis satpam pelapor pemohon pengadu
    pelanggan masyarakat tamu pengunjung loket dokter perawat bidan apoteker analis kurir
    pengemudi teknisi pengawas auditor inspektur sekretariat komite dewan asisten kasubid
    pasien klien kasir perekam kapus
    """
)
# Words naming an organisational unit, not a person: a role only with a qualifier ("Tim Kerja").
UNIT_WORDS = word_set(
    "bagian bidang seksi subbagian tim panitia unit sekretariat komite dewan loket"
)
STOP = word_set(
    """
    yang dimana di ke dari dan atau untuk dengan kepada pada sesuai serta agar dalam secara
    maksimal setelah sebelum tersebut ini itu bahwa oleh bagi akan telah sudah harus untuk
    melalui terhadap masing
    """
)
CONNECTIVES = frozenset({"kemudian", "selanjutnya", "lalu", "dan", "setelahnya"})
SUBORDINATORS = frozenset(
    {
        "setelah",
        "sesudah",
        "sebelum",
        "jika",
        "apabila",
        "bila",
        "bilamana",
        "kalau",
        "ketika",
        "saat",
        "begitu",
        "sambil",
        "selama",
    }
)
DOTTED_ABBREVIATIONS = frozenset({"bag", "ka", "dr", "drs", "no", "h", "hj", "ir", "sdr", "bpk"})
PREPOSITION_ROLES = {
    "oleh": "agent",
    "dari": "source",
    "dengan": "other",
    "bagi": "other",
    "untuk": "other",
    "bersama": "other",
    "terhadap": "other",
    "kepada": "recipient",
    "ke": "recipient",
    "pada": "recipient",
    "kpd": "recipient",
}
COORDINATORS = frozenset({"dan", "serta", "atau", "/", ","})
