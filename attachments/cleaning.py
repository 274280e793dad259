"""What a file must be to become an attachment, and what is taken out of it first. Pure.

A file is judged by its content, never by its name or the type its sender claims: JPEG, PNG,
PDF and Word (DOCX) documents are allowed, up to the size limit. Before it is kept:
- an image is decoded and encoded again from its pixels alone, after its EXIF orientation was
  applied, so no EXIF (GPS position, camera, time), XMP, comment or text chunk survives;
- a Word document must open as one (a ZIP that merely looks like one is refused), and its core
  properties (author, last editor, dates, title …) are cleared;
- a PDF is kept as it is.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import docx
import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf", DOCX: "docx"}
ALLOWED_TEXT = "JPEG, PNG, PDF atau DOCX"

MAX_PIXELS = 40_000_000  # a larger image is refused before it is decoded
MAX_UNPACKED = 100 * 1024 * 1024  # a Word document's parts, unpacked (no ZIP bomb)
MAX_FILENAME = 200
JPEG_QUALITY = 90


class AttachmentRefused(ValueError):
    """A file that cannot be attached: why (Bahasa Indonesia), and the HTTP status to answer."""

    def __init__(self, reason: str, status: int = 422) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class CleanFile:
    """A file as it is kept: its cleaned bytes, its type by content, the name it came with."""

    data: bytes
    media_type: str
    filename: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


def cleaned(data: bytes, filename: str | None, max_bytes: int) -> CleanFile:
    """The file, checked and cleaned; `AttachmentRefused` naming the reason otherwise."""
    if not data:
        raise AttachmentRefused("berkas kosong")
    if len(data) > max_bytes:
        raise AttachmentRefused(f"berkas terlalu besar (maksimal {_size_text(max_bytes)})", 413)
    media_type = media_type_of(data)
    if media_type is None:
        raise AttachmentRefused(f"jenis berkas tidak diizinkan (hanya {ALLOWED_TEXT})")
    if media_type in (JPEG, PNG):
        data = _clean_image(data, media_type)
    elif media_type == DOCX:
        data = _clean_word(data)
    return CleanFile(data, media_type, safe_filename(filename, media_type))


def media_type_of(data: bytes) -> str | None:
    """The allowed type the content is, by its signature (None: none of them)."""
    kind = filetype.guess(data)
    if kind is None or kind.mime not in EXTENSIONS:
        return None
    return str(kind.mime)


def safe_filename(filename: str | None, media_type: str) -> str:
    """The name the file came with, without folders or control characters, ending in the
    extension of its real type."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    extension = EXTENSIONS[media_type]
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name)[: MAX_FILENAME - 10] or "lampiran"
    return f"{stem}.{extension}"


def _clean_image(data: bytes, media_type: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise AttachmentRefused(
                    f"gambar terlalu besar (maksimal {MAX_PIXELS // 1_000_000} megapiksel)"
                )
            if {JPEG: "JPEG", PNG: "PNG"}[media_type] != image.format:
                raise AttachmentRefused("isi gambar tidak sesuai jenisnya")
            upright = ImageOps.exif_transpose(image)
            modes = ("RGB", "L") if media_type == JPEG else ("RGB", "RGBA", "L", "LA")
            if upright.mode not in modes:
                upright = upright.convert("RGBA" if media_type == PNG else "RGB")
            # Only the pixels go on: a new image carries no EXIF, ICC, XMP, comment or text.
            pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    except AttachmentRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise AttachmentRefused("gambar rusak atau tidak dapat dibaca") from None
    out = io.BytesIO()
    if media_type == JPEG:
        pixels.save(out, "JPEG", quality=JPEG_QUALITY)
    else:
        pixels.save(out, "PNG")
    return out.getvalue()


def _clean_word(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise AttachmentRefused("dokumen Word terlalu besar setelah dibuka")
        document = docx.Document(io.BytesIO(data))
    except AttachmentRefused:
        raise
    except Exception:  # noqa: BLE001 - any failure of the parser means: not a Word document
        raise AttachmentRefused("bukan dokumen Word (DOCX) yang sah") from None
    # Every core property goes (author, last editor, dates, title, …): an empty element stays.
    properties = document.core_properties._element
    for child in list(properties):
        properties.remove(child)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _size_text(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bita"
