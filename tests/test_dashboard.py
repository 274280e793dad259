"""The dashboard and the registers' exports, over HTTP: what an office prints is what the
register shows, with the same filters and the same privacy rules."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import httpx
from openpyxl import load_workbook

from tests.support.casework import Officer, do, new_officers, open_case
from tests.support.sandbox import Alur
from tests.support.seed_cases import file_complaint, visit_sop
from tests.support.waiting import eventually

REGISTER_HEADERS = [
    "No.", "Nomor Registrasi", "Tanggal Diterima", "Saluran", "Pelapor", "Perihal",
    "Kategori", "Status", "Langkah Saat Ini",
]  # fmt: skip


def _csv(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response: httpx.Response) -> list[list[Any]]:
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


async def test_register_exports_follow_the_pages_filters_and_hide_what_the_register_hides(
    alur: Alur, petugas: Officer
) -> None:
    marker = uuid.uuid4().hex[:8]
    async with alur.http(headers=alur.auditor) as client:
        plain = await file_complaint(client, subject=f"Obat habis {marker}")
        secret = await file_complaint(
            client, subject=f"Pungutan liar {marker}", category=f"rahasia-{marker}",
            anonymous=True, confidential=True, reporter={},
        )  # fmt: skip

        async def both_registered() -> bool:
            numbers = {r["tracking_number"] for r in await alur.register()}
            return {plain["tracking_number"], secret["tracking_number"]} <= numbers

        await eventually(both_registered)

        rows = _csv(await client.get("/register.csv", params={"q": f"Obat habis {marker}"}))
        assert rows[0] == REGISTER_HEADERS
        assert [r[1] for r in rows[1:]] == [plain["tracking_number"]]
        assert rows[1][4:6] == ["Siti Aminah", f"Obat habis {marker}"]
        assert rows[1][3] == "Formulir web"

        # The confidential subject is never searched, shown or exported.
        assert (
            _csv(await client.get("/register.csv", params={"q": "Pungutan liar " + marker}))[1:]
            == []
        )
        sheet = _xlsx(await client.get("/register.xlsx", params={"category": f"rahasia-{marker}"}))
        assert sheet[0] == REGISTER_HEADERS
        (row,) = sheet[1:]
        assert row[1] == secret["tracking_number"]
        assert (row[4], row[5]) == ("Anonim", "Dirahasiakan")

        page = await client.get("/register", params={"q": marker, "status": "open"})
        assert page.status_code == 200
        assert plain["tracking_number"] in page.text
        assert secret["tracking_number"] not in page.text
        assert "Pungutan liar" not in page.text
        closed = await client.get("/api/register", params={"q": marker, "status": "closed"})
        assert closed.json() == []

        for path, params, field in (
            ("/register.csv", {"from": "kemarin"}, "from"),
            ("/api/register", {"status": "hilang"}, "status"),
            ("/register.xlsx", {"from": "2026-03-02", "to": "2026-03-01"}, "to"),
            ("/ikm.csv", {"quarter": 5}, "quarter"),
        ):
            refused = await client.get(path, params=params)
            assert refused.status_code == 422, path
            assert refused.json()["field"] == field
        assert (await client.get("/register.pdf")).status_code == 404


async def test_exports_are_for_officers_and_never_write_a_formula(
    alur: Alur, petugas: Officer
) -> None:
    marker = uuid.uuid4().hex[:8]
    formula = f'=HYPERLINK("http://contoh.test/{marker}","Klik")'
    async with alur.http() as client:
        await file_complaint(client, subject=formula, reporter={"name": f"@{marker}"})
        for path in ("/register.csv", "/register.xlsx", "/buku-tamu.csv", "/ikm.xlsx"):
            refused = await client.get(path)
            assert refused.status_code == 401, path
            assert refused.json()["error"] == "unauthorized"

        async def exported() -> list[list[str]] | None:
            response = await client.get(
                "/register.csv", params={"q": marker}, headers=petugas.headers
            )
            rows = _csv(response)
            return rows if len(rows) == 2 else None

        row = (await eventually(exported))[1]
        assert row[4:6] == [f"'@{marker}", f"'{formula}"]
        sheet = _xlsx(
            await client.get("/register.xlsx", params={"q": marker}, headers=petugas.headers)
        )
        assert sheet[1][4:6] == [f"'@{marker}", f"'{formula}"]


async def test_the_dashboard_shows_open_cases_per_step_and_the_ikm_report_exports(
    alur: Alur,
) -> None:
    petugas, satpam, resepsionis = await new_officers(
        alur, "petugas_pengaduan", "satpam", "resepsionis"
    )
    guest = f"Tamu {uuid.uuid4().hex[:6]}"
    async with alur.http(headers=alur.auditor) as client:
        complaint = await file_complaint(client)
        await do(client, complaint["case_id"], petugas, "register_complaint")
        visit = (await open_case(client, satpam, await visit_sop(client)))["case_id"]
        await do(client, visit, resepsionis, "greet_visitor")
        await do(
            client, visit, resepsionis, "register_guest_book",
            data={"nama": guest, "instansi": "Apotek Sehat", "keperluan": "Izin apotek"},
        )  # fmt: skip

        async def dashboard_lists_step_3() -> str | None:
            page = await client.get("/dasbor")
            assert page.status_code == 200
            section = page.text.split('id="kasus-terbuka"')[1].split("</section>")[0]
            return section if "Langkah 3" in section else None

        section = await eventually(dashboard_lists_step_3)
        assert "Penanganan Pengaduan Masyarakat" in section
        page = (await client.get("/dasbor")).text
        for heading in (
            "Kasus terbuka per langkah SOP",
            "Kasus terlambat",
            "Kepatuhan waktu per langkah",
            "Indeks Kepuasan Masyarakat (IKM) per unit layanan",
        ):
            assert heading in page

        async def guest_listed() -> list[list[Any]] | None:
            rows = _xlsx(await client.get("/buku-tamu.xlsx", headers=alur.auditor))
            return rows if any(r[3] == guest for r in rows[1:]) else None

        rows = await eventually(guest_listed)
        assert rows[0][:6] == ["No.", "Tanggal", "Jam Datang", "Nama Tamu", "Instansi/Alamat",
                               "Keperluan"]  # fmt: skip
        (written,) = [r for r in rows[1:] if r[3] == guest]  # revealed from its sealed row
        assert written[3:6] == [guest, "Apotek Sehat", "Izin apotek"]
        assert guest in (await client.get("/buku-tamu")).text
        # A visitor's name is sealed: the guest book is not searched by it (issue 13).
        searched = _xlsx(await client.get("/buku-tamu.xlsx", params={"q": guest}))
        assert len(searched) == 1

        report = (await client.get("/api/ikm")).json()
        for kind in ("csv", "xlsx"):
            response = await client.get(
                f"/ikm.{kind}", params={"year": report["year"]}, headers=petugas.headers
            )
            table = _csv(response) if kind == "csv" else _xlsx(response)
            assert table[0][:3] == ["Unit Layanan", "Periode", "Jumlah Responden"]
            assert table[0][3] == "NRR U1 Persyaratan"
            assert table[0][-4:] == ["IKM", "IKM Konversi", "Mutu Pelayanan",
                                     "Kinerja Unit Pelayanan"]  # fmt: skip
            assert [r[0] for r in table[1:]] == [u["unit"] for u in report["units"]]
            assert all(r[1] == f"Tahun {report['year']}" for r in table[1:])
