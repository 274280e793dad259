"""What the case page shows, from a case as `CaseWork.view` shows it: its header, its SOP-AP
flowchart with the path walked, its timeline, and whom each action may give the next step to.
Pure but for the directory lookup of eligible officers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from events import ComplaintReceived
from events.complaint import CHANNEL_LABELS
from officers import OfficerDirectory
from officers.case_access import HIDDEN, PUBLIC
from runtime.http.case_scope import ScopedCase
from sop.actions import Officer
from sop.chart import render_inline
from sop.definition import SopDefinition, Step
from sop.roles import acting_role, recording_roles, role_name

CHANNELS = CHANNEL_LABELS
SYSTEM_PREFIXES = ("routing", "sla", "system", "survey", "retention", "erasure")


def case_header(
    view: dict[str, Any], scoped: ScopedCase, *, identity: bool, may_see: bool
) -> dict[str, Any]:
    """Number, SOP, status, channel, category, unit, subject and the reporter as policy allows
    (`identity`: shown; `may_see`: could be shown on asking)."""
    first = view["history"][0]
    payload = first["payload"]
    header: dict[str, Any] = {
        "number": None,
        "sop": view.get("sop_name") or view.get("sop"),
        "sop_version": view.get("sop_version"),
        "status": "Selesai" if view["status"] == "closed" else "Dalam proses",
        "unit": scoped.facts.unit or "Belum ditentukan",
        "confidential": scoped.facts.confidential,
        "channel": None,
        "category": None,
        "subject": None,
        "description": None,
        "reporter": None,
        "may_reveal": False,
    }
    if first["type"] == ComplaintReceived.type:
        reporter = payload.get("reporter") or {}
        header.update(
            number=payload.get("tracking_number"),
            channel=CHANNELS.get(payload.get("channel"), payload.get("channel")),
            category=payload.get("category"),
            subject=payload.get("subject") if identity or not scoped.facts.confidential else HIDDEN,
            description=payload.get("description")
            if identity or not scoped.facts.confidential
            else HIDDEN,
        )
        if scoped.facts.anonymous:
            header["reporter"] = {"name": "Anonim"}
        elif identity:
            header["reporter"] = {k: reporter.get(k) for k in ("name", "email", "phone")}
        else:
            header["reporter"] = {"name": HIDDEN}
            header["may_reveal"] = may_see
    else:
        data = payload.get("data") or {}
        header["subject"] = next(
            (data[k] for k in ("perihal", "subject", "keperluan", "hal") if data.get(k)), None
        )
    return header


def walked(view: dict[str, Any]) -> list[int]:
    """The steps the case went through, in order, ending with the one it waits at."""
    path = [int(h["step"]) for h in view["history"] if str(h.get("step") or "").isdigit()]
    current = current_step(view)
    if current is not None and (not path or path[-1] != current):
        path.append(current)
    return path


def current_step(view: dict[str, Any]) -> int | None:
    steps = view.get("current_steps") or []
    number = steps[0]["number"] if steps else None
    return number if isinstance(number, int) else None


def chart_of(scoped: ScopedCase, view: dict[str, Any]) -> str | None:
    """The inline SVG of the case's SOP version, its path and current step highlighted."""
    if scoped.sop is None:
        return None
    return render_inline(scoped.sop, walked(view), current_step(view))


def timeline(
    view: dict[str, Any], names: dict[str, str], tz: ZoneInfo, sop: SopDefinition | None = None
) -> list[dict[str, Any]]:
    """Every event, oldest first, as the page's timeline shows it (roles by their SOP names)."""
    items = []
    for h in view["history"]:
        payload = h["payload"]
        actor = h["actor"]
        items.append(
            {
                "event_id": h["event_id"],
                "type": h["type"],
                "label": h["label"],
                "when": datetime.fromisoformat(h["occurred_at"]).astimezone(tz),
                "who": _who(actor["id"], names),
                "role": role_name(sop, actor["role"])
                if sop and actor.get("role")
                else actor.get("role"),
                "step": h.get("step"),
                "documents": payload.get("documents") or [],
                "decision": payload.get("decision"),
                "assignee": names.get(payload["assignee"], payload["assignee"])
                if isinstance(payload.get("assignee"), str)
                else None,
                "note": _note(h["type"], payload),
                "sha256": payload.get("sha256") if isinstance(payload.get("sha256"), str) else None,
                "filename": payload.get("filename"),
                "internal": h["type"] == "InternalNoteAdded",
            }
        )
    return items


def _who(actor_id: str, names: dict[str, str]) -> str:
    if actor_id == PUBLIC:
        return "Pelapor / masyarakat"
    if actor_id in names:
        return names[actor_id]
    if actor_id.split(":", 1)[0] in SYSTEM_PREFIXES:
        return "Sistem"
    return actor_id


def _note(event_type: str, payload: dict[str, Any]) -> str | None:
    """The text an event carries: a note, an answer, a reason (revealed by `CaseWork.view`)."""
    for key in ("note", "message", "reason"):
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def next_steps(sop: SopDefinition, number: int) -> list[Step]:
    """The steps an action at step `number` may lead to (a decision: one per answer)."""
    step = sop.step(number)
    targets = (
        {b.goto if b.goto is not None else number + 1 for b in step.branches}
        if step.kind == "decision"
        else {number + 1}
    )
    return [
        sop.step(t) for t in sorted(t for t in targets if isinstance(t, int)) if t <= len(sop.steps)
    ]


async def assignee_choices(
    directory: OfficerDirectory,
    scoped: ScopedCase,
    actions: Sequence[dict[str, Any]],
    in_scope: Callable[[Officer], bool],
) -> dict[str, list[Officer]]:
    """For each allowed action: the officers who may be given the next step (they hold its
    role, are enabled, and work in the case's unit)."""
    sop = scoped.sop
    choices: dict[str, list[Officer]] = {}
    if sop is None:
        return choices
    for action in actions:
        if not isinstance(action["step"], int) or action["action"] in (
            "suspend_clock",
            "resume_clock",
        ):
            continue
        steps = next_steps(sop, action["step"])
        roles = {r for s in steps for r, _ in recording_roles(sop, s)}
        found: dict[str, Officer] = {}
        for role in sorted(roles):
            for officer in await directory.holding(role):
                if in_scope(officer) and any(acting_role(sop, s, officer) for s in steps):
                    found[officer.id] = officer
        if found:
            choices[action["action"]] = sorted(found.values(), key=lambda o: o.name)
    return choices
