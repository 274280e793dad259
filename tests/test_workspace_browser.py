"""The officer workspace in a real browser (headless Chromium, tests/support/workspace.py): cases
worked from Tugas Saya and the case page by officers who sign in at /masuk and press only what
the pages show. One Chromium; each officer signs in from a browser without cookies."""

from __future__ import annotations

import asyncio
import io
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.support.accounts import PASSWORD, cli
from tests.support.browser import CHROMIUM, DRIVER, chromium
from tests.support.casework import Officer, open_case, sop_id, unique_name
from tests.support.sample_files import GPS_IFD, jpeg_with_gps
from tests.support.sandbox import Alur
from tests.support.seed_cases import COMPLAINT
from tests.support.waiting import eventually
from tests.support.workspace import Workspace

pytestmark = [
    pytest.mark.skipif(
        not (CHROMIUM.exists() and DRIVER.exists()),
        reason="headless Chromium is missing: run infra/browser.sh install",
    ),
    pytest.mark.sandbox("workspace"),
]

UNIT = "Bidang Pelayanan Kesehatan"  # where office/dinkes-muba.yaml routes this category
OTHER_UNIT = "Bidang Sumber Daya Kesehatan"
CATEGORY = "pelayanan puskesmas"
MUBA_LABELS = [
    "Pengaduan dicatat di buku register",
    "Pengaduan ditelaah",
    "Pengaduan diteruskan ke Tim Pengelola Pengaduan",
    "Draf tanggapan diajukan",
    "Draf disetujui",
    "Berkas yang disetujui diteruskan",
    "Tanggapan diteruskan ke petugas pengaduan",
    "Tanggapan disampaikan kepada pelapor",
    "Berkas diarsipkan",
]


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    with chromium("--disable-quic", "--window-size=1280,1200", "--lang=id") as found:
        yield found


async def officer(
    alur: Alur, role: str, unit: str | None = None, superior: str | None = None
) -> Officer:
    """A new officer who signs in at /masuk with PASSWORD (and has an API token)."""
    name = unique_name(role)
    args = ["users", "add", name, "--role", role, "--password-stdin"]
    for option, value in (("--unit", unit), ("--superior", superior)):
        if value:
            args += [option, value]
    done = await cli(alur, *args, stdin=PASSWORD)
    assert done.returncode == 0, done.stderr
    return Officer(name, done.stdout.strip().splitlines()[-1])


def _file_complaint(web: Workspace, subject: str) -> tuple[str, str]:
    """The public form /lapor, as a reporter fills it in: the receipt's number and PIN."""
    web.driver.delete_all_cookies()
    web.open("/lapor")
    fields = {
        "reporter_name": "Siti Aminah",
        "reporter_email": "siti@example.id",
        "reporter_phone": "+62 812 3456 7890",
        "category": CATEGORY,
        "subject": subject,
        "description": "Saya menunggu lebih dari tiga jam untuk mengambil obat.",
    }
    for field, value in fields.items():
        web.driver.find_element(By.ID, field).send_keys(value)
    # A photo whose EXIF carries where it was taken (the officer's download has none).
    photo = Path(tempfile.mkdtemp(prefix="alur-photo-")) / "antrean.jpg"
    photo.write_bytes(jpeg_with_gps())
    web.driver.find_element(By.CSS_SELECTOR, "input[name='lampiran']").send_keys(str(photo))
    web.screenshot("lapor")
    web.submit(web.driver.find_element(By.CSS_SELECTOR, "form[action='/lapor'] button"))
    web.screenshot("tanda-terima")
    number = web.driver.find_element(By.ID, "tracking-number").text.strip()
    pin = web.driver.find_element(By.ID, "pin").text.strip()
    return number, pin


def _photo_without_its_position(web: Workspace) -> None:
    """The reporter's photo, downloaded from the case page's link with the officer's session:
    a JPEG whose EXIF holds no GPS position any more."""
    (link,) = web.driver.find_elements(By.CSS_SELECTOR, "a[href*='/lampiran/']")
    cookies = {c["name"]: c["value"] for c in web.driver.get_cookies()}
    got = httpx.get(link.get_attribute("href"), cookies=cookies, timeout=30)
    assert got.status_code == 200, got.text
    image = Image.open(io.BytesIO(got.content))
    assert image.format == "JPEG" and not image.getexif().get_ifd(GPS_IFD)
    assert got.headers["content-disposition"].startswith("attachment")


