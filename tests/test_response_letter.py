"""The printable response letter (`GET /kasus/{id}/surat-jawaban.pdf`), through the running app:
a PDF with the office's letterhead, the tracking number, the reporter it is addressed to and
the latest answer (dotted lines before one is written); an officer who may not read the case
gets the 404 page, as for the case page."""

from __future__ import annotations

import io
import uuid

from pypdf import PdfReader

from tests.support.casework import Officer, add_officer, unique_name
from tests.support.sandbox import Alur
from tests.support.seed_cases import file_complaint

MARK = uuid.uuid4().hex[:6]
REPORTER = f"Ahmad Surat {MARK}"
ANSWER = f"Stok vaksin telah dipenuhi kembali pada hari Senin ({MARK})."


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_the_response_letter_prints_the_number_and_the_latest_answer(
    alur: Alur, petugas: Officer
) -> None:
    outsider = await add_officer(alur, unique_name("petugas layanan"), "petugas_layanan")
    async with alur.http(headers=petugas.headers) as client:
        receipt = await file_complaint(
            client, channel="post", reporter={"name": REPORTER}, category="imunisasi"
        )
        case = f"/kasus/{receipt['case_id']}"
        page = await client.get(case)
        assert f'href="{case}/surat-jawaban.pdf"' in page.text
        assert "Cetak surat jawaban" in page.text
        before = await client.get(f"{case}/surat-jawaban.pdf")
        assert before.status_code == 200, before.text
        assert before.headers["content-type"] == "application/pdf"
        blank = _text(before.content)
        assert receipt["tracking_number"] in blank and "....." in blank and MARK in blank
        answered = await client.post(f"{case}/jawaban", data={"message": ANSWER})
        assert answered.status_code == 303, answered.text
        letter = _text((await client.get(f"{case}/surat-jawaban.pdf")).content)
    assert f"Nomor : {receipt['tracking_number']}" in letter  # the letter's number
    assert "DINAS KESEHATAN KABUPATEN MUSI BANYUASIN" in letter  # the letterhead
    assert "Sekayu, " in letter
    assert REPORTER in letter
    assert " ".join(ANSWER.split()) in " ".join(letter.split())
    async with alur.http(headers=outsider.headers) as client:
        refused = await client.get(f"{case}/surat-jawaban.pdf")
    assert refused.status_code == 404
    assert receipt["tracking_number"] not in refused.text
