"""A file sent with a form (`lampiran`, and its `keterangan`), as the routes that take files read
it, and the body limits of those routes (runtime/http/limits.py)."""

from __future__ import annotations

import re

from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartParser

from attachments import Upload
from runtime.http.errors import FieldRefused
from runtime.http.limits import WiderLimit
from services.intake.submission import multi_line

FIELD = "lampiran"
DESCRIPTION = "keterangan"
MAX_DESCRIPTION = 1_000
# What a multipart body holds besides the file: the boundaries, the part headers, the form's
# other fields (a complaint's texts, the description, the CSRF token).
FORM_MARGIN = 64 * 1024


def upload_limits(max_file_bytes: int) -> tuple[WiderLimit, ...]:
    """The body limits of the routes that take a file (and only those): a multipart file, or
    the WhatsApp gateway's inline media (base64 in JSON: one file's size in all)."""
    limit = max_file_bytes + FORM_MARGIN
    inline = WiderLimit(
        "POST",
        re.compile(r"/api/channels/whatsapp"),
        max_file_bytes * 4 // 3 + FORM_MARGIN,
        b"application/json",
    )
    return (
        *(
            WiderLimit("POST", re.compile(path), limit)
            for path in (
                r"/lapor",
                r"/meja/pengaduan",
                r"/meja/lapor",
                r"/kasus/[^/]+/lampiran",
                r"/api/cases/[^/]+/attachments",
            )
        ),
        inline,
    )


def keep_uploads_in_memory(max_file_bytes: int) -> None:
    """Let a multipart file part up to the largest accepted body stay in memory: Starlette
    spools a part over 1 MB to a temporary file, which would put a reporter's file on disk in
    clear before it is checked, cleaned and sealed. The body limit (`upload_limits`) already
    holds the whole body in memory, so this adds no memory a request could not already use."""
    MultiPartParser.spool_max_size = max(
        MultiPartParser.spool_max_size, max_file_bytes + FORM_MARGIN
    )


async def upload_in(form: FormData) -> Upload | None:
    """The file of the form's `lampiran` field and its `keterangan`; None when no file was
    chosen. FieldRefused (422) for a description that does not pass its check."""
    value = form.get(FIELD)
    description = form.get(DESCRIPTION)
    text = description.strip() if isinstance(description, str) else ""
    if len(text) > MAX_DESCRIPTION:
        raise FieldRefused(DESCRIPTION, f"terlalu panjang (maksimal {MAX_DESCRIPTION} karakter)")
    try:
        text = multi_line(text)
    except ValueError as error:
        raise FieldRefused(DESCRIPTION, str(error)) from None
    if isinstance(value, str) and value:
        raise FieldRefused(FIELD, "kirim berkas sebagai unggahan (multipart/form-data)")
    if not isinstance(value, UploadFile):
        return None
    data = await value.read()
    if not data and not value.filename:
        return None  # the form was sent without a file chosen
    return Upload(data, value.filename, text or None)
