"""Drafting an executable SopDefinition from an imported document.

- Roles: one per actor, id = slug of the name ("KEPALA DINAS KESEHATAN" →
  "kepala_dinas_kesehatan"), or the previous version's id for a role of the same (normalised)
  name, with its reviewed `public`/`recorded_by`. A member of the public
  (`sop.importer.mentions.is_public`: pelapor, pemohon, pasien, …) is public and recorded by
  the officers doing the steps just before or after theirs.
- Steps: a step whose activity is similar to a step of the previous version (difflib ratio
  ≥ 0.85 on lower-cased, whitespace-normalised text; each previous step used once, best first)
  keeps that step's reviewed choices: roles, kind, action, event, branches (their `goto`
  renumbered through the old → new step mapping), superior_of_step, and which kelengkapan items
  are equipment. The document's texts (number, activity, documents, duration, output, remarks)
  always come from the new document. Any other step gets defaults: action `step_N`, event
  "StepCompleted". A decision whose answers the document writes (`sop.importer.branches`) gets
  them: an answer going back (to this or an earlier step) records "StepSentBack" (at most 3
  times), a negative one ("tidak …", "belum …", "ditolak") going forward or to the end
  "StepCompleted", any other "StepApproved"; a goto outside the steps becomes the next step,
  and a lone answer gets its opposite ("tidak lengkap" ↔ "lengkap", "ya" ↔ "tidak") going to
  the next step when the written one goes back or ends the case, else back one step — each
  with a warning.
  A decision without written answers gets the branches "ya" (next step, "StepApproved") and
  "tidak" (back one step, "StepSentBack", at most 3 times), with a warning. Kelengkapan items
  that the header lists as equipment (PERALATAN / PERLENGKAPAN) are equipment, the others
  documents.
- id: the previous id, else slug(name)-slug(unit) (≤ 80 characters); version: previous + 1, or
  1; case_type: the previous one, else "complaint" when the name mentions pengaduan/keluhan,
  "visit" when the document mentions tamu, else "service"; closing: the previous one.
- Free text after the table (`doc.notes`) is appended to the header's warnings (peringatan).
The returned warnings are the drafting's own; the import's warnings are on `doc.warnings`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence

from sop.definition import END, Branch, Role, SopDefinition, Step
from sop.importer.model import ImportedDocument, ImportedRow
from sop.importer.vocabulary import is_public

SIMILAR = 0.85
_NEGATIVE = re.compile(r"^(?:tidak|tdk|belum|bukan|ditolak|tolak|gagal)\b\s*")
_OPPOSITES = {"ya": "tidak", "tidak": "ya", "ditolak": "diterima", "diterima": "ditolak"}


def slug(text: str, separator: str = "_") -> str:
    """Lower-case ASCII words joined by `separator`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", separator, ascii_text.lower()).strip(separator)


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def draft_definition(
    doc: ImportedDocument, previous: SopDefinition | None = None
) -> tuple[SopDefinition, list[str]]:
    """An executable definition of the document and the drafting's warnings."""
    warnings: list[str] = []
    role_ids = _role_ids(doc.actors, previous)
    matches = _match_steps(doc.rows, previous)
    renumber = {old.number: doc.rows[new].number for new, old in matches.items()}
    steps: list[Step] = []
    for index, row in enumerate(doc.rows):
        old = matches.get(index)
        if old is not None:
            steps.append(_carried(row, old, renumber, doc, warnings))
        else:
            steps.append(_default(row, role_ids, doc, warnings))
    steps = _unique_actions(steps)
    if previous:
        warnings.extend(_dropped(previous, matches))
    roles = _roles(doc, role_ids, steps, previous)
    definition = SopDefinition(
        id=previous.id if previous else _definition_id(doc),
        version=previous.version + 1 if previous else 1,
        case_type=previous.case_type if previous else _case_type(doc),
        header=doc.header.model_copy(update={"warnings": [*doc.header.warnings, *doc.notes]}),
        roles=roles,
        steps=steps,
        closing=previous.closing if previous else None,
    )
    return definition, warnings


# -- roles -------------------------------------------------------------------------------------


def _role_ids(actors: Sequence[str], previous: SopDefinition | None) -> dict[str, str]:
    known = {_normal(role.name): role.id for role in previous.roles} if previous else {}
    ids: dict[str, str] = {}
    for actor in actors:
        role_id = known.get(_normal(actor)) or slug(actor) or "role"
        if not role_id[0].isalpha():
            role_id = f"role_{role_id}"
        base, counter = role_id, 2
        while role_id in ids.values():
            role_id, counter = f"{base}_{counter}", counter + 1
        ids[actor] = role_id
    return ids


