"""Files the tests send as attachments: a photo with a GPS position in its EXIF, a PNG and a
Word document with an author in their metadata, a minimal PDF, a ZIP that is not a document."""

from __future__ import annotations

import io
import zipfile

import docx
from PIL import Image, PngImagePlugin

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps() -> bytes:
    """A 64×48 photo whose EXIF holds a GPS position and "rotate 90° to view" (orientation 6)."""
    image = Image.effect_noise((64, 48), 40).convert("RGB")
    exif = image.getexif()
    exif[ORIENTATION] = 6
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "S", 2: (2.0, 55.0, 12.5), 3: "E", 4: (103.0, 50.0, 7.25)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    sent = Image.open(io.BytesIO(out.getvalue()))
    assert sent.getexif().get_ifd(GPS_IFD), "the test's photo carries a GPS position"
    return out.getvalue()


def png_with_text(text: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", text)
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "navy").save(out, "PNG", pnginfo=info)
    return out.getvalue()


def pdf(text: str) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        + f"% {text}\n".encode()
        + b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def word(author: str, text: str) -> bytes:
    document = docx.Document()
    document.core_properties.author = author
    document.core_properties.last_modified_by = author
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zipped(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<bukan dokumen/>")
    return out.getvalue()