def _case_id(web: Workspace) -> str:
    return web.driver.current_url.split("/kasus/")[1].split("#")[0].split("?")[0]


def _track(web: Workspace, number: str, pin: str) -> str:
    """The reporter's tracking page /lacak, from a browser without cookies."""
    web.driver.delete_all_cookies()
    web.open(f"/lacak?nomor={number}")
    web.driver.find_element(By.ID, "pin").send_keys(pin)
    web.submit(web.driver.find_element(By.CSS_SELECTOR, "form[action='/lacak'] button"))
    web.screenshot("lacak")
    return web.text()


async def test_a_muba_complaint_from_the_public_form_to_the_archive(
    alur: Alur, driver: webdriver.Chrome
) -> None:
    petugas, tim, kadis, elsewhere = await asyncio.gather(
        officer(alur, "petugas_pengaduan"),
        officer(alur, "tim_pengelola_pengaduan", unit=UNIT),
        officer(alur, "kepala_dinas"),
        officer(alur, "tim_pengelola_pengaduan", unit=OTHER_UNIT),
    )
    web = Workspace(driver, alur.base_url, "muba")
    subject = f"Antrean obat {uuid.uuid4().hex[:6]}"
    number, pin = await asyncio.to_thread(_file_complaint, web, subject)

    def petugas_forwards() -> str:
        web.sign_in(petugas.name)
        web.open_from_queue(number=number)
        case_id = _case_id(web)
        assert subject in web.text() and "Siti Aminah" in web.text()
        assert web.driver.find_elements(By.CSS_SELECTOR, "#bagan svg .step.current")
        _photo_without_its_position(web)
        for action in ("register_complaint", "review_complaint", "forward_to_team"):
            web.act(action)
        return case_id

    case_id = await asyncio.to_thread(petugas_forwards)

    async def routed() -> bool:
        rows = await alur.sql("SELECT unit FROM case_access WHERE case_id = $1", uuid.UUID(case_id))
        return bool(rows) and rows[0]["unit"] is not None

    await eventually(routed)

    def register_shows_step_5() -> bool:
        web.open(f"/register?q={number}")
        return "Langkah 5" in web.text()

    await eventually(lambda: asyncio.to_thread(register_shows_step_5))

    def elsewhere_sees_nothing() -> None:
        web.sign_in(elsewhere.name)
        assert not web.in_queues(case_id)
        web.open(f"/kasus/{case_id}")
        assert "Kasus tidak ditemukan" in web.text()
        assert not web.driver.find_elements(By.CSS_SELECTOR, f"a[href='/kasus/{case_id}']")
        web.screenshot("unit-lain-404")

    await asyncio.to_thread(elsewhere_sees_nothing)

    def tim_drafts() -> None:
        web.sign_in(tim.name)
        web.open_from_queue(case_id, ("ditugaskan", "perlu"))
        web.act("submit_draft")

    def kadis_approves() -> None:
        web.sign_in(kadis.name)
        web.open_from_queue(case_id)
        web.act("review_draft", decision="setuju")
        web.act("forward_approved_draft")

    def tim_forwards() -> None:
        web.sign_in(tim.name)
        web.open_from_queue(case_id)
        web.act("forward_response")

    def petugas_closes() -> None:
        web.sign_in(petugas.name)
        web.open_from_queue(case_id)
        web.act("deliver_response")
        web.act("archive")
        assert "Selesai" in web.driver.find_element(By.ID, "status").text
        assert web.actions() == []
        web.screenshot("diarsipkan")

    for part in (tim_drafts, kadis_approves, tim_forwards, petugas_closes):
        await asyncio.to_thread(part)

    def register_shows_archived() -> bool:
        web.open(f"/register?q={number}")
        return "Berkas diarsipkan" in web.text()

    await eventually(lambda: asyncio.to_thread(register_shows_archived))
    await asyncio.to_thread(web.screenshot, "register")
    tracked = await asyncio.to_thread(_track, web, number, pin)
    for label in MUBA_LABELS:
        assert label in tracked, label


