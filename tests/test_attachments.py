"""Attachments (issue 17, point 3), through HTTP and the CLI against the real PostgreSQL and Kafka:
a photo sent with the public form loses its EXIF (GPS position) and orientation tag but stays
upright, and its SHA-256 is the event's; PNG, PDF and Word files from an officer; files that are
not what they claim, and files over the limit, are refused naming `lampiran`, recording nothing;
the attachment directory holds no plaintext; after `alur privacy erase --case` the file reads
"[dihapus]" (410), is gone from the directory, and no dump holds its name or description; an
officer outside the case's scope gets 404; the reporter gets their own file with the PIN only.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from PIL import Image

from tests.support.accounts import form_token
from tests.support.casework import Officer, add_officer, alur_cli, history, unique_name
from tests.support.dumps import database_dump, kafka_dump
from tests.support.sample_files import (
    GPS_IFD,
    jpeg_with_gps,
    pdf,
    png_with_text,
    word,
    zipped,
)
from tests.support.sandbox import Alur
from tests.support.seed_cases import file_complaint
from tests.support.waiting import eventually

LIMIT = 2 * 1024 * 1024  # small, to send files over it cheaply (the default is 10 MB)
pytestmark = pytest.mark.sandbox("attach", env={"ALUR_ATTACHMENT_MAX_BYTES": str(LIMIT)})

MARK = uuid.uuid4().hex[:12]
FORM = {
    "reporter_name": f"Rusdiana Lampir {MARK}",
    "reporter_email": f"rusdiana.{MARK}@contoh.id",
    "subject": "Limbah medis dibuang di sungai",
    "description": "Limbah medis dibuang di belakang puskesmas, foto terlampir.",
}
ERASE = (
    "--requested-by", "subjek data (surat 7/PDP/2026)",
    "--legal-basis", "UU 27/2022 Pasal 8",
    "--reason", "pelapor meminta data pribadinya dihapus",
)  # fmt: skip


EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 240 + b"PE\x00\x00"


# -- helpers -------------------------------------------------------------------------------------


def auditor(alur: Alur) -> Officer:
    return Officer("Auditor", alur.auditor["Authorization"].removeprefix("Bearer "))


async def event_count(alur: Alur) -> int:
    return (await alur.sql("SELECT count(*) AS n FROM casestore_events"))[0]["n"]


async def lapor(alur: Alur, files: dict[str, Any], **fields: str) -> Any:
    async with alur.http() as client:
        token = await form_token(client, "/lapor")
        return await client.post(
            "/lapor", data={**FORM, **fields, "csrf_token": token}, files=files
        )


async def filed_with(alur: Alur, filename: str, data: bytes, **fields: str) -> dict[str, str]:
    """A complaint sent with the public form and one file: its number, PIN and case id."""
    page = await lapor(alur, {"lampiran": (filename, data, "application/octet-stream")}, **fields)
    assert page.status_code == 201, page.text
    number = re.search(r'id="tracking-number">([^<]+)<', page.text).group(1)  # type: ignore[union-attr]
    pin = re.search(r'id="pin">([^<]+)<', page.text).group(1)  # type: ignore[union-attr]

    async def case_id() -> str | None:
        row = next((r for r in await alur.register() if r["tracking_number"] == number), None)
        return row["case_id"] if row else None

    return {"number": number, "pin": pin, "case_id": await eventually(case_id)}


async def attachment_events(alur: Alur, case_id: str) -> list[dict[str, Any]]:
    return [
        e for e in await history(alur, case_id, auditor(alur)) if e["type"] == "AttachmentAdded"
    ]


async def download(alur: Alur, case_id: str, sha256: str, headers: dict[str, str]) -> Any:
    async with alur.http() as client:
        return await client.get(f"/kasus/{case_id}/lampiran/{sha256}", headers=headers)


async def upload(
    alur: Alur, case_id: str, officer: Officer, name: str, data: bytes, **form: str
) -> Any:
    async with alur.http() as client:
        return await client.post(
            f"/api/cases/{case_id}/attachments",
            headers=officer.headers,
            files={"lampiran": (name, data, "application/octet-stream")},
            data=form,
        )


def case_files(alur: Alur, case_id: str) -> list[bytes]:
    folder = Path(alur.env["ALUR_ATTACHMENT_DIR"]) / case_id
    return [p.read_bytes() for p in sorted(folder.iterdir())] if folder.is_dir() else []


@pytest.fixture(scope="module")
async def petugas(alur: Alur) -> Officer:
    return await add_officer(alur, unique_name("petugas"), "petugas_pengaduan")


@pytest.fixture(scope="module")
async def complaint(alur: Alur) -> str:
    async with alur.http() as client:
        return (await file_complaint(client))["case_id"]


# -- the tests -----------------------------------------------------------------------------------


async def test_a_photo_from_the_public_form_is_kept_without_its_exif_and_upright(
    alur: Alur,
) -> None:
    filed = await filed_with(alur, "IMG_2041.jpg", jpeg_with_gps(), keterangan="Foto lokasi")
    (event,) = await attachment_events(alur, filed["case_id"])
    payload = event["payload"]
    assert payload["media_type"] == "image/jpeg"
    assert payload["filename"] == "IMG_2041.jpg"  # revealed to the auditor
    assert payload["description"] == "Foto lokasi"

    got = await download(alur, filed["case_id"], payload["sha256"], alur.auditor)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "image/jpeg"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"
    assert hashlib.sha256(got.content).hexdigest() == payload["sha256"]
    assert len(got.content) == payload["size"]
    photo = Image.open(io.BytesIO(got.content))
    assert not photo.getexif().get_ifd(GPS_IFD), "the GPS position is gone"
    assert len(photo.getexif()) == 0 and "exif" not in photo.info, "no EXIF at all"
    assert photo.size == (48, 64), "the orientation was applied before the tag went"

    # The reporter: their own file with their PIN; a wrong PIN is told nothing.
    path = f"/api/track/{filed['number']}/attachments/{payload['sha256']}"
    async with alur.http() as client:
        mine = await client.post(path, json={"pin": filed["pin"]})
        assert mine.status_code == 200, mine.text
        assert mine.content == got.content
        tracked = await client.post(f"/api/track/{filed['number']}", json={"pin": filed["pin"]})
        assert tracked.json()["status"] == "Pengaduan diterima"  # a file is no status
        wrong = await client.post(path, json={"pin": "000000"})
        assert wrong.status_code == 404, wrong.text
        assert got.content not in wrong.content
        # And from the tracking page, through its download form.
        token = await form_token(client, "/lacak")
        page = await client.post(
            "/lacak", data={"nomor": filed["number"], "pin": filed["pin"], "csrf_token": token}
        )
        assert f'action="/lacak/lampiran/{payload["sha256"]}"' in page.text
        assert len(page.content) < 100_000
        form = {"nomor": filed["number"], "pin": filed["pin"], "csrf_token": token}
        from_page = await client.post(f"/lacak/lampiran/{payload['sha256']}", data=form)
        assert from_page.status_code == 200 and from_page.content == got.content
        form["pin"] = "000000"
        refused = await client.post(f"/lacak/lampiran/{payload['sha256']}", data=form)
        assert refused.status_code == 404
    # A file attached is no change of status (the register still says what happened last).
    row = next(r for r in await alur.register() if r["case_id"] == filed["case_id"])
    assert row["status"] == "Pengaduan diterima", row
    audit = alur_cli(alur, "audit", filed["case_id"])
    assert audit.returncode == 0, audit.stderr
    assert "Lampiran ditambahkan" in audit.stdout and payload["sha256"] in audit.stdout


async def test_an_officer_attaches_a_png_a_pdf_and_a_word_document(
    alur: Alur, petugas: Officer, complaint: str
) -> None:
    png = png_with_text(f"Kamera Dinas {MARK}")
    sent = await upload(alur, complaint, petugas, "denah.png", png, keterangan="Denah")
    assert sent.status_code == 201, sent.text
    got = await download(alur, complaint, sent.json()["sha256"], petugas.headers)
    assert got.status_code == 200 and got.headers["content-type"] == "image/png"
    assert hashlib.sha256(got.content).hexdigest() == sent.json()["sha256"]
    assert Image.open(io.BytesIO(got.content)).text == {}
    assert MARK.encode() not in got.content

    letter = pdf(f"Surat pengaduan {MARK}")
    sent = await upload(alur, complaint, petugas, "surat.pdf", letter)
    assert sent.status_code == 201, sent.text
    assert sent.json()["sha256"] == hashlib.sha256(letter).hexdigest()  # a PDF is kept as is
    got = await download(alur, complaint, sent.json()["sha256"], petugas.headers)
    assert got.content == letter and got.headers["content-type"] == "application/pdf"

    report = word(f"Budi Penulis {MARK}", "Hasil pemeriksaan lapangan.")
    sent = await upload(alur, complaint, petugas, "laporan.docx", report)
    assert sent.status_code == 201, sent.text
    got = await download(alur, complaint, sent.json()["sha256"], petugas.headers)
    kept = docx.Document(io.BytesIO(got.content))
    assert kept.paragraphs[0].text == "Hasil pemeriksaan lapangan."
    assert kept.core_properties.author == "" and kept.core_properties.last_modified_by == ""
    assert MARK.encode() not in zipfile.ZipFile(io.BytesIO(got.content)).read("docProps/core.xml")

    # The case page's form: 303 back to the case's attachments.
    async with alur.http(follow_redirects=False) as client:
        token = await form_token(client, "/lapor")
        posted = await client.post(
            f"/kasus/{complaint}/lampiran",
            headers=petugas.headers,
            data={"csrf_token": token, "keterangan": "Pindaian"},
            files={"lampiran": ("pindaian.pdf", pdf("pindaian"), "application/pdf")},
        )
    assert posted.status_code == 303, posted.text
    assert posted.headers["location"] == f"/kasus/{complaint}#lampiran"
    assert len(await attachment_events(alur, complaint)) == 4


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("foto.jpg", EXECUTABLE),
        ("foto.jpg", zipped("a.txt")),
        ("surat.docx", zipped("a.txt")),
        ("surat.docx", zipped("word/document.xml", "docProps/core.xml")),  # looks like Word
        ("surat.pdf", b"bukan PDF, hanya teks"),
    ],
)
async def test_a_file_that_is_not_an_allowed_type_is_refused_and_nothing_recorded(
    alur: Alur, petugas: Officer, complaint: str, name: str, data: bytes
) -> None:
    before = await event_count(alur)
    page = await lapor(alur, {"lampiran": (name, data, "image/jpeg")})
    assert page.status_code == 422, page.text
    assert "Lampiran:" in page.text, page.text
    api = await upload(alur, complaint, petugas, name, data)
    assert api.status_code == 422, api.text
    assert api.json()["field"] == "lampiran"
    assert await event_count(alur) == before


async def test_a_file_over_the_limit_is_refused_and_only_upload_routes_take_large_bodies(
    alur: Alur, petugas: Officer, complaint: str
) -> None:
    before = await event_count(alur)
    over = pdf("besar") + b"%" * (LIMIT + 1 - len(pdf("besar")))
    refused = await upload(alur, complaint, petugas, "besar.pdf", over)
    assert refused.status_code == 413, refused.text
    assert refused.json()["field"] == "lampiran"
    page = await lapor(alur, {"lampiran": ("besar.pdf", over, "application/pdf")})
    assert page.status_code == 413 and "Lampiran:" in page.text
    far_over = await upload(alur, complaint, petugas, "besar.pdf", over + b"%" * LIMIT)
    assert far_over.status_code == 413 and far_over.json()["error"] == "payload_too_large"
    assert await event_count(alur) == before
    # Larger than the 1 MiB every other body is held to, within the attachment limit.
    large = pdf("sedang") + b"%" * (1024 * 1024 + 4096)
    taken = await upload(alur, complaint, petugas, "sedang.pdf", large)
    assert taken.status_code == 201, taken.text
    async with alur.http() as client:
        body = {"channel": "web", "subject": "x" * 10, "description": "y" * (1024 * 1024 + 4096)}
        json_complaint = await client.post("/api/complaints", json=body)
    assert json_complaint.status_code == 413


async def test_an_officer_outside_the_cases_scope_gets_404(
    alur: Alur, petugas: Officer, complaint: str
) -> None:
    sent = await upload(alur, complaint, petugas, "bukti.png", png_with_text("bukti"))
    assert sent.status_code == 201, sent.text
    satpam = await add_officer(alur, unique_name("satpam"), "satpam")
    before = await event_count(alur)
    got = await download(alur, complaint, sent.json()["sha256"], satpam.headers)
    assert got.status_code == 404, got.text
    assert got.headers["content-type"] == "application/json"
    refused = await upload(alur, complaint, satpam, "lain.png", png_with_text("lain"))
    assert refused.status_code == 404, refused.text
    assert await event_count(alur) == before
    # The reporter of another case, with that case's right PIN, does not get this file.
    async with alur.http() as client:
        other = await file_complaint(client)
        stranger = await client.post(
            f"/api/track/{other['tracking_number']}/attachments/{sent.json()['sha256']}",
            json={"pin": other["pin"]},
        )
    assert stranger.status_code == 404


async def test_attachments_are_sealed_at_rest_and_erased_with_the_case(alur: Alur) -> None:
    secret = f"Bukti pungutan liar {MARK}"
    letter = pdf(secret)
    filed = await filed_with(
        alur, f"kuitansi-{MARK}.pdf", letter, keterangan=f"Kuitansi dari loket {MARK}"
    )
    case_id = filed["case_id"]
    (event,) = await attachment_events(alur, case_id)
    stored = case_files(alur, case_id)
    assert len(stored) == 1, "the file is in the attachment directory"
    assert not any(secret.encode() in f or letter in f for f in stored), "sealed at rest"

    erased = alur_cli(alur, "privacy", "erase", "--case", case_id, *ERASE)
    assert erased.returncode == 0, erased.stderr
    got = await download(alur, case_id, event["payload"]["sha256"], alur.auditor)
    assert got.status_code == 410 and "[dihapus]" in got.json()["message"], got.text
    async with alur.http() as client:
        mine = await client.post(
            f"/api/track/{filed['number']}/attachments/{event['payload']['sha256']}",
            json={"pin": filed["pin"]},
        )
    assert mine.status_code == 410, mine.text
    assert case_files(alur, case_id) == []
    (after,) = await attachment_events(alur, case_id)
    assert after["payload"]["filename"] == "[dihapus]"
    assert after["payload"]["sha256"] == event["payload"]["sha256"]
    # Every file name, description and reporter of this module carries MARK: none in plaintext.
    for where, dump in (("pg_dump", await database_dump(alur)), ("kafka", await kafka_dump(alur))):
        assert MARK not in dump, where
    verified = alur_cli(alur, "audit", "--verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    replayed = alur_cli(alur, "replay")  # every projection reads AttachmentAdded again
    assert replayed.returncode == 0, replayed.stderr

    async def replayed_row() -> dict[str, Any] | None:
        row = next((r for r in await alur.register() if r["case_id"] == case_id), None)
        return row if row and row["reporter"] == "[dihapus]" else None

    assert (await eventually(replayed_row))["status"] == "Pengaduan diterima"
