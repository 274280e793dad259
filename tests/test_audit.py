"""The audit trail of one case: `alur audit CASE_ID` prints its history and how it stood at a
moment. (tests/test_tamper_evidence.py: `alur audit --verify` over the whole store.)
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid

import pytest

from tests.support.casework import alur_cli
from tests.support.sandbox import Alur
from tests.support.seed_cases import COMPLAINT, Returned, returned_complaint

HEADERS = ["Waktu", "Petugas", "Peran", "Langkah", "Kegiatan", "Kelengkapan", "Keterangan"]


@pytest.fixture(scope="module")
def worked(alur: Alur) -> Returned:
    return asyncio.run(returned_complaint(alur))


def _audit(alur: Alur, *args: str) -> subprocess.CompletedProcess[str]:
    return alur_cli(alur, "audit", *args)


def test_a_case_s_history_says_when_who_in_which_role_did_which_step_with_which_documents(
    alur: Alur, worked: Returned
) -> None:
    done = _audit(alur, worked.case_id)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    header = next(line for line in out.splitlines() if line.startswith("No"))
    assert [h for h in HEADERS if h in header] == HEADERS
    for officer in (worked.petugas, worked.tim, worked.kadis):
        assert officer.name in out
    for label in (
        "Pengaduan diterima",
        "Pengaduan dicatat di buku register",
        "Pengaduan ditelaah",
        "Draf tanggapan diajukan",
        "Draf dikembalikan untuk diperbaiki",
    ):
        assert label in out
    assert "Surat Tugas; Berkas Pengaduan; Laporan Hasil Analisa" in out
    assert "keputusan: tidak" in out and "catatan: Lengkapi data" in out
    assert " WIB " in out
    assert "menunggu langkah 5" in out  # returned for correction: back to the team's draft


def test_the_reporter_s_personal_data_is_not_printed(alur: Alur, worked: Returned) -> None:
    out = _audit(alur, worked.case_id).stdout
    reporter = COMPLAINT["reporter"]
    for personal in (reporter["name"], reporter["email"], reporter["phone"], "Aminah"):
        assert personal not in out
    assert "pelapor: S*** A*****" in out
    assert COMPLAINT["subject"] in out  # not confidential


async def test_a_confidential_complaint_s_subject_reads_dirahasiakan(alur: Alur) -> None:
    async with alur.http() as client:
        response = await client.post(
            "/api/complaints", json={**COMPLAINT, "confidential": True, "anonymous": True}
        )
    case_id = response.json()["case_id"]
    done = await asyncio.to_thread(_audit, alur, case_id, "--json")
    assert done.returncode == 0, done.stderr
    (received,) = json.loads(done.stdout)["events"]
    assert "perihal: Dirahasiakan" in received["details"]
    assert "pelapor: Anonim" in received["details"]
    assert COMPLAINT["subject"] not in done.stdout


def test_as_of_shows_only_what_had_happened_and_where_the_case_stood_then(
    alur: Alur, worked: Returned
) -> None:
    moment = worked.after_review.isoformat()
    done = _audit(alur, worked.case_id, "--as-of", moment, "--json")
    assert done.returncode == 0, done.stderr
    then = json.loads(done.stdout)
    assert [e["type"] for e in then["events"]] == [
        "ComplaintReceived",
        "ComplaintRegistered",
        "ComplaintReviewed",
    ]
    assert then["total_events"] == 6
    assert then["state"]["status"] == "open"
    assert then["state"]["waiting_step"] == "4"
    assert then["state"]["waiting_activity"].startswith("Petugas menyampaikan pengaduan")

    text = _audit(alur, worked.case_id, "--as-of", moment).stdout
    assert "Keadaan pada" in text and "3 dari 6 kejadian" in text
    assert "menunggu langkah 4" in text
    assert worked.kadis.name not in text


def test_as_of_before_the_case_existed_shows_nothing(alur: Alur, worked: Returned) -> None:
    done = _audit(alur, worked.case_id, "--as-of", "2000-01-01T00:00:00+07:00", "--json")
    assert done.returncode == 0, done.stderr
    then = json.loads(done.stdout)
    assert then["events"] == [] and then["state"] is None


@pytest.mark.parametrize(
    ("args", "code", "names"),
    [
        (["not-a-case"], 2, "CASE_ID"),
        ([str(uuid.uuid4())], 1, "tidak ditemukan"),
        (["{case}", "--as-of", "kemarin sore"], 2, "--as-of"),
        ([], 2, "CASE_ID"),
        (["--verify", "--anchor", "abc"], 2, "--anchor"),
        (["{case}", "--verify"], 2, "--verify"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(
    alur: Alur, worked: Returned, args: list[str], code: int, names: str
) -> None:
    done = _audit(alur, *(a.replace("{case}", worked.case_id) for a in args))
    assert done.returncode == code, done.stdout + done.stderr
    assert names in done.stderr
    assert done.stdout == ""
