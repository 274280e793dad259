"""The nine elements (unsur) of the Survei Kepuasan Masyarakat, PermenPANRB 14/2017."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Element:
    code: str  # "u1" … "u9": the key of an answer
    name: str  # as the regulation names it
    question: str  # how the questionnaire asks it


ELEMENTS: tuple[Element, ...] = (
    Element(
        "u1", "Persyaratan", "Bagaimana kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"
    ),
    Element(
        "u2",
        "Sistem, Mekanisme dan Prosedur",
        "Bagaimana kemudahan prosedur pelayanan di unit ini?",
    ),
    Element("u3", "Waktu Penyelesaian", "Bagaimana kecepatan waktu dalam memberikan pelayanan?"),
    Element("u4", "Biaya/Tarif", "Bagaimana kewajaran biaya/tarif dalam pelayanan?"),
    Element(
        "u5",
        "Produk Spesifikasi Jenis Pelayanan",
        "Bagaimana kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan"
        " dengan hasil yang diberikan?",
    ),
    Element(
        "u6", "Kompetensi Pelaksana", "Bagaimana kompetensi/kemampuan petugas dalam pelayanan?"
    ),
    Element(
        "u7",
        "Perilaku Pelaksana",
        "Bagaimana perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
    ),
    Element(
        "u8",
        "Penanganan Pengaduan, Saran dan Masukan",
        "Bagaimana penanganan pengaduan, saran dan masukan pengguna layanan?",
    ),
    Element("u9", "Sarana dan Prasarana", "Bagaimana kualitas sarana dan prasarana?"),
)

CODES: tuple[str, ...] = tuple(e.code for e in ELEMENTS)

# The four answers, worst to best (the regulation's scale 1–4).
SCALE: dict[int, str] = {
    1: "Tidak baik",
    2: "Kurang baik",
    3: "Baik",
    4: "Sangat baik",
}