async def test_a_jambi_letter_through_the_disposition_chain_with_a_draft_sent_back(
    alur: Alur, driver: webdriver.Chrome
) -> None:
    tu = await officer(alur, "bagian_tata_usaha")
    opd = await officer(alur, "kepala_opd")
    kabid = await officer(alur, "kepala_bidang", superior=opd.name)
    kasi = await officer(alur, "kepala_seksi", superior=kabid.name)
    teknis = await officer(alur, "petugas_teknis", superior=kasi.name)
    # The letter came by post: the desk opens its case (its /meja form is the desk's area; the
    # JSON API opens it the same way until both are merged).
    async with alur.http() as client:
        jambi = await sop_id(client, "Penanganan Pengaduan Masyarakat", "Jambi")
        opened = await open_case(client, tu, jambi, {**COMPLAINT, "channel": "post"})
    case_id = opened["case_id"]
    web = Workspace(driver, alur.base_url, "jambi")

    def as_officer(who: Officer, *steps: tuple[str, dict[str, str]]) -> None:
        web.sign_in(who.name)
        web.open_from_queue(case_id)
        for action, fields in steps:
            web.act(action, **fields)

    def choices(action: str) -> list[str]:
        form = web.driver.find_element(By.ID, f"form-{action}")
        return [o.text for o in form.find_elements(By.CSS_SELECTOR, "select[name=assignee] option")]

    def dispose() -> None:
        web.sign_in(opd.name)
        web.open_from_queue(case_id)
        # Only officers who may do the next step (the head of division) are offered.
        offered = choices("dispose_to_head_of_division")
        assert kabid.name in offered and kasi.name not in offered and teknis.name not in offered
        web.act(
            "dispose_to_head_of_division",
            assignee=kabid.name,
            note="Mohon ditindaklanjuti bidang pelayanan kesehatan",
        )

    def returned() -> None:
        as_officer(
            kabid,
            (
                "review_draft_as_head_of_division",
                {"decision": "tidak", "note": "Lampirkan foto lokasi"},
            ),
        )
        assert "Draf dikembalikan untuk diperbaiki" in web.text()
        assert "Lampirkan foto lokasi" in web.text()
        back = web.driver.find_elements(
            By.CSS_SELECTOR, '#bagan svg g.transition.highlighted[data-from="9"][data-to="8"]'
        )
        assert back, "the loop back to step 8 is not highlighted"
        assert web.driver.find_elements(By.CSS_SELECTOR, '#bagan svg g.step.current[data-step="8"]')
        web.screenshot("dikembalikan")

    parts = [
        lambda: as_officer(tu, ("register_complaint", {})),
        dispose,
        lambda: as_officer(kabid, ("dispose_to_head_of_section", {"assignee": kasi.name})),
        lambda: as_officer(kasi, ("assign_field_officer", {"assignee": teknis.name})),
        lambda: as_officer(teknis, ("report_field_inspection", {}), ("submit_draft", {})),
        lambda: as_officer(kasi, ("review_draft_as_head_of_section", {"decision": "setuju"})),
        returned,
        lambda: as_officer(kasi, ("review_draft_as_head_of_section", {"decision": "setuju"})),
        lambda: as_officer(kabid, ("review_draft_as_head_of_division", {"decision": "setuju"})),
        lambda: as_officer(opd, ("sign_response", {"decision": "setuju"})),
        lambda: as_officer(tu, ("deliver_response", {}), ("archive", {})),
    ]
    for part in parts:
        await asyncio.to_thread(part)
    text = web.text()
    assert "Selesai" in web.driver.find_element(By.ID, "status").text
    for label in ("Surat tanggapan ditandatangani", "Tanggapan disampaikan kepada pelapor"):
        assert label in text, label
    web.screenshot("selesai")
