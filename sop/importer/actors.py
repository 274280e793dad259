"""Inferring who does each step, from the activity texts and the symbol columns.

The rules, the same for every document:
1. Mentions of actors are found by `sop.importer.mentions` (abbreviations, "/" alternatives,
   unique leading-word prefixes); roles named in the text but absent from the actor header
   are discovered and become extra actors when they do a step ("actor X is named in step N
   but has no column").
2. Confident text evidence, in this order: the subject of the activity ("Petugas layanan
   memverifikasi …"); the agent of a passive ("… oleh atasan langsung"); the recipient the
   step before handed over to ("… mengajukan ke Kepala OPD" → the next step is the Kepala
   OPD's; the last recipient named wins — unless the step itself names that actor other than
   as its subject: "Menjelaskan … kepada pasien" then "Mengantar pasien …" is not the
   patient's step).
3. Weak text evidence, when there is no confident one: the step continues the previous step's
   actor, except when it starts with "Menerima" (someone received from the previous actor); a
   step that cannot continue (the first one, or a "Menerima" step) takes the actor who does
   the same verb with a named subject elsewhere ("Mengantar …" ↔ "Satpam mengantar …").
4. Symbol columns are authoritative where the row's layout is intact: the step takes the
   marked actor, and a warning names the text's suggestion only where the two disagree. A
   row's layout is not intact (its symbol cells are not trusted) when the row itself shows it
   (`ImportedRow.layout_fault`: fewer cells than the header's columns, text beyond them,
   markers of different shapes), when its marker sits in the column of the actor its own text
   hands the work to or receives it from ("… mendisposisikan kepada Kepala Seksi" marked at
   Kepala Seksi), or when it follows such a row and its marker disagrees with the text: an
   export that shifted one row's cells usually shifted the rows below it too, so the slip
   lasts until a row whose marker the text confirms or does not contradict. In a row that is
   not intact, confident text beats the symbol column and weak or absent text yields to it —
   unless the symbol columns contradict the confident text in most steps of the document, in
   which case they are used only where the text says nothing (seed 004). Every disagreement
   is a warning naming both.
5. Every actor taken from the text gets a warning "step N: actor X inferred from the activity
   text (reason)". When nothing at all names an actor, the first step takes the first actor
   column and a later step the previous step's actor, with a warning asking for review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sop.importer.mentions import ActorMatcher, Reading
from sop.importer.model import ImportedRow


@dataclass(frozen=True)
class Evidence:
    actors: tuple[str, ...]
    reason: str
    confident: bool


@dataclass(frozen=True)
class ActorInference:
    step_actors: tuple[tuple[str, ...], ...]  # per row, in row order
    discovered: tuple[str, ...]  # discovered actors that do a step, in order of naming
    warnings: tuple[str, ...]


def infer_actors(column_actors: Sequence[str], rows: Sequence[ImportedRow]) -> ActorInference:
    """The actors of every row (see the module docstring)."""
    matcher = ActorMatcher(column_actors)
    readings = [matcher.read(row.activity) for row in rows]
    confident = [_confident(readings, index) for index in range(len(rows))]
    reliable = _symbols_reliable(rows, confident)
    chosen: list[tuple[str, ...]] = []
    warnings: list[str] = []
    slipped = False  # the last row with symbols was not intact
    for index, row in enumerate(rows):
        evidence = confident[index] or _weak(readings, index, chosen)
        if row.symbol_actors:
            slipped = not _intact(row, readings[index], evidence, slipped)
        if row.symbol_actors and not slipped:
            actors, notes = _marked(row, evidence)
        else:
            actors, notes = _decide(row, evidence, reliable, chosen, column_actors)
        chosen.append(actors)
        warnings.extend(notes)
    discovered, discovery_notes = _discovered(column_actors, readings, rows, chosen)
    return ActorInference(tuple(chosen), discovered, tuple(discovery_notes + warnings))


def _confident(readings: list[Reading], index: int) -> Evidence | None:
    reading = readings[index]
    if reading.subject:
        return Evidence(reading.subject, "named as the subject", True)
    if reading.agent:
        return Evidence(reading.agent, "named after 'oleh'", True)
    if index:
        previous = readings[index - 1]
        acted_upon = {m.actor for m in reading.mentions if m.role != "subject"}
        handed = [
            actor
            for actor in previous.recipients
            if actor not in previous.subject and actor not in acted_upon
        ]
        if handed:
            return Evidence((handed[-1],), f"recipient named in step {index}", True)
    return None


def _weak(readings: list[Reading], index: int, chosen: list[tuple[str, ...]]) -> Evidence | None:
    reading = readings[index]
    if index and reading.first_word != "menerima":
        return Evidence(chosen[-1], f"continues step {index}", False)
    for other, candidate in enumerate(readings):
        if candidate.subject and candidate.subject_verb == reading.first_word and other != index:
            reason = f"does the same verb '{reading.first_word}' in step {other + 1}"
            return Evidence(candidate.subject, reason, False)
    return None


def _intact(row: ImportedRow, reading: Reading, evidence: Evidence | None, slipped: bool) -> bool:
    """Whether the row's symbol cells can be trusted (see rule 4 of the module docstring)."""
    if row.layout_fault:
        return False
    handled = {m.actor for m in reading.mentions if m.role in ("recipient", "source")}
    if handled & set(row.symbol_actors) - set(reading.subject):
        return False
    return not (slipped and evidence and not _agree(evidence.actors, row.symbol_actors))


