"""What the administration's forms send, checked: an officer's details, a closure's days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.datastructures import FormData

LONGEST = 200


@dataclass(eq=False)
class FieldProblem(ValueError):
    """A form field that fails its check: which one, and why (Bahasa Indonesia)."""

    field: str
    reason: str


@dataclass(frozen=True)
class OfficerForm:
    name: str
    roles: list[str]
    unit: str | None
    superior: str | None
    email: str | None
    phone: str | None


def _line(form: FormData, name: str, label: str, *, required: bool = False) -> str | None:
    value = form.get(name)
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text:
        if required:
            raise FieldProblem(name, f"{label} wajib diisi")
        return None
    if len(text) > LONGEST:
        raise FieldProblem(name, f"{label} terlalu panjang (maksimal {LONGEST} karakter)")
    if any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in text):
        raise FieldProblem(name, f"{label} tidak boleh berisi karakter kendali")
    return text


def officer_form(form: FormData, known_roles: dict[str, str], *, new: bool) -> OfficerForm:
    roles = [r for r in form.getlist("roles") if isinstance(r, str)]
    unknown = [r for r in roles if r not in known_roles]
    if unknown:
        raise FieldProblem("roles", f"peran {unknown[0]!r} tidak dikenal")
    if not roles:
        raise FieldProblem("roles", "pilih sedikitnya satu peran")
    return OfficerForm(
        name=(_line(form, "name", "Nama", required=True) or "") if new else "",
        roles=roles,
        unit=_line(form, "unit", "Unit"),
        superior=_line(form, "superior", "Atasan langsung"),
        email=_line(form, "email", "Surel") if new else None,
        phone=_line(form, "phone", "Telepon") if new else None,
    )


@dataclass(frozen=True)
class ClosureForm:
    first_day: date
    last_day: date
    reason: str


def closure_form(form: FormData | dict[str, Any]) -> ClosureForm:
    first = _day(form.get("first_day"), "first_day", "Tanggal mulai")
    last_text = form.get("last_day")
    last = _day(last_text, "last_day", "Tanggal selesai") if last_text else first
    if last < first:
        raise FieldProblem("last_day", "Tanggal selesai lebih awal dari tanggal mulai")
    if (last - first).days > 366:
        raise FieldProblem("last_day", "penutupan paling lama satu tahun")
    reason = _line(form, "reason", "Alasan", required=True)  # type: ignore[arg-type]
    return ClosureForm(first, last, reason or "")


def _day(value: Any, field: str, label: str) -> date:
    if not isinstance(value, str) or not value.strip():
        raise FieldProblem(field, f"{label} wajib diisi")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise FieldProblem(field, f"{label} harus berupa tanggal (TTTT-BB-HH)") from None
