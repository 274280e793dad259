"""What a file must be to become an attachment and what is taken out of it (attachments/
cleaning.py), and sealed files (privacy: `Subject.seal_bytes`, `PersonalDataKeys.open_bytes`)."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from PIL import Image, PngImagePlugin

from attachments import AttachmentRefused, cleaned
from attachments.cleaning import MAX_PIXELS, PNG, safe_filename
from privacy import ERASED, UNREADABLE, PersonalDataKeys

LIMIT = 10 * 1024 * 1024


def _png(image: Image.Image, **kwargs: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **kwargs)
    return out.getvalue()


def test_a_png_keeps_its_pixels_and_loses_its_text_and_colour_profile() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Budi Santoso")
    image = Image.new("RGBA", (3, 2), (10, 20, 30, 40))
    sent = _png(image, pnginfo=info, icc_profile=b"\x00" * 128)
    assert Image.open(io.BytesIO(sent)).text == {"Author": "Budi Santoso"}
    kept = Image.open(io.BytesIO(cleaned(sent, "denah.png", LIMIT).data))
    assert kept.text == {} and "icc_profile" not in kept.info
    assert kept.tobytes() == image.tobytes()


def test_an_image_too_large_to_decode_is_refused_before_it_is() -> None:
    side = int(MAX_PIXELS**0.5) + 10
    with pytest.raises(AttachmentRefused, match="megapiksel"):
        cleaned(_png(Image.new("1", (side, side))), "besar.png", LIMIT)


def test_a_cut_image_is_refused() -> None:
    sent = _png(Image.effect_noise((64, 64), 50))
    with pytest.raises(AttachmentRefused, match="rusak"):
        cleaned(sent[: len(sent) // 2], "potong.png", LIMIT)


def _zip(**parts: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "parts",
    [
        {"word/document.xml": b"<w/>"},  # named like Word, no package
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"x" * (101 * 1024 * 1024)},
    ],
)
def test_a_zip_that_only_looks_like_a_word_document_is_refused(parts: dict[str, bytes]) -> None:
    with pytest.raises(AttachmentRefused, match="Word"):
        cleaned(_zip(**parts), "surat.docx", LIMIT)


def test_the_size_limit_is_413_and_an_empty_file_422() -> None:
    with pytest.raises(AttachmentRefused) as over:
        cleaned(b"%PDF-1.4\n" + b"%" * 2048, "a.pdf", 1024)
    assert over.value.status == 413 and "1 KB" in over.value.reason
    with pytest.raises(AttachmentRefused) as empty:
        cleaned(b"", "a.pdf", 1024)
    assert empty.value.status == 422


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\budi\\foto.PNG", "foto.png"),
        ("surat.exe", "surat.png"),
        ("nama\x00\x1b[31m.png", "nama[31m.png"),
        (None, "lampiran.png"),
        ("...", "lampiran.png"),
    ],
)
def test_a_files_name_loses_its_folders_and_controls_and_takes_its_real_extension(
    given: str | None, kept: str
) -> None:
    assert safe_filename(given, PNG) == kept


async def test_a_sealed_file_opens_with_its_subjects_key_until_that_is_destroyed() -> None:
    keys = PersonalDataKeys.in_memory()
    case_id = uuid.uuid4()
    subject = await keys.new_subject(case_id)
    sealed = subject.seal_bytes(b"%PDF isi rahasia")
    assert b"rahasia" not in sealed
    assert await keys.open_bytes(sealed) == b"%PDF isi rahasia"
    altered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    assert await keys.open_bytes(altered) == UNREADABLE
    other = await keys.new_subject(uuid.uuid4())
    moved = sealed.replace(str(subject.id).encode(), str(other.id).encode())
    assert await keys.open_bytes(moved) == UNREADABLE  # bound to its subject
    assert await keys.open_bytes(b"%PDF isi rahasia") == UNREADABLE  # never sealed
    await keys.destroy_case(case_id)
    assert await keys.open_bytes(sealed) == ERASED
