"""Erasure by crypto-shredding (issue 13, point 3): `alur privacy erase --case ID` (and
`--subject EMAIL_OR_PHONE`) records `PersonalDataErased` and destroys the subjects' keys; then
no copy of the database or of any Kafka topic holds the reporter's personal data, every reader
(register, audit printout, tracking page, exports) shows "[dihapus]", the hash chain still
holds, and a replay of every projection shows "[dihapus]" too. The case, its steps and times
stay. Bad input records nothing.

The module runs its own sandbox: it replays every projection.
"""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest

from tests.support.accounts import form_token
from tests.support.casework import (
    Officer,
    alur_cli,
    events_of,
    history,
    new_officers,
    open_case,
)
from tests.support.dumps import database_dump, kafka_dump
from tests.support.sandbox import Alur
from tests.support.seed_cases import (
    complaint_office,
    file_complaint,
    to_the_survey,
    visit_sop,
    work,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.sandbox("erasure", mail=True)
ERASED = "[dihapus]"
REQUEST = (
    "--requested-by", "subjek data (surat permohonan 12/PDP/2026)",
    "--legal-basis", "UU 27/2022 Pasal 8",
    "--reason", "pelapor meminta data pribadinya dihapus",
)  # fmt: skip


def _reporter() -> dict[str, Any]:
    """A complaint whose personal data is found nowhere else: every value carries a marker."""
    marker = uuid.uuid4().hex[:10]
    digits = str(int(marker, 16))[-8:].rjust(8, "7")
    return {
        "reporter": {
            "name": f"Wulandari Qz{marker}",
            "email": f"qz{marker}@contoh.id",
            "phone": f"+62 813 {digits}",
        },
        "description": f"Petugas loket bernama Rahmat-Qz{marker} meminta uang tambahan.",
    }


def _distinctive(complaint: dict[str, Any]) -> list[str]:
    reporter = complaint["reporter"]
    phone_digits = "".join(c for c in reporter["phone"] if c.isdigit())
    return [
        reporter["name"],
        reporter["email"],
        reporter["phone"],
        phone_digits[-8:],  # however the phone was written down
        complaint["description"].split()[3],  # the name it quotes
    ]


def _found(text: str, strings: list[str]) -> list[str]:
    """The strings found in `text`, as they are or hex-encoded (a bytea column in a dump)."""
    lowered = text.lower()
    return [s for s in strings if s.lower() in lowered or s.encode().hex() in lowered]


def _auditor(alur: Alur) -> Officer:
    return Officer("Auditor", alur.auditor["Authorization"].removeprefix("Bearer "))


async def _register_row(alur: Alur, case_id: str, **expected: Any) -> dict[str, Any]:
    async def shown() -> dict[str, Any] | None:
        row = next((r for r in await alur.register() if r["case_id"] == case_id), None)
        if row is None or any(row.get(k) != v for k, v in expected.items()):
            return None
        return row

    return await eventually(shown)


async def _receipt_sent(alur: Alur, case_id: str) -> None:
    async def sent() -> bool:
        async with alur.http() as client:
            response = await client.get(f"/api/cases/{case_id}/notifications", headers=alur.auditor)
        assert response.status_code == 200, response.text
        return any(
            n["event_type"] == "ComplaintReceived" and n["status"] in ("sent", "skipped")
            for n in response.json()
        )

    await eventually(sent)


async def _everywhere(alur: Alur, strings: list[str]) -> list[str]:
    """Where any of the strings is found: the database dump, the Kafka dump."""
    where = []
    if found := _found(await database_dump(alur), strings):
        where.append(f"pg_dump: {found}")
    if found := _found(await kafka_dump(alur), strings):
        where.append(f"kafka: {found}")
    return where


async def _readers_show_erased(alur: Alur, case_id: str, filed: dict[str, Any]) -> None:
    strings = _distinctive(filed["complaint"])
    row = await _register_row(alur, case_id, reporter=ERASED)
    assert not _found(str(row), strings)
    async with alur.http(headers=alur.auditor) as client:
        export = await client.get("/register.csv", params={"q": filed["tracking_number"]})
        assert export.status_code == 200, export.text
        rows = [r for r in csv.reader(io.StringIO(export.text)) if filed["tracking_number"] in r]
        assert rows and ERASED in rows[0], export.text
        assert not _found(export.text, strings)
        for path in (f"/api/cases/{case_id}", f"/api/cases/{case_id}/notifications"):
            shown = await client.get(path)
            assert shown.status_code == 200, shown.text
            assert not _found(shown.text, strings), path
    async with alur.http() as client:
        token = await form_token(client, "/lacak")
        page = await client.post(
            "/lacak",
            data={"nomor": filed["tracking_number"], "pin": filed["pin"], "csrf_token": token},
        )
        assert page.status_code == 200, page.text
        assert filed["tracking_number"] in page.text
        assert not _found(page.text, strings)
    printout = alur_cli(alur, "audit", case_id)
    assert printout.returncode == 0, printout.stderr
    assert "Data pribadi dihapus" in printout.stdout
    assert "UU 27/2022 Pasal 8" in printout.stdout
    assert "Pengaduan diterima" in printout.stdout  # the case and its steps stay
    assert not _found(printout.stdout, strings)


async def test_after_erasing_a_case_no_copy_holds_the_reporters_personal_data(
    alur: Alur,
) -> None:
    office = await complaint_office(alur)
    complaint = _reporter()
    strings = _distinctive(complaint)
    async with alur.http() as client:
        receipt = await file_complaint(client, **complaint)
        case_id = receipt["case_id"]
        await work(client, case_id, office.to_the_team())
    filed = {**receipt, "complaint": complaint}
    await _register_row(alur, case_id, current_step="5")
    await _receipt_sent(alur, case_id)
    before = await history(alur, case_id, _auditor(alur))

    # Bad input: a clear message, a non-zero exit, nothing recorded.
    for args, code in [
        (("--case", str(uuid.uuid4()), *REQUEST), 1),  # no such case
        (("--case", "ADU-2026-000001", *REQUEST), 2),
        (("--case", case_id, "--subject", complaint["reporter"]["email"], *REQUEST), 2),
        (("--case", case_id, *REQUEST[:4], "--reason", "  "), 2),
        (("--subject", "bukan kontak", *REQUEST), 2),
    ]:
        refused = alur_cli(alur, "privacy", "erase", *args)
        assert refused.returncode == code, (args, refused.stdout, refused.stderr)
        assert refused.stderr.startswith("alur privacy erase: ")
    assert await history(alur, case_id, _auditor(alur)) == before

    erased = alur_cli(alur, "privacy", "erase", "--case", case_id, *REQUEST, "--by", "Admin PDP")
    assert erased.returncode == 0, erased.stderr
    assert "data pribadi dihapus" in erased.stdout
    event = (await events_of(alur, case_id, _auditor(alur), "PersonalDataErased"))[0]
    assert event["payload"]["legal_basis"] == "UU 27/2022 Pasal 8"
    assert event["payload"]["scope"] == "case" and event["payload"]["subjects"]
    assert event["actor"] == {"id": "admin-pdp", "role": "pelindungan_data"}
    again = alur_cli(alur, "privacy", "erase", "--case", case_id, *REQUEST)
    assert again.returncode == 0 and "sudah dihapus" in again.stdout, again.stderr

    # The case itself, its steps and times stay.
    after = await history(alur, case_id, _auditor(alur))
    assert [e["type"] for e in after] == [*(e["type"] for e in before), "PersonalDataErased"]
    assert [e["occurred_at"] for e in after[: len(before)]] == [e["occurred_at"] for e in before]
    await _readers_show_erased(alur, case_id, filed)
    assert await _everywhere(alur, strings) == []
    verified = alur_cli(alur, "audit", "--verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr

    replayed = alur_cli(alur, "replay")
    assert replayed.returncode == 0, replayed.stderr
    await _readers_show_erased(alur, case_id, filed)
    assert await _everywhere(alur, strings) == []


async def test_erasing_a_person_erases_every_case_they_reported(alur: Alur) -> None:
    complaint = _reporter()
    async with alur.http() as client:
        first = await file_complaint(client, **complaint)
        second = await file_complaint(
            client,
            **{**complaint, "reporter": {**complaint["reporter"], "phone": "0811 000 111"}},
        )
    other = _reporter()
    async with alur.http() as client:
        untouched = await file_complaint(client, **other)
    for receipt in (first, second, untouched):
        await _register_row(alur, receipt["case_id"])

    erased = alur_cli(
        alur, "privacy", "erase", "--subject", complaint["reporter"]["email"].upper(), *REQUEST
    )
    assert erased.returncode == 0, erased.stderr
    for receipt in (first, second):
        event = (await events_of(alur, receipt["case_id"], _auditor(alur), "PersonalDataErased"))[0]
        assert event["payload"]["scope"] == "subject"
    await _register_row(alur, first["case_id"], reporter=ERASED)
    assert (await _register_row(alur, untouched["case_id"]))["reporter"] == other["reporter"][
        "name"
    ]
    assert _found(await database_dump(alur), _distinctive(complaint)) == []
    nothing = alur_cli(
        alur, "privacy", "erase", "--subject", complaint["reporter"]["email"], *REQUEST
    )
    assert nothing.returncode == 1, nothing.stdout


async def test_erasing_a_visit_erases_the_guest_book_entry(alur: Alur) -> None:
    marker = uuid.uuid4().hex[:10]
    guest = {
        "nama": f"Tamu Qz{marker}",
        "instansi": "Apotek Sehat",
        "keperluan": "Izin apotek",
        "telepon": f"0812 {str(int(marker, 16))[-8:]}",
    }
    strings = [guest["nama"], guest["telepon"]]
    satpam, resepsionis, layanan = await new_officers(
        alur, "satpam", "resepsionis", "petugas_layanan"
    )
    async with alur.http() as client:
        opened = await open_case(client, satpam, await visit_sop(client), {"tujuan": "Farmasi"})
        visit = opened["case_id"]
        await work(client, visit, to_the_survey(resepsionis, layanan, guest))

    async def entry(name: str) -> dict[str, Any] | None:
        async with alur.http(headers=alur.auditor) as client:
            rows = (await client.get("/api/guest-book", params={"limit": "1000"})).json()
        return next((r for r in rows if r["case_id"] == visit and r["visitor_name"] == name), None)

    await eventually(lambda: entry(guest["nama"]))
    erased = alur_cli(alur, "privacy", "erase", "--case", visit, *REQUEST)
    assert erased.returncode == 0, erased.stderr
    row = await eventually(lambda: entry(ERASED))
    assert row["phone"] == ERASED
    async with alur.http(headers=alur.auditor) as client:
        export = await client.get("/buku-tamu.csv")
    assert export.status_code == 200 and not _found(export.text, strings)
    assert await _everywhere(alur, strings) == []
