"""Inferring the kind of each step (terminator, process, decision).

A row with flowchart shapes takes their kind (a diamond wins); a shape other than a diamond
keeps its kind even when the remarks write answers (a warning says they are not used). Without
shapes (no marker, or ticks only): the first and the last step are terminators; any other step
whose remarks write where answers go ("Ya: lanjut ke langkah 5; Tidak: kembali ke langkah 2") is
a decision; so is a step whose text asks for approval or a yes/no answer
("untuk di setujui", "disetujui", "persetujuan", "apakah", "Apabila/Jika … maka") is a decision,
with a warning that the kind was inferred — but "yang sudah/telah disetujui" describes a thing
already approved and asks nothing; every other step is a process.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sop.importer.model import ImportedRow

_DECISION = [
    re.compile(r"\b(?<!sudah )(?<!telah )di\s?setujui\b", re.IGNORECASE),
    re.compile(r"\bper\s?setujuan\b", re.IGNORECASE),
    re.compile(r"\bapakah\b", re.IGNORECASE),
    re.compile(r"\b(?:apabila|jika|bila|bilamana)\b.+\bmaka\b", re.IGNORECASE),
]


def decision_cue(activity: str) -> str | None:
    """The words of the activity that ask for a decision, or None."""
    for pattern in _DECISION:
        match = pattern.search(activity)
        if match:
            return match.group(0)
    return None


def infer_kinds(rows: Sequence[ImportedRow]) -> tuple[list[str], list[str]]:
    """The kind of every row, and warnings for the kinds read from the text."""
    kinds: list[str] = []
    warnings: list[str] = []
    for index, row in enumerate(rows):
        if row.symbol_kind:
            kinds.append(row.symbol_kind)
            if row.branches and row.symbol_kind != "decision":
                warnings.append(_unused_answers(row, f"its symbol is a {row.symbol_kind}"))
        elif index in (0, len(rows) - 1):
            kinds.append("terminator")
            if row.branches:
                warnings.append(_unused_answers(row, "it is the first or the last step"))
        elif row.branches:
            kinds.append("decision")
            answers = ", ".join(repr(branch.answer) for branch in row.branches)
            warnings.append(
                f"step {row.number}: kind decision inferred from the written answers ({answers})"
            )
        elif cue := decision_cue(row.activity):
            kinds.append("decision")
            warnings.append(
                f"step {row.number}: kind decision inferred from the activity text ({cue!r})"
            )
        else:
            kinds.append("process")
    return kinds, warnings


def _unused_answers(row: ImportedRow, why: str) -> str:
    answers = ", ".join(repr(branch.answer) for branch in row.branches)
    return f"step {row.number}: answers {answers} are written but {why}; they are not used"
