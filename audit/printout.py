"""Printing an audit record and a verification verdict: a table in Bahasa Indonesia, or JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from audit.record import AuditRecord, Entry, Standing
from audit.verification import Verdict

HEADERS = ("No", "Waktu", "Petugas", "Peran", "Langkah", "Kegiatan", "Kelengkapan", "Keterangan")

# Indonesian zone abbreviations of the office time zones.
_ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_name(moment: datetime) -> str:
    return _ZONES.get(str(moment.tzinfo), moment.strftime("%Z") or moment.strftime("%z"))


def when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} {zone_name(moment)}"


def record_text(record: AuditRecord) -> str:
    lines = [f"Riwayat kasus {record.case_id} ({record.case_type})"]
    if record.sop_id:
        lines.append(f"SOP: {record.sop_name} ({record.sop_id}) versi {record.sop_version}")
    if record.as_of:
        lines.append(
            f"Keadaan pada {when(record.as_of)}: {len(record.entries)} dari"
            f" {record.total_events} kejadian"
        )
    lines.append("")
    lines.extend(_table([_cells(i, e) for i, e in enumerate(record.entries, 1)]))
    lines.append("")
    if record.standing_known:
        lines.append(_standing_text(record.standing))
    else:
        lines.append("Status: kasus belum ada pada saat itu.")
    return "\n".join(lines)


def record_json(record: AuditRecord) -> dict[str, Any]:
    standing = record.standing
    return {
        "case_id": str(record.case_id),
        "case_type": record.case_type,
        "sop": record.sop_id,
        "sop_version": record.sop_version,
        "as_of": record.as_of.isoformat() if record.as_of else None,
        "total_events": record.total_events,
        "events": [_entry_json(e) for e in record.entries],
        "state": None
        if not record.standing_known
        else {
            "status": "closed" if standing.closed else "open",
            "waiting_step": standing.waiting_step,
            "waiting_activity": standing.waiting_activity,
            "assignee": standing.assignee,
            "suspended": standing.suspended,
        },
    }


def verdict_text(verdict: Verdict) -> str:
    if verdict.problem is None:
        return (
            f"Riwayat utuh: {verdict.checked} kejadian diperiksa, rantai hash cocok.\n"
            f"Hash kepala (posisi {verdict.head_position or 0}): {verdict.head_hash.hex()}\n"
            "Catat hash kepala ini di luar basis data; `alur audit --verify --anchor HASH`"
            " kelak membuktikan riwayat hingga titik ini tidak ditulis ulang."
        )
    p = verdict.problem
    where = []
    if p.position is not None:
        where.append(f"posisi {p.position}")
    if p.case_id is not None:
        where.append(f"kasus {p.case_id} versi {p.case_version}")
    if p.event_id is not None:
        where.append(f"event_id {p.event_id}")
    if p.event_type is not None:
        where.append(f"jenis {p.event_type}")
    return (
        f"RIWAYAT TIDAK UTUH ({p.kind}): {p.detail}\n"
        + (f"Kejadian pertama yang bermasalah: {', '.join(where)}\n" if where else "")
        + f"{verdict.checked} kejadian sebelumnya cocok dengan rantai hash."
    )


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "intact": verdict.intact,
        "checked": verdict.checked,
        "head_hash": verdict.head_hash.hex(),
        "head_position": verdict.head_position,
        "problem": verdict.problem.as_json() if verdict.problem else None,
    }


def _cells(number: int, entry: Entry) -> tuple[str, ...]:
    return (
        str(number),
        when(entry.occurred_at),
        entry.actor,
        entry.role,
        entry.step or "-",
        entry.label,
        "; ".join(entry.documents) or "-",
        "; ".join(entry.details) or "-",
    )


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]

    def line(cells: tuple[str, ...]) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(HEADERS), "-+-".join("-" * w for w in widths), *(line(r) for r in rows)]


def _standing_text(standing: Standing) -> str:
    if standing.closed:
        return "Status: selesai."
    step = standing.waiting_step
    text = "Status: terbuka; menunggu "
    text += "penutupan" if step == "closing" else f"langkah {step}"
    if standing.waiting_activity:
        text += f" ({standing.waiting_activity})"
    if standing.assignee:
        text += f"; ditugaskan kepada {standing.assignee}"
    if standing.suspended:
        text += "; waktu layanan dihentikan sementara"
    return text + "."


def _entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "position": entry.position,
        "case_version": entry.case_version,
        "event_id": str(entry.event_id),
        "type": entry.type,
        "label": entry.label,
        "occurred_at": entry.occurred_at.isoformat(),
        "actor": {"id": entry.actor_id, "name": entry.actor, "role": entry.role},
        "step": entry.step,
        "documents": entry.documents,
        "details": entry.details,
    }