def _roles(
    doc: ImportedDocument,
    role_ids: dict[str, str],
    steps: list[Step],
    previous: SopDefinition | None,
) -> list[Role]:
    old_roles = {role.id: role for role in previous.roles} if previous else {}
    roles = [Role(id=role_ids[actor], name=actor) for actor in doc.actors]
    listed = {role.id for role in roles}
    needed = {r for step in steps for r in step.roles}
    if previous and previous.closing:
        needed |= set(previous.closing.roles)
    roles += [old_roles[r] for r in old_roles if r in needed and r not in listed]
    return [_public(role, steps, old_roles, {r.id for r in roles}) for role in roles]


def _public(role: Role, steps: list[Step], old_roles: dict[str, Role], ids: set[str]) -> Role:
    old = old_roles.get(role.id)
    if old and set(old.recorded_by) <= ids:
        return role.model_copy(update={"public": old.public, "recorded_by": old.recorded_by})
    if not is_public(role.name):
        return role
    public_ids = {r.id for r in old_roles.values() if r.public} | {role.id}
    recorders: list[str] = []
    for index, step in enumerate(steps):
        if role.id not in step.roles:
            continue
        for near in steps[max(0, index - 1) : index + 2]:
            recorders += [r for r in near.roles if r != role.id and r not in public_ids]
    if not recorders:
        recorders = [
            r for step in steps for r in step.roles if r != role.id and r not in public_ids
        ]
    if not recorders:
        return role
    return role.model_copy(update={"public": True, "recorded_by": list(dict.fromkeys(recorders))})


# -- steps -------------------------------------------------------------------------------------


def _match_steps(rows: Sequence[ImportedRow], previous: SopDefinition | None) -> dict[int, Step]:
    """New row index → the previous step it continues (best ratio first, each used once)."""
    if not previous:
        return {}
    pairs = []
    for index, row in enumerate(rows):
        for old in previous.steps:
            ratio = difflib.SequenceMatcher(
                None, _normal(row.activity), _normal(old.activity)
            ).ratio()
            if ratio >= SIMILAR:
                pairs.append((-ratio, abs(index + 1 - old.number), index, old.number))
    matches: dict[int, Step] = {}
    used: set[int] = set()
    for _, _, index, number in sorted(pairs):
        if index not in matches and number not in used:
            matches[index] = previous.step(number)
            used.add(number)
    return matches


def _split_kelengkapan(
    items: Sequence[str], equipment: Sequence[str], documents: Sequence[str] = ()
) -> tuple[list[str], list[str]]:
    tools = {_normal(item) for item in equipment}
    papers = {_normal(item) for item in documents}
    docs, tools_out = [], []
    for item in items:
        is_tool = _normal(item) in tools and _normal(item) not in papers
        (tools_out if is_tool else docs).append(item)
    return docs, tools_out


def _texts(row: ImportedRow) -> dict:
    return {
        "number": row.number,
        "activity": row.activity,
        "duration": row.duration,
        "output": row.output,
        "remarks": row.remarks,
    }


def _carried(
    row: ImportedRow,
    old: Step,
    renumber: dict[int, int],
    doc: ImportedDocument,
    warnings: list[str],
) -> Step:
    documents, equipment = _split_kelengkapan(
        row.documents, [*old.equipment, *doc.header.equipment], old.documents
    )
    branches = [_renumbered(branch, row.number, renumber, warnings) for branch in old.branches]
    superior = old.superior_of_step
    if superior is not None:
        if superior not in renumber:
            warnings.append(
                f"step {row.number}: superior_of_step {superior} has no counterpart; dropped"
            )
        superior = renumber.get(superior)
    if row.number != old.number:
        warnings.append(f"step {row.number}: carried over from previous step {old.number}")
    return Step(
        **_texts(row),
        roles=old.roles,
        kind=old.kind,
        documents=documents,
        equipment=equipment,
        action=old.action,
        event=old.event,
        branches=branches,
        superior_of_step=superior,
    )


def _renumbered(branch: Branch, step: int, renumber: dict[int, int], warnings: list[str]) -> Branch:
    if not isinstance(branch.goto, int):
        return branch
    if branch.goto not in renumber:
        warnings.append(
            f"step {step}: answer {branch.answer!r} went to step {branch.goto}, which has no "
            "counterpart; it now goes to the next step — review"
        )
        return branch.model_copy(update={"goto": None})
    return branch.model_copy(update={"goto": renumber[branch.goto]})


