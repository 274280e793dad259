"""Cleaning the text of one cell of an SOP export.

- HTML fragments (`<p>…</p>`, `<ol style=…>`, `<li>`) are stripped and entities decoded.
- Whitespace (also non-breaking and other Unicode spaces) is collapsed, a BOM and zero-width
  characters dropped; markdown bold markers (`**`) dropped.
- A list cell is split into items: "1. … 2. …" on its numbers (written order kept); an HTML
  list on its `<li>` items, or, without `<li>`, on ";" and on sentence ends (". " before a
  capital); bullets "•" on the bullets. Any other cell is one item.
- Flowchart markers in actor cells: a shape named in English, maybe after a colour ("(Red
  Circle)", "(Diamond)", "Blue Square") or in Indonesian ("lingkaran", "belah ketupat",
  "persegi panjang", "proses", "keputusan"); any other non-empty cell ("√", "v", "X", "✓",
  "●") is a marker without a shape.
- Texts written all in capitals are title-cased for names ("PELAYANAN PRIMA" → "Pelayanan
  Prima"), keeping roman numerals, vowel-less acronyms and known ones (UPTD, RSUD, OPD, BPJS,
  IGD, …) upper case.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]*>")
_HTML_LIST = re.compile(r"<\s*(?:ol|ul|li)\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+\S")
_NUMBER_MARK = re.compile(r"(?:^|\s)\d{1,2}[.)]\s+(?=\S)")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])")
_SYMBOL = re.compile(
    r"\(\s*(?:[a-z]+\s+)?(circle|oval|ellipse|capsule|square|rectangle|box|diamond|rhombus)\s*\)",
    re.IGNORECASE,
)
_SHAPE_WORDS = re.compile(
    r"\b(circle|oval|ellipse|capsule|terminator|square|rectangle|box|process|diamond|rhombus|"
    r"decision|lingkaran|elips|kapsul|persegi(?:\s+panjang)?|kotak|belah\s+ketupat|"
    r"wajik|proses|keputusan)\b",
    re.IGNORECASE,
)
_SHAPE_NAMES = {
    "terminator": "capsule",
    "process": "rectangle",
    "decision": "diamond",
    "lingkaran": "circle",
    "elips": "ellipse",
    "kapsul": "capsule",
    "persegi": "square",
    "persegi panjang": "rectangle",
    "kotak": "box",
    "belah ketupat": "diamond",
    "wajik": "diamond",
    "proses": "rectangle",
    "keputusan": "diamond",
}
_SMALL_WORDS = frozenset({"dan", "di", "ke", "dari", "yang", "untuk", "atau", "pada", "serta"})
_ROMAN = re.compile(r"^[IVX]+$")
# Acronyms with vowels, kept upper case in names.
_ACRONYMS = frozenset(
    [
        "UPTD",
        "UPT",
        "RSUD",
        "RSU",
        "RSIA",
        "BLUD",
        "OPD",
        "SKPD",
        "PTSP",
        "DPMPTSP",
        "BPJS",
        "KIA",
        "IGD",
        "ICU",
        "UGD",
        "BPOM",
        "SOP",
    ]
)
# Unicode spaces read as a space; BOM and zero-width characters dropped.
_INVISIBLE = {
    **{ord(c): " " for c in "\u00a0\u2007\u202f\u2002\u2003\u2009"},
    **{ord(c): None for c in "\ufeff\u200b\u200c\u200d\u2060"},
}


def clean(cell: str | None) -> str:
    """The visible text of a cell: no HTML, no `**`, single spaces, trimmed."""
    text = html.unescape(_TAG.sub(" ", cell or ""))
    text = text.replace("**", " ").translate(_INVISIBLE)
    return " ".join(text.split())


def without_symbols(text: str) -> str:
    """The text with flowchart symbol markers ("(Red Square)") removed."""
    return " ".join(_SYMBOL.sub(" ", text).split())


def symbol_shapes(cell: str) -> list[str]:
    """The flowchart shapes named in a cell, lower case ("circle", "square", "diamond", …)."""
    return [match.group(1).lower() for match in _SYMBOL.finditer(cell or "")]


def marker_shapes(cell: str) -> list[str] | None:
    """The shapes (English, lower case) of the flowchart markers in an actor cell: [] for a
    marker without a shape ("√", "X"), None for an empty cell."""
    text = clean(cell)
    if not text:
        return None
    words = (" ".join(match.group(1).lower().split()) for match in _SHAPE_WORDS.finditer(text))
    return [_SHAPE_NAMES.get(word, word) for word in words]


def split_list(cell: str) -> list[str]:
    """The items of a list cell (see the module docstring); [] for an empty cell."""
    if _HTML_LIST.search(cell) and _LIST_ITEM.search(cell):
        parts = _LIST_ITEM.split(cell)
    elif _HTML_LIST.search(cell):
        parts = [p for part in clean(cell).split(";") for p in _SENTENCE_END.split(part)]
    else:
        text = clean(cell)
        if _NUMBERED.match(text):
            parts = _NUMBER_MARK.split(text)
        elif text.startswith("•"):
            parts = text.split("•")
        else:
            parts = [text]
    items = (clean(part).strip(" ;") for part in parts)
    return [item for item in items if item]


def split_items(cell: str) -> list[str]:
    """Kelengkapan items: split on "," and ";" and trimmed; "-" is no item."""
    items = (item.strip() for item in re.split(r"[,;]", clean(cell)))
    return [item for item in items if item and item not in {"-", "–", "—"}]


def is_upper(text: str) -> bool:
    """Whether the text has letters and all of them are capitals."""
    return any(c.isalpha() for c in text) and text == text.upper()


def title_case(text: str) -> str:
    """Title case for a text written in capitals; other texts are returned unchanged."""
    if not is_upper(text):
        return text
    words = []
    for index, word in enumerate(text.split()):
        lower = word.lower()
        if (
            _ROMAN.match(word)
            or (len(word) > 1 and not re.search(r"[AEIOU]", word))
            or word.strip(".,()") in _ACRONYMS
        ):
            words.append(word)
        elif index and lower in _SMALL_WORDS:
            words.append(lower)
        else:
            words.append(lower[:1].upper() + lower[1:])
    return " ".join(words)


def words_title_case(text: str) -> str:
    """Every word capitalised ("atasan langsung" → "Atasan Langsung"), acronyms kept."""
    return " ".join(w if w.isupper() else w[:1].upper() + w[1:].lower() for w in text.split())
