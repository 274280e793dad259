"""What a reporter or an officer submits, and the checks it must pass before anything is
recorded. A body is checked once, where it enters (`checked_body`), and travels typed after.

Every text field has a length limit and takes no control character: a one-line field
(`Line`: names, contacts, subject, category, action, …) none at all, a multi-line one (`Text`:
description, note) tab and newline only, a carriage return being read as a newline (a form's
textarea sends CRLF). What passes can be stored by every projection and printed in every export.

The `data` of a case an officer opens, or of an action, is checked by `check_data`: an object
of at most 50 members named by up to 64 printable characters, whose values are null, true or
false, integers within ±2^53, numbers, texts (as `Text`, up to 5,000 characters), or one level
of lists/objects (up to 50 items) of those; at most 64 KiB as JSON. (A complaint opened by an
officer has the complaint's own fields instead.)"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Request
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from events.complaint import Channel
from runtime.http.errors import FieldRefused, json_body
from sop.actions import ActionRequest

M = TypeVar("M", bound=BaseModel)
# A contact's shape, and what a reporter reads when theirs does not have it.
SHAPES = {
    "email": (re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), "alamat surel tidak valid"),
    "phone": (
        re.compile(r"^\+?[0-9][0-9 \-]{6,18}[0-9]$"),
        "nomor telepon tidak valid (8–20 angka, boleh diawali +)",
    ),
}


# C0 and C1 control characters, DEL and lone surrogates; a multi-line text keeps tab and newline.
LINE_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
TEXT_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
NO_CONTROL_IN_LINE = "tidak boleh berisi baris baru, tab atau karakter kendali"
NO_CONTROL_IN_TEXT = "tidak boleh berisi karakter kendali (selain tab dan baris baru)"


def one_line(value: str) -> str:
    if LINE_CONTROL.search(value):
        raise ValueError(NO_CONTROL_IN_LINE)
    return value


def multi_line(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if TEXT_CONTROL.search(value):
        raise ValueError(NO_CONTROL_IN_TEXT)
    return value


Line = Annotated[str, AfterValidator(one_line)]
Text = Annotated[str, AfterValidator(multi_line)]
Document = Annotated[Line, Field(min_length=1, max_length=200)]


class ReporterInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Line | None = Field(None, max_length=200)
    email: Line | None = Field(None, max_length=254)
    phone: Line | None = Field(None, max_length=30)

    @field_validator("name", "email", "phone", mode="before")
    @classmethod
    def blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("email", "phone")
    @classmethod
    def contact_shape(cls, value: str | None, info: ValidationInfo) -> str | None:
        pattern, reason = SHAPES[str(info.field_name)]
        if value is not None and not pattern.match(value):
            raise ValueError(reason)
        return value


class ComplaintSubmission(BaseModel):
    """The body of `POST /api/complaints` (CONTRACT.md)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: Channel
    reporter: ReporterInput = Field(default_factory=ReporterInput)
    subject: Line = Field(min_length=3, max_length=200)
    description: Text = Field(min_length=10, max_length=10_000)
    category: Line | None = Field(None, max_length=100)
    anonymous: bool = False
    confidential: bool = False


class CaseSubmission(BaseModel):
    """The body of `POST /api/cases`: open a case under an SOP (officers only)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    sop: Line = Field(min_length=1, max_length=100)
    data: dict[str, Any] = Field(default_factory=dict)
    documents: list[Document] = Field(default_factory=list, max_length=50)


class ActionSubmission(BaseModel):
    """The body of `POST /api/cases/{id}/actions`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    action: Line = Field(min_length=1, max_length=100)
    documents: list[Document] = Field(default_factory=list, max_length=50)
    note: Text | None = Field(None, max_length=5_000)
    decision: Line | None = Field(None, max_length=50)
    assignee: Line | None = Field(None, max_length=200)
    data: dict[str, Any] = Field(default_factory=dict)

    def request(self) -> ActionRequest:
        """What the SOP engine is asked."""
        return ActionRequest(
            action=self.action,
            documents=tuple(self.documents),
            note=self.note,
            decision=self.decision,
            assignee=self.assignee,
            data=self.data,
        )


# Bodies each endpoint accepts, for its OpenAPI schema (and the fuzzer's first requests).
COMPLAINT_EXAMPLES = (
    {
        "channel": "web",
        "reporter": {"name": "Siti Aminah", "email": "siti@example.id", "phone": "+628123456789"},
        "subject": "Obat habis di Puskesmas",
        "description": "Obat hipertensi di Puskesmas habis sejak seminggu.",
        "category": "obat",
    },
    {
        "channel": "box",
        "anonymous": True,
        "confidential": True,
        "subject": "Pungutan di loket",
        "description": "Ada pungutan tanpa kuitansi di loket pendaftaran.",
    },
)
CASE_EXAMPLES = (
    {
        "sop": "pengaduan-masyarakat-dinkes-muba",
        "data": {**COMPLAINT_EXAMPLES[0], "channel": "post"},
    },
    {"sop": "pelayanan-satu-pintu-dinkes-muba", "data": {"nama": "dr. Rina", "jumlah": 2}},
)
ACTION_EXAMPLES = (
    {"action": "register_complaint", "documents": ["Berkas pengaduan"], "note": "Lengkap."},
)


