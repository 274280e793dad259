"""The guest book (buku tamu) of the one-door service, from the visit SOP's events.

A visit opens with VisitorArrived; the guest writes the book at VisitorRegistered (the step's
`data`: nama, instansi, keperluan, …); VisitorEscortedOut closes it. What the guest or the
officer wrote is read from every event's `data`, later entries overriding earlier ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from events import Envelope
from services.projections.projector import SqlProjection
from services.projections.rows import CaseRows, Row

SCHEMA = """
CREATE TABLE IF NOT EXISTS guest_book (
    case_id uuid PRIMARY KEY,
    arrived_at timestamptz NOT NULL,
    visitor_name text,
    institution text,  -- instansi, or the guest's address
    purpose text,  -- keperluan
    meets text,  -- bertemu dengan: the person, section (seksi) or unit visited
    phone text,
    left_at timestamptz,
    current_step text,  -- the step the visit waits at; NULL once the guest left
    closed boolean NOT NULL DEFAULT false,
    last_position bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS guest_book_arrived_at ON guest_book (arrived_at);
"""

# Guest-book columns and the names the SOP forms use for them, first match wins.
FIELDS: dict[str, tuple[str, ...]] = {
    "visitor_name": ("nama", "nama_tamu", "nama_pengunjung", "name"),
    "institution": ("instansi", "asal_instansi", "alamat", "asal", "institution", "address"),
    "purpose": ("keperluan", "maksud", "maksud_tujuan", "tujuan_kunjungan", "purpose"),
    "meets": ("bertemu", "bertemu_dengan", "seksi", "bidang", "tujuan", "meets"),
    "phone": ("telepon", "no_telepon", "nomor_telepon", "no_hp", "hp", "phone"),
}

ROWS = CaseRows(
    "guest_book",
    (
        "case_id",
        "arrived_at",
        "visitor_name",
        "institution",
        "purpose",
        "meets",
        "phone",
        "left_at",
        "current_step",
        "closed",
        "last_position",
    ),
)


def written(data: Mapping[str, Any], column: str) -> str | None:
    """What a form's `data` says for a guest-book column, if anything."""
    for key in FIELDS[column]:
        value = data.get(key)
        if value not in (None, ""):
            return str(value)
    return None


class GuestBookProjection(SqlProjection, name="guest_book", schema=SCHEMA):
    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
        visits = [e for e in envelopes if e.case_type == "visit"]
        if not visits:
            return
        rows = {r["case_id"]: r for r in await ROWS.load(conn, {e.case_id for e in visits})}
        for envelope in visits:
            row = rows.get(envelope.case_id)
            if row is None:
                row = rows[envelope.case_id] = _arrived(envelope)
            _write(row, envelope)
        touched = {e.case_id for e in visits}
        await ROWS.replace(conn, touched, (rows[c] for c in touched))


def _arrived(envelope: Envelope) -> Row:
    row: Row = dict.fromkeys(ROWS.columns)
    row.update(case_id=envelope.case_id, arrived_at=envelope.occurred_at, closed=False)
    return row


def _write(row: Row, envelope: Envelope) -> None:
    data = envelope.payload.get("data")
    if isinstance(data, Mapping):
        for column in FIELDS:
            row[column] = written(data, column) or row[column]
    if envelope.sop is not None:
        row["current_step"] = envelope.sop.next_step
        if envelope.sop.next_step is None:
            row["closed"] = True
            row["left_at"] = envelope.occurred_at
    row["last_position"] = envelope.position
