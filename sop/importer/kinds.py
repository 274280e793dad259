"""Inferring the kind of each step (terminator, process, decision).

A row with flowchart symbols takes their kind (a diamond wins). Without symbols: the first and
the last step are terminators; a step whose text asks for approval or a yes/no answer
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
        elif index in (0, len(rows) - 1):
            kinds.append("terminator")
        elif cue := decision_cue(row.activity):
            kinds.append("decision")
            warnings.append(
                f"step {row.number}: kind decision inferred from the activity text ({cue!r})"
            )
        else:
            kinds.append("process")
    return kinds, warnings
