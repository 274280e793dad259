"""What an audit print-out may show of the people in a case: the reporter's personal data never.

Officers are named (they act in office); the reporter's name and contacts are masked, an
anonymous reporter is "Anonim", and a confidential complaint's subject reads "Dirahasiakan".
Fields a step collected (a guest-book entry) are masked when their name says they are personal.
"""

from __future__ import annotations

import re
from typing import Any

HIDDEN = "Dirahasiakan"
ANONYMOUS = "Anonim"

# Words in field names (English or Indonesian) whose values identify a person.
_PERSONAL = frozenset(
    [
        "name",
        "nama",
        "email",
        "surel",
        "phone",
        "telepon",
        "telp",
        "hp",
        "whatsapp",
        "wa",
        "alamat",
        "address",
        "nik",
        "ktp",
        "reporter",
        "pelapor",
        "tamu",
        "visitor",
    ]
)


def mask(text: str | None) -> str:
    """Each word's first letter, the rest starred: "Siti Aminah" -> "S*** A*****"."""
    if not text:
        return "-"
    return " ".join(word[0] + "*" * (len(word) - 1) for word in text.split())


def personal(field: str) -> bool:
    """ "nama_tamu", "reporterPhone", "no-hp" are personal; "waktu", "teknik" are not."""
    words = re.split(r"[^a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", field).lower())
    return any(word in _PERSONAL for word in words)


def reporter(payload: dict[str, Any]) -> str:
    if payload.get("anonymous"):
        return ANONYMOUS
    return mask((payload.get("reporter") or {}).get("name"))


def subject(payload: dict[str, Any]) -> str:
    return HIDDEN if payload.get("confidential") else str(payload.get("subject") or "-")


def value(field: str, raw: Any) -> str:
    """A collected value as printed: masked when the field is personal."""
    if isinstance(raw, dict):
        return ", ".join(f"{k}: {value(k, v)}" for k, v in raw.items())
    text = "-" if raw is None else str(raw)
    return mask(text) if personal(field) else text