class SubmissionRefused(FieldRefused):
    """A submission that fails a check: which field, and why (in Bahasa Indonesia)."""


def parse_submission(data: Any) -> ComplaintSubmission:
    """Validate a submission, or raise SubmissionRefused naming the first bad field."""
    submission = parse(ComplaintSubmission, data)
    if not submission.anonymous and submission.reporter.name is None:
        raise SubmissionRefused(
            "reporter.name", "nama pelapor wajib diisi, kecuali untuk pengaduan anonim"
        )
    return submission


def parse_case(data: Any) -> CaseSubmission:
    """`POST /api/cases`: the body, its `data` checked by `check_data` (a complaint's `data` is
    then parsed as the complaint it is)."""
    submission = parse(CaseSubmission, data)
    check_data(submission.data)
    return submission


def parse_action(data: Any) -> ActionSubmission:
    """`POST /api/cases/{id}/actions`: the body, its `data` checked by `check_data`."""
    submission = parse(ActionSubmission, data)
    check_data(submission.data)
    return submission


MAX_DATA_MEMBERS = 50
MAX_DATA_KEY = 64
MAX_DATA_TEXT = 5_000
MAX_DATA_DEPTH = 2  # data's own members, and one level of lists/objects inside them
MAX_DATA_BYTES = 64 * 1024
SAFE_INTEGER = 2**53 - 1


def check_data(value: Any, field: str = "data", depth: int = 1) -> None:
    """SubmissionRefused naming the first part of `value` outside the rule of `data` (see the
    module's text)."""
    if depth == 1:
        if not isinstance(value, dict):
            raise SubmissionRefused(field, "harus berupa objek JSON")
        if len(json.dumps(value, ensure_ascii=False).encode()) > MAX_DATA_BYTES:
            raise SubmissionRefused(field, f"terlalu besar (maksimal {MAX_DATA_BYTES} bita)")
    if isinstance(value, dict | list):
        if depth > MAX_DATA_DEPTH:
            raise SubmissionRefused(field, f"bersarang terlalu dalam (maksimal {MAX_DATA_DEPTH})")
        if len(value) > MAX_DATA_MEMBERS:
            raise SubmissionRefused(field, f"terlalu banyak isian (maksimal {MAX_DATA_MEMBERS})")
        members = value.items() if isinstance(value, dict) else enumerate(value)
        for key, member in members:
            if isinstance(key, str) and not (
                0 < len(key) <= MAX_DATA_KEY and not LINE_CONTROL.search(key)
            ):
                raise SubmissionRefused(
                    field, f"nama isian harus 1–{MAX_DATA_KEY} karakter tanpa karakter kendali"
                )
            check_data(member, f"{field}.{key}", depth + 1)
    elif isinstance(value, str):
        if len(value) > MAX_DATA_TEXT:
            raise SubmissionRefused(field, f"terlalu panjang (maksimal {MAX_DATA_TEXT} karakter)")
        if TEXT_CONTROL.search(value.replace("\r", "")):
            raise SubmissionRefused(field, NO_CONTROL_IN_TEXT)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > SAFE_INTEGER:
        raise SubmissionRefused(field, f"angka terlalu besar (maksimal ±{SAFE_INTEGER})")


def parse(model: type[M], data: Any) -> M:
    """`data` as `model`, or SubmissionRefused naming the first bad field."""
    if not isinstance(data, dict):
        raise SubmissionRefused("body", "isi permintaan harus berupa objek JSON")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        raise SubmissionRefused(field, _reason(first)) from None


def checked_body(
    check: Callable[[Any], M], *, not_json: str = "invalid_input"
) -> Callable[[Request], Awaitable[M]]:
    """A FastAPI dependency: the request's JSON body through `check`; a `SubmissionRefused`
    is answered 422 naming the field (`not_json`: the error code of a body that is not JSON)."""

    async def checked(request: Request) -> M:
        return check(await json_body(request, code=not_json))

    return checked


def _reason(error: Any) -> str:
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == "missing":
        return "wajib diisi"
    if kind == "string_too_short":
        return f"terlalu pendek (minimal {ctx.get('min_length')} karakter)"
    if kind == "string_too_long":
        return f"terlalu panjang (maksimal {ctx.get('max_length')} karakter)"
    if kind == "literal_error":
        return f"harus salah satu dari: {ctx.get('expected')}"
    if kind == "extra_forbidden":
        return "kolom ini tidak dikenal"
    if kind in ("bool_type", "bool_parsing"):
        return "harus bernilai true atau false"
    if kind == "too_long":
        return f"terlalu banyak (maksimal {ctx.get('max_length')})"
    if kind in ("string_type", "model_type", "model_attributes_type", "dict_type", "list_type"):
        return "jenis isian tidak sesuai"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]
