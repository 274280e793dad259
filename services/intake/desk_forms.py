"""What the intake desk's forms (`/meja`) send, read into what the intake and casework take.

Each form's fields are checked the way the JSON API checks them (services/intake/submission.py),
and a refusal names the form's own field, so the page can show the message next to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData, UploadFile

from services.intake.submission import (
    ComplaintSubmission,
    SubmissionRefused,
    check_data,
    multi_line,
    one_line,
    parse_submission,
)

# Channels a complaint reaches the desk by (the public form and the API are `web`).
DESK_CHANNELS = {"post": "Surat (pos)", "box": "Kotak pengaduan"}
# The guest book's fields as the visit SOP's forms name them (services/projections/guest_book.py).
GUEST_FIELDS = {
    "nama": "Nama tamu",
    "instansi": "Instansi / alamat",
    "keperluan": "Keperluan",
    "bertemu": "Bertemu dengan (seksi, bidang atau pejabat)",
    "telepon": "Nomor telepon",
}
REQUIRED_GUEST_FIELDS = ("nama", "keperluan")
LONGEST_LINE = 200
LONGEST_NOTE = 5_000
# A field of the API's submission -> the desk form's input carrying it.
FORM_FIELD = {"reporter.name": "reporter_name", "reporter.email": "reporter_email"}
FORM_FIELD |= {"reporter.phone": "reporter_phone", "reporter": "reporter_name"}


class FormRefused(SubmissionRefused):
    """A desk form's field that fails its check (`field` names the form's input)."""


def text_of(form: FormData | Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def files_of(form: FormData, name: str) -> list[UploadFile]:
    """The files sent in `name` (a file input left empty sends one nameless, empty part)."""
    return [f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename]


def complaint_of(form: FormData) -> ComplaintSubmission:
    """The complaint a letter or the complaint box brought, as the officer typed it in."""
    channel = text_of(form, "channel")
    if channel not in DESK_CHANNELS:
        raise FormRefused("channel", "pilih saluran: surat (pos) atau kotak pengaduan")
    data = {
        "channel": channel,
        "reporter": {k: text_of(form, f"reporter_{k}") for k in ("name", "email", "phone")},
        "subject": text_of(form, "subject"),
        "description": text_of(form, "description"),
        "category": text_of(form, "category") or None,
        "anonymous": form.get("anonymous") == "on",
        "confidential": form.get("confidential") == "on",
    }
    try:
        return parse_submission(data)
    except SubmissionRefused as error:
        raise FormRefused(FORM_FIELD.get(error.field, error.field), error.reason) from None


def guest_of(form: FormData) -> dict[str, str]:
    """The guest-book entry of a walk-in visitor (only the fields filled in)."""
    entry: dict[str, str] = {}
    for name, label in GUEST_FIELDS.items():
        value = text_of(form, name)
        if not value:
            if name in REQUIRED_GUEST_FIELDS:
                raise FormRefused(name, f"{label} wajib diisi")
            continue
        entry[name] = _line(name, value)
    check_data(entry)
    return entry


@dataclass(frozen=True)
class NewCaseForm:
    sop: str
    documents: list[str] = field(default_factory=list)
    note: str | None = None


def new_case_of(form: FormData, offered: list[str]) -> NewCaseForm:
    """A case under the chosen SOP: the first step's documents ticked (of those `offered`)."""
    sop = text_of(form, "sop")
    if not sop:
        raise FormRefused("sop", "pilih SOP")
    ticked = [d for d in form.getlist("documents") if isinstance(d, str)]
    unknown = [d for d in ticked if d not in offered]
    if unknown:
        raise FormRefused("documents", f"kelengkapan {unknown[0]!r} bukan kelengkapan langkah 1")
    return NewCaseForm(sop, ticked, note_of(form))


def note_of(form: FormData) -> str | None:
    note = text_of(form, "note")
    if not note:
        return None
    if len(note) > LONGEST_NOTE:
        raise FormRefused("note", f"terlalu panjang (maksimal {LONGEST_NOTE} karakter)")
    try:
        return multi_line(note)
    except ValueError as error:
        raise FormRefused("note", str(error)) from None


def _line(name: str, value: str) -> str:
    if len(value) > LONGEST_LINE:
        raise FormRefused(name, f"terlalu panjang (maksimal {LONGEST_LINE} karakter)")
    try:
        return one_line(value)
    except ValueError as error:
        raise FormRefused(name, str(error)) from None
