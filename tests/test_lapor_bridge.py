"""The SP4N-LAPOR! bridge through its public surface: `alur lapor import FILE` opens each report
of the admin panel's sheet once (CSV or XLSX, headers matched tolerantly), a bad sheet records
nothing and names the row and column, and `alur lapor export --since` lists the office's
follow-ups for LAPOR!. Against the shared sandbox's PostgreSQL, Kafka and workers."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import threading
import uuid
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from openpyxl import Workbook, load_workbook

from tests.support.accounts import PASSWORD, add_account, browser, form_token, log_in
from tests.support.casework import Officer, alur_cli, case, work
from tests.support.sandbox import Alur
from tests.support.seed_cases import to_the_team
from tests.support.waiting import eventually

CSV_HEADER = ["No. Laporan", "Tanggal Laporan", "Judul", "Isi Laporan", "Kategori", "Anonim",
              "Rahasia", "Lampiran"]  # fmt: skip


def _report_id() -> str:
    return f"LPR{uuid.uuid4().hex[:8].upper()}"


def _csv(rows: list[list[str]], header: list[str] = CSV_HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # as Excel saves it with an Indonesian locale
    writer.writerows([header, *rows])
    return out.getvalue().encode("utf-8-sig")


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID", "TANGGAL", "Judul laporan", "Isi", "Kategori Laporan", "Anonymous"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(report: str, content: str, anonymous: str = "Tidak") -> list[str]:
    link = f"https://www.lapor.go.id/lampiran/{report}.jpg"
    title = "Obat kosong di puskesmas"
    return [report, "17/03/2026 09:30", title, content, "Kesehatan", anonymous, "Tidak", link]


async def _import(alur: Alur, tmp_path: Path, name: str, data: bytes) -> tuple[int, list[str], str]:
    sheet = tmp_path / name
    sheet.write_bytes(data)
    done = await asyncio.to_thread(alur_cli, alur, "lapor", "import", str(sheet))
    return done.returncode, done.stdout.splitlines(), done.stderr


def _imported(lines: list[str]) -> dict[str, tuple[str, str]]:
    """LAPOR! id -> (case id, "baru" | "sudah diimpor") from the command's report lines."""
    rows = [line.split("\t") for line in lines if "\t" in line]
    return {report: (case_id, status) for report, _, case_id, status in rows}


async def test_a_sheet_imported_twice_opens_each_report_once(alur: Alur, tmp_path: Path) -> None:
    first, second, third = _report_id(), _report_id(), _report_id()
    text = "Stok obat hipertensi di Puskesmas Sekayu kosong sejak dua minggu."
    sheet = _csv([_row(first, text), _row(second, text, anonymous="Ya")])

    code, lines, err = await _import(alur, tmp_path, "lapor.csv", sheet)
    assert code == 0, err
    opened = _imported(lines)
    assert {r: s for r, (_, s) in opened.items()} == {first: "baru", second: "baru"}
    assert "2 laporan baru, 0 sudah diimpor sebelumnya." in lines[-1]

    code, lines, err = await _import(alur, tmp_path, "lapor.csv", sheet)
    assert code == 0, err
    again = _imported(lines)
    assert again == {first: (opened[first][0], "sudah diimpor"),
                     second: (opened[second][0], "sudah diimpor")}  # fmt: skip

    # An XLSX with other header names: one report seen before, one new.
    more = text + " Antrean lama."
    workbook = _xlsx([[second, date(2026, 3, 18), "Ulang", text, "Kesehatan", "ya"],
                      [third, date(2026, 3, 18), "Antrean", more, None, "tidak"]])  # fmt: skip
    code, lines, err = await _import(alur, tmp_path, "lapor.xlsx", workbook)
    assert code == 0, err
    assert {r: s for r, (_, s) in _imported(lines).items()} == {
        second: "sudah diimpor",
        third: "baru",
    }

    petugas = await add_account(alur, "petugas_pengaduan")
    officer = Officer(petugas.name, petugas.token)
    async with alur.http() as client:
        report = await case(client, opened[first][0], officer)
    received = report["history"][0]
    assert received["payload"]["channel"] == "lapor"
    assert f"Laporan SP4N-LAPOR! {first}" in received["payload"]["description"]
    assert f"https://www.lapor.go.id/lampiran/{first}.jpg" in received["payload"]["description"]

    async def registered() -> list[dict[str, str]] | None:
        async with alur.http() as client:
            rows = (await client.get("/api/register", headers=officer.headers)).json()
        mine = [row for row in rows if row["case_id"] in {opened[first][0], opened[second][0]}]
        return mine if len(mine) == 2 else None

    assert {row["channel"] for row in await eventually(registered)} == {"lapor"}