def _default(
    row: ImportedRow, role_ids: dict[str, str], doc: ImportedDocument, warnings: list[str]
) -> Step:
    documents, equipment = _split_kelengkapan(row.documents, doc.header.equipment)
    roles = list(dict.fromkeys(role_ids[actor] for actor in row.actors))
    branches: list[Branch] = []
    event: str | None = "StepCompleted"
    if row.kind == "decision":
        event = None
        if row.branches:
            branches = _written_branches(row, len(doc.rows), warnings)
        else:
            back = row.number - 1 if row.number > 1 else row.number
            branches = [
                Branch(answer="ya", goto=None, event="StepApproved"),
                Branch(answer="tidak", goto=back, event="StepSentBack", max_loops=3),
            ]
            warnings.append(
                f"step {row.number}: decision with default answers: 'ya' goes to the next step, "
                f"'tidak' back to step {back} (at most 3 times) — review"
            )
    return Step(
        **_texts(row),
        roles=roles,
        kind=row.kind,  # type: ignore[arg-type]
        documents=documents,
        equipment=equipment,
        action=f"step_{row.number}",
        event=event,
        branches=branches,
    )


def _written_branches(row: ImportedRow, steps: int, warnings: list[str]) -> list[Branch]:
    """The branches of a decision whose answers the document writes (see the docstring)."""
    written = [
        (b.answer, _checked_goto(row.number, b.answer, b.goto, steps, warnings))
        for b in row.branches
    ]
    if len(written) == 1:
        answer, goto = written[0]
        back_or_end = goto == END or (isinstance(goto, int) and goto <= row.number)
        other = (_opposite(answer), None if back_or_end else max(row.number - 1, 1))
        written.append(other)
        where = "the next step" if other[1] is None else f"step {other[1]}"
        warnings.append(
            f"step {row.number}: only the answer {answer!r} is written; {other[0]!r} assumed to "
            f"go to {where} — review"
        )
    return [_branch(row.number, answer, goto) for answer, goto in written]


def _checked_goto(
    step: int, answer: str, goto: int | str | None, steps: int, warnings: list[str]
) -> int | str | None:
    if isinstance(goto, int) and not 1 <= goto <= steps:
        warnings.append(
            f"step {step}: answer {answer!r} goes to step {goto}, which the document lacks; it "
            "now goes to the next step — review"
        )
        return None
    return goto


def _branch(step: int, answer: str, goto: int | str | None) -> Branch:
    if isinstance(goto, int) and goto <= step:
        return Branch(answer=answer, goto=goto, event="StepSentBack", max_loops=3)
    event = "StepCompleted" if _NEGATIVE.match(answer) else "StepApproved"
    return Branch(answer=answer, goto=goto, event=event)  # type: ignore[arg-type]


def _opposite(answer: str) -> str:
    """ "tidak lengkap" → "lengkap", "lengkap" → "tidak lengkap", "ya" ↔ "tidak"."""
    if answer in _OPPOSITES:
        return _OPPOSITES[answer]
    negated = _NEGATIVE.match(answer)
    if negated and answer[negated.end() :].strip():
        return answer[negated.end() :].strip()
    return f"tidak {answer}"


def _unique_actions(steps: list[Step]) -> list[Step]:
    """Steps whose default action collides with a carried-over one get a suffix."""
    carried = [s.action for s in steps if s.action != f"step_{s.number}"]
    taken = set(carried)
    result = []
    for step in steps:
        action = step.action
        if action == f"step_{step.number}":
            suffix = 2
            while action in taken:
                action, suffix = f"step_{step.number}_{suffix}", suffix + 1
            step = step.model_copy(update={"action": action})
        taken.add(action)
        result.append(step)
    return result


def _dropped(previous: SopDefinition, matches: dict[int, Step]) -> list[str]:
    kept = {step.number for step in matches.values()}
    return [
        f"previous step {step.number} ({step.activity[:60]}) has no counterpart in the document"
        for step in previous.steps
        if step.number not in kept
    ]


# -- identity ----------------------------------------------------------------------------------


def _definition_id(doc: ImportedDocument) -> str:
    parts = [slug(doc.name, "-"), slug(doc.unit or "", "-")]
    text = "-".join(part for part in parts if part) or "sop"
    if len(text) > 80:
        cut = text[:81]
        text = cut[: cut.rfind("-")] if "-" in cut else text[:80]
    return text.rstrip("-")


def _case_type(doc: ImportedDocument) -> str:
    if re.search(r"\b(?:pengaduan|keluhan)\b", doc.name, re.IGNORECASE):
        return "complaint"
    texts = [doc.header.name, *doc.header.equipment, *doc.header.records]
    texts += [text for row in doc.rows for text in (row.activity, *row.documents, row.output or "")]
    if any(re.search(r"\btamu\b", text, re.IGNORECASE) for text in texts):
        return "visit"
    return "service"
