"""What a reporter or an officer submits, and the checks it must pass before anything is
recorded. A body is checked once, where it enters (`checked_body`), and travels typed after."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from pydantic import (
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


class ReporterInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=30)

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
    subject: str = Field(min_length=3, max_length=200)
    description: str = Field(min_length=10, max_length=10_000)
    category: str | None = Field(None, max_length=100)
    anonymous: bool = False
    confidential: bool = False


class CaseSubmission(BaseModel):
    """The body of `POST /api/cases`: open a case under an SOP (officers only)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    sop: str = Field(min_length=1, max_length=100)
    data: dict[str, Any] = Field(default_factory=dict)
    documents: list[str] = Field(default_factory=list, max_length=50)


class ActionSubmission(BaseModel):
    """The body of `POST /api/cases/{id}/actions`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    action: str = Field(min_length=1, max_length=100)
    documents: list[str] = Field(default_factory=list, max_length=50)
    note: str | None = Field(None, max_length=5_000)
    decision: str | None = Field(None, max_length=50)
    assignee: str | None = Field(None, max_length=200)
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