async def test_a_bad_sheet_is_refused_whole_naming_the_row_and_column(
    alur: Alur, tmp_path: Path
) -> None:
    good, bad = _report_id(), _report_id()
    text = "Petugas loket tidak ada di tempat pada jam pelayanan."
    code, _, err = await _import(
        alur, tmp_path, "bad.csv", _csv([_row(good, text), _row(bad, text, anonymous="mungkin")])
    )
    assert code == 2
    assert "baris 3, kolom anonim" in err and "bukan ya/tidak" in err

    no_content = _csv([[good, "2026-03-17"]], header=["ID Laporan", "Tanggal"])
    code, _, err = await _import(alur, tmp_path, "columns.csv", no_content)
    assert code == 2 and "kolom isi laporan tidak ditemukan" in err

    code, _, err = await _import(alur, tmp_path, "junk.xlsx", b"PK\x03\x04 not a workbook")
    assert code == 2 and "berkas" in err

    # Nothing of the refused sheets was recorded: the good row is new now.
    code, lines, err = await _import(alur, tmp_path, "good.csv", _csv([_row(good, text)]))
    assert code == 0, err
    assert _imported(lines)[good][1] == "baru"


async def test_the_export_lists_status_changes_and_answers_since_a_date(
    alur: Alur, tmp_path: Path
) -> None:
    report = _report_id()
    text = "Pelayanan imunisasi di posyandu desa kami ditunda tanpa pemberitahuan."
    code, lines, err = await _import(alur, tmp_path, "lapor.csv", _csv([_row(report, text)]))
    assert code == 0, err
    case_id = _imported(lines)[report][0]

    petugas = await add_account(alur, "petugas_pengaduan")
    officer = Officer(petugas.name, petugas.token)
    async with alur.http() as client:
        await work(client, case_id, to_the_team(officer))
    answer = f"Jadwal imunisasi dipindah ke hari Kamis {uuid.uuid4().hex[:6]}"
    async with browser(alur) as page:
        assert (await log_in(page, petugas.name, PASSWORD)).status_code == 303
        token = await form_token(page, f"/kasus/{case_id}")
        sent = await page.post(
            f"/kasus/{case_id}/jawaban", data={"message": answer, "csrf_token": token}
        )
        assert sent.status_code == 303, sent.text

    out = tmp_path / "tindak-lanjut.xlsx"
    since = date.today().isoformat()
    done = await asyncio.to_thread(alur_cli, alur, "lapor", "export", "--since", since,
                                   "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = list(load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("ID Laporan", "Nomor Alur", "Waktu", "Jenis", "Status", "Tindak Lanjut")
    mine = [row for row in rows[1:] if row[0] == report]
    assert [row[3] for row in mine] == ["Perubahan status"] * 3 + ["Tindak lanjut"]
    assert mine[-1][5] == answer and all(row[1].startswith("ADU-") for row in mine)

    later = await asyncio.to_thread(alur_cli, alur, "lapor", "export", "--since", "2999-01-01")
    assert later.returncode == 0 and report not in later.stdout
    bad = await asyncio.to_thread(alur_cli, alur, "lapor", "export", "--since", "kemarin")
    assert bad.returncode == 2 and "--since" in bad.stderr


async def test_the_intake_desk_imports_a_sheet_too(alur: Alur) -> None:
    report = _report_id()
    sheet = _csv([_row(report, "Ambulans desa tidak bisa dihubungi pada malam hari.")])
    petugas = await add_account(alur, "petugas_pengaduan")
    async with browser(alur) as page:
        assert (await log_in(page, petugas.name, PASSWORD)).status_code == 303
        token = await form_token(page, "/meja")

        async def upload(data: bytes, name: str = "lapor.csv") -> httpx.Response:
            return await page.post(
                "/meja/lapor",
                data={"csrf_token": token},
                files={"berkas_lapor": (name, data, "text/csv")},
            )

        first = await upload(sheet)
        assert first.status_code == 201, first.text
        assert "1 laporan baru, 0 sudah diimpor sebelumnya." in first.text
        assert f'data-lapor="{report}"' in first.text and "ADU-" in first.text
        case_link = re.search(r'href="(/kasus/[0-9a-f-]+)"', first.text)
        assert case_link, first.text
        case_page = await page.get(case_link.group(1))
        assert f'<dd id="lapor-id">{report}</dd>' in case_page.text  # beside Alur's number
        again = await upload(sheet)
        assert again.status_code == 200 and "0 laporan baru, 1 sudah diimpor" in again.text
        junk = await upload(b"\x00\x01 bukan lembar kerja", "foto.csv")
        assert junk.status_code == 422 and "bukan CSV atau XLSX" in junk.text


class _FakeLapor:
    """A stand-in for the LAPOR! API on loopback: one report to hand out, follow-ups kept."""

    def __init__(self, report: dict[str, str]) -> None:
        self.follow_ups: list[tuple[str, str, dict[str, str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                ok = self.headers.get("Authorization") == "Bearer rahasia-lapor"
                self._answer(200, {"data": [report]}) if ok else self._answer(401, {})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                fake.follow_ups.append((self.path, self.headers["Authorization"], body))
                self._answer(201, {})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/api"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


async def test_with_api_access_sync_imports_reports_and_sends_follow_ups(alur: Alur) -> None:
    report = _report_id()
    text = "Tarif pemeriksaan laboratorium di puskesmas tidak sesuai perda."
    fake = _FakeLapor({"ID Laporan": report, "Judul": "Tarif laboratorium", "Isi Laporan": text})
    env = {"ALUR_LAPOR_BASE_URL": fake.url, "ALUR_LAPOR_TOKEN": "rahasia-lapor"}
    today = date.today().isoformat()
    try:
        first = await asyncio.to_thread(alur_cli, alur, "lapor", "sync", "--since", today, env=env)
        assert first.returncode == 0, first.stderr
        case_id, status = _imported(first.stdout.splitlines())[report]
        assert status == "baru"
        petugas = await add_account(alur, "petugas_pengaduan")
        async with alur.http() as client:
            await work(client, case_id, to_the_team(Officer(petugas.name, petugas.token)))
        again = await asyncio.to_thread(alur_cli, alur, "lapor", "sync", "--since", today, env=env)
    finally:
        fake.close()
    assert again.returncode == 0, again.stderr
    assert _imported(again.stdout.splitlines())[report] == (case_id, "sudah diimpor")
    # The office's status changes went back to LAPOR!, with the token.
    ours = (f"/api/reports/{report}/follow-ups", "Bearer rahasia-lapor")
    sent = [body for path, token, body in fake.follow_ups if (path, token) == ours]
    assert len(sent) == 3 and sent[0]["reference"].startswith("ADU-")

    unset = await asyncio.to_thread(alur_cli, alur, "lapor", "sync", "--since", "2026-01-01")
    assert unset.returncode == 2 and "ALUR_LAPOR_BASE_URL" in unset.stderr