def _marked(row: ImportedRow, evidence: Evidence | None) -> tuple[tuple[str, ...], list[str]]:
    """The marked actors of an intact row, and a warning if the text suggests someone else."""
    symbols = row.symbol_actors
    if evidence is None or _agree(evidence.actors, symbols):
        return symbols, []
    return symbols, [_disagreement(row.number, evidence, symbols)]


def _disagreement(step: int, evidence: Evidence, symbols: Sequence[str]) -> str:
    return (
        f"step {step}: the activity text suggests {_names(evidence.actors)} "
        f"({evidence.reason}) but the symbol column marks {_names(symbols)}; "
        "using the symbol column"
    )


def _agree(actors: Sequence[str], symbols: Sequence[str]) -> bool:
    return bool(set(actors) & set(symbols))


def _symbols_reliable(rows: Sequence[ImportedRow], confident: list[Evidence | None]) -> bool:
    """Whether the symbol columns agree with the confident text at least as often as not."""
    votes = [
        _agree(evidence.actors, row.symbol_actors)
        for row, evidence in zip(rows, confident, strict=True)
        if evidence and row.symbol_actors
    ]
    return votes.count(True) >= votes.count(False)


def _names(actors: Sequence[str]) -> str:
    return " and ".join(actors)


def _decide(
    row: ImportedRow,
    evidence: Evidence | None,
    reliable: bool,
    chosen: list[tuple[str, ...]],
    column_actors: Sequence[str],
) -> tuple[tuple[str, ...], list[str]]:
    step, symbols = row.number, row.symbol_actors
    if symbols and (evidence is None or (not evidence.confident and reliable)):
        if evidence and not _agree(evidence.actors, symbols):
            return symbols, [_disagreement(step, evidence, symbols)]
        return symbols, []
    if evidence:
        notes = []
        if symbols and _agree(evidence.actors, symbols):
            return evidence.actors, []
        notes.append(
            f"step {step}: actor {_names(evidence.actors)} inferred from the activity text "
            f"({evidence.reason})"
        )
        if symbols:
            why = (
                ""
                if evidence.confident
                else " (the symbol columns contradict the text in most steps)"
            )
            notes.append(
                f"step {step}: the symbol column marks {_names(symbols)} but the activity text "
                f"names {_names(evidence.actors)} ({evidence.reason}); using the text{why}"
            )
        return evidence.actors, notes
    guess = chosen[-1] if chosen else (column_actors[0],)
    return guess, [
        f"step {step}: no actor could be inferred from the activity text or a symbol; "
        f"assumed {_names(guess)} — review"
    ]


def _discovered(
    column_actors: Sequence[str],
    readings: list[Reading],
    rows: Sequence[ImportedRow],
    chosen: list[tuple[str, ...]],
) -> tuple[tuple[str, ...], list[str]]:
    used = {actor for actors in chosen for actor in actors} - set(column_actors)
    found: dict[str, int] = {}
    for row, reading in zip(rows, readings, strict=True):
        for mention in reading.mentions:
            if mention.actor in used and mention.actor not in found:
                found[mention.actor] = row.number
    notes = [
        f"actor {actor} is named in step {step} but has no column" for actor, step in found.items()
    ]
    return tuple(found), notes
