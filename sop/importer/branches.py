"""Reading where a decision's answers go, from what the document writes about them.

The remarks (KET/KETERANGAN) of a step are read first; when they name no answer, the activity
text is read, but only for an answer with a step number ("… kembali ke langkah 2"). Two forms:
- "ANSWER: WHERE" parts, separated by ";", "/", "," or a sentence end: "Ya: lanjut ke langkah
  5; Tidak: kembali ke langkah 2", "Lengkap = 4, Tidak lengkap = 2", "Ya → 5";
- "jika/bila/apabila/kalau ANSWER WHERE": "Jika tidak lengkap kembali ke no. 2", "Apabila
  disetujui, lanjut ke langkah 6". The answer is the words from a negation ("tidak", "belum")
  on, else the last word before WHERE ("berkas lengkap" → "lengkap").
WHERE is a step number after "langkah", "no.", "nomor", "step", "kegiatan", "tahap", "butir"
or "ke" (or a bare number after ":"/"→"); "selesai"/"berhenti"/"stop" ends the case; "lanjut",
"diteruskan", "dilanjutkan" without a number is the next step. Answers are lower-case, as
written. A part that names no place is not an answer.

A third form names an actor instead of a step: "apabila tidak lengkap dikembalikan ke
Pemohon", "jika belum sesuai berkas dikembalikan kepada Staf TU". `returned_to` gives the answer
and the text naming where the file goes back; `sop.importer.read_document` sends that answer
back to the last earlier step of the actor it names, for a step whose remarks and activity
write no other answer.
"""

from __future__ import annotations

import re

from sop.definition import END
from sop.importer.model import WrittenBranch


def _words(words: str) -> str:
    """A pattern matching any of the space-separated `words` (each a pattern) as a whole word."""
    return r"\b(?:" + "|".join(words.split()) + r")\b"


_IF = "jika bila apabila kalau"
_PLACE_NUMBER = re.compile(
    _words("langkah no nomor nomer step kegiatan tahap tahapan butir poin ke")
    + r"\.?\s*(?:ke\s*-?\s*)?(\d+)\b",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^\s*(\d+)\s*\.?\s*$")
_END = re.compile(_words(r"selesai berhenti stop end proses\s+berakhir"), re.IGNORECASE)
_NEXT = re.compile(_words("lanjut dilanjutkan diteruskan teruskan diproses"), re.IGNORECASE)
_SEPARATOR = re.compile(
    r"\s*(?:;|\n|\s/\s|\.\s+(?=[A-Z])|,\s*(?=" + _words(_IF) + r"|[^,:]{1,30}(?::|=|→|->)))\s*",
    re.IGNORECASE,
)
_LABELLED = re.compile(r"^([A-Za-z][\w ]{0,40}?)\s*(?::|=>|->|→|=)\s*(.+)$")
_CONDITIONAL = re.compile(r"^" + _words(f"{_IF} bilamana") + r"\s+(.+)$", re.IGNORECASE)
_WHERE_START = re.compile(
    r"[,:]|"
    + _words(
        "maka kembali dikembalikan kembalikan lanjut dilanjutkan diteruskan teruskan menuju ke"
        " diproses proses selesai berhenti ulangi diulang"
    ),
    re.IGNORECASE,
)
_NEGATION = re.compile(_words("tidak tdk belum bukan") + r".*$", re.IGNORECASE)
_MAX_ANSWER_WORDS = 4


def read_branches(remarks: str | None, activity: str) -> tuple[WrittenBranch, ...]:
    """The answers the remarks (or, with a step number, the activity) write for a step."""
    written = _read(remarks or "")
    if written:
        return written
    return tuple(branch for branch in _read(activity) if isinstance(branch.goto, int))


def _read(text: str) -> tuple[WrittenBranch, ...]:
    branches: list[WrittenBranch] = []
    for part in _SEPARATOR.split(text):
        branch = _labelled(part) or _conditional(part)
        if branch and branch.answer not in {b.answer for b in branches}:
            branches.append(branch)
    return tuple(branches)


def _labelled(part: str) -> WrittenBranch | None:
    match = _LABELLED.match(part.strip())
    if not match or len(match.group(1).split()) > _MAX_ANSWER_WORDS:
        return None
    answer = " ".join(match.group(1).lower().split())
    if _CONDITIONAL.match(answer):
        answer = _CONDITIONAL.match(answer).group(1)  # type: ignore[union-attr]
    found, goto = _place(match.group(2), bare=True)
    return WrittenBranch(answer, goto) if found else None


def _conditional(part: str) -> WrittenBranch | None:
    match = _CONDITIONAL.match(part.strip())
    if not match:
        return None
    rest = match.group(1)
    where = _WHERE_START.search(rest)
    if not where or not where.start():
        return None
    condition = " ".join(rest[: where.start()].lower().split())
    negation = _NEGATION.search(condition)
    answer = negation.group(0) if negation else condition.split()[-1]
    found, goto = _place(rest[where.start() :], bare=False)
    return WrittenBranch(answer, goto) if found else None


def _place(text: str, bare: bool) -> tuple[bool, int | str | None]:
    """(whether the text names a place, the step number / END / None for the next step)."""
    number = _PLACE_NUMBER.search(text) or (_BARE_NUMBER.match(text) if bare else None)
    if number:
        return True, int(number.group(1))
    if _END.search(text):
        return True, END
    if _NEXT.search(text):
        return True, None
    return False, None


_RETURNED = re.compile(
    r"\b(?:jika|bila|apabila|kalau|bilamana)\s+(?P<condition>[^,;.]+?)\s*,?\s*"
    r"\b(?:di)?kembalikan\s+(?:lagi\s+)?(?:ke(?:pada)?|pada)\s+(?P<target>[^,;.]+)",
    re.IGNORECASE,
)
_NOT_THE_ANSWER = frozenset(
    [
        "maka",
        "berkas",
        "surat",
        "dokumen",
        "permohonan",
        "usulan",
        "konsep",
        "draft",
        "akan",
        "harus",
        "segera",
    ]
)


def returned_to(text: str | None) -> tuple[str, str] | None:
    """(answer, where the file goes back) of "apabila ANSWER dikembalikan ke WHERE", or None."""
    match = _RETURNED.search(text or "")
    if not match:
        return None
    words = match.group("condition").lower().split()
    while words and words[-1] in _NOT_THE_ANSWER:
        words.pop()
    if not words:
        return None
    condition = " ".join(words)
    negation = _NEGATION.search(condition)
    answer = negation.group(0) if negation else words[-1]
    return answer, match.group("target").strip()
