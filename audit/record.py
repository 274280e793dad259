"""A case's audit record: every event as who did what when, and where the case then stood.

Built from the stored events (audit/history.py), the SOP version the case runs under (for the
step it waits at) and the officer directory (for names). What it shows of the reporter goes
through audit/disclosure.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from uuid import UUID

import asyncpg

from audit import disclosure
from cases import StoredFact
from events import CATALOG, ComplaintReceived, Fact
from privacy import PersonalDataKeys
from sop.definition import SopDefinition
from sop.progress import CLOSING, progress
from sop.registry import SopRegistry, UnknownSop

# Payload fields that name an officer (printed with the officer's name).
_OFFICER_FIELDS = {"assignee", "escalated_to", "stands_in_for"}
# Payload fields shown in other columns or not needed to read the history.
_SHOWN_ELSEWHERE = {"documents", "activity", "step", "role", "clock", "data"}
# How a payload field is named in the Keterangan column.
_FIELD_LABELS = {
    "decision": "keputusan",
    "assignee": "ditugaskan kepada",
    "note": "catatan",
    "on_behalf_of": "atas nama",
    "reason": "alasan",
    "due_at": "batas waktu",
    "previous_due_at": "batas waktu sebelumnya",
    "escalated_to": "dieskalasi kepada",
    "unit": "unit",
    "rule": "aturan",
    "stands_in_for": "menggantikan",
    # Erasure and retention (events/privacy.py, events/retention.py): no personal data.
    "requested_by": "diminta oleh",
    "legal_basis": "dasar hukum",
    "scope": "cakupan",
    "subjects": "subjek data",
    "record_type": "jenis arsip",
    "closed_on": "ditutup",
    "active_until": "retensi aktif s.d.",
    "inactive_until": "retensi inaktif s.d.",
}


@dataclass(frozen=True)
class Entry:
    position: int
    case_version: int
    event_id: UUID
    type: str
    label: str
    occurred_at: datetime  # in the office's time zone
    actor_id: str
    actor: str  # the officer's name where known
    role: str
    step: str | None
    documents: list[str]
    details: list[str]


@dataclass(frozen=True)
class Standing:
    """Where the case stood after the entries shown."""

    closed: bool
    waiting_step: str | None  # "3", "closing", or None once closed
    waiting_activity: str | None
    assignee: str | None  # the officer's name where known
    suspended: bool


@dataclass(frozen=True)
class AuditRecord:
    case_id: UUID
    case_type: str
    sop_id: str | None
    sop_version: int | None
    sop_name: str | None
    as_of: datetime | None
    entries: list[Entry]
    standing: Standing
    standing_known: bool  # False when `as_of` is before the case was opened
    total_events: int  # in the whole history, whatever `as_of` shows


async def audit_record(
    pool: asyncpg.Pool,
    case_id: UUID,
    history: list[StoredFact],
    shown: list[StoredFact],
    tz: tzinfo,
    as_of: datetime | None,
    keys: PersonalDataKeys,
) -> AuditRecord:
    """The record of the facts `shown`; their sealed values revealed (to be masked below, or
    "[dihapus]" once the key is destroyed)."""
    payloads = await keys.reveal_tree([s.fact.payload for s in shown])
    shown = [
        s._replace(fact=s.fact.model_copy(update={"payload": p}))
        for s, p in zip(shown, payloads, strict=True)
    ]
    facts = [s.fact for s in shown]
    names = await officer_names(pool, _officer_ids(facts))
    sop = await _sop(pool, [s.fact for s in history])
    entries = [_entry(s, names, tz) for s in shown]
    return AuditRecord(
        case_id=case_id,
        case_type=history[0].fact.case_type,
        sop_id=sop.id if sop else None,
        sop_version=sop.version if sop else None,
        sop_name=sop.header.name if sop else None,
        as_of=as_of.astimezone(tz) if as_of else None,
        entries=entries,
        standing=_standing(sop, facts, names),
        standing_known=bool(facts),
        total_events=len(history),
    )


async def officer_names(pool: asyncpg.Pool, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    try:
        rows = await pool.fetch(
            "SELECT id, name FROM officers WHERE id = ANY($1::text[])", sorted(ids)
        )
    except asyncpg.UndefinedTableError:
        return {}
    return {r["id"]: r["name"] for r in rows}


def _officer_ids(facts: list[Fact]) -> set[str]:
    ids = {f.actor.id for f in facts}
    for f in facts:
        ids.update(str(f.payload[k]) for k in _OFFICER_FIELDS if f.payload.get(k))
    return ids


async def _sop(pool: asyncpg.Pool, facts: list[Fact]) -> SopDefinition | None:
    ref = next((f.sop for f in facts if f.sop is not None), None)
    if ref is None:
        return None
    try:
        return await SopRegistry(pool).version(ref.id, ref.version)
    except (UnknownSop, asyncpg.UndefinedTableError):
        return None


def _entry(stored: StoredFact, names: Mapping[str, str], tz: tzinfo) -> Entry:
    fact = stored.fact
    return Entry(
        position=stored.position,
        case_version=stored.case_version,
        event_id=fact.event_id,
        type=fact.type,
        label=CATALOG.label(fact.type),
        occurred_at=fact.occurred_at.astimezone(tz),
        actor_id=fact.actor.id,
        actor=_actor(fact, names),
        role=fact.actor.role,
        step=fact.sop.step if fact.sop else None,
        documents=[str(d) for d in fact.payload.get("documents") or []],
        details=_details(fact, names, tz),
    )


def _actor(fact: Fact, names: Mapping[str, str]) -> str:
    if fact.actor.id in names:
        return names[fact.actor.id]
    if fact.actor.role == "pelapor" or fact.actor.id == "public":
        return "Pelapor"
    if fact.actor.role == "sistem":
        return f"Sistem ({fact.actor.id})"
    return fact.actor.id


def _details(fact: Fact, names: Mapping[str, str], tz: tzinfo) -> list[str]:
    payload = fact.payload
    if fact.type == ComplaintReceived.type:
        shown = [
            f"nomor {payload.get('tracking_number')}",
            f"saluran {payload.get('channel')}",
            f"perihal: {disclosure.subject(payload)}",
            f"pelapor: {disclosure.reporter(payload)}",
        ]
        if payload.get("category"):
            shown.append(f"kategori: {payload['category']}")
        return shown
    shown = []
    for key, raw in payload.items():
        if key in _SHOWN_ELSEWHERE or raw in (None, "", [], {}):
            continue
        label = _FIELD_LABELS.get(key, key)
        if key in _OFFICER_FIELDS:
            text = names.get(str(raw), str(raw))
        elif key.endswith("_at"):
            text = _moment(raw, tz)
        else:
            text = disclosure.value(key, raw)
        shown.append(f"{label}: {text}")
    if payload.get("data"):
        shown.append(f"data: {disclosure.value('data', payload['data'])}")
    return shown


def _moment(raw: Any, tz: tzinfo) -> str:
    try:
        return datetime.fromisoformat(str(raw)).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(raw)


def _standing(sop: SopDefinition | None, facts: list[Fact], names: Mapping[str, str]) -> Standing:
    if sop is not None:
        state = progress(sop, facts)
        waiting = None if state.waiting_at is None else str(state.waiting_at)
        assignee, suspended = state.assignee, state.suspended
    else:  # an SOP this database does not hold: the events say where the case waits
        last = next((f.sop for f in reversed(facts) if f.sop is not None), None)
        waiting = last.next_step if last else None
        assignee, suspended = None, False
        if last is None:  # no event names an SOP step: nothing says it was closed
            return Standing(False, None, None, None, False)
    return Standing(
        closed=waiting is None,
        waiting_step=waiting,
        waiting_activity=_activity(sop, waiting),
        assignee=names.get(assignee, assignee) if assignee else None,
        suspended=suspended,
    )


def _activity(sop: SopDefinition | None, step: str | None) -> str | None:
    if sop is None or step is None:
        return None
    if step == CLOSING:
        return sop.closing.activity if sop.closing else None
    number = int(step)
    return next((s.activity for s in sop.steps if s.number == number), None)
