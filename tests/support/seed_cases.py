"""Cases of the seed SOPs, worked over HTTP: the complaint the tests file, who works each SOP and
the paths its cases take (as steps for `casework.work`)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.support.casework import (
    Officer,
    Step,
    add_officer,
    do,
    new_officers,
    open_case,
    sop_id,
    unique_name,
    work,
)
from tests.support.sandbox import Alur

COMPLAINT = {
    "channel": "web",
    "reporter": {"name": "Siti Aminah", "email": "siti@example.id", "phone": "+62 812 3456 7890"},
    "subject": "Antrean obat di Puskesmas terlalu lama",
    "description": "Saya menunggu lebih dari tiga jam untuk mengambil obat di loket farmasi.",
    "category": "pelayanan puskesmas",
}
# The SOP a complaint over HTTP runs under (the shipped office's `complaint_sop`).
MUBA_COMPLAINTS = "pengaduan-masyarakat-dinkes-muba"


async def file_complaint(client: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    """POST COMPLAINT with `changes` to /api/complaints; returns the receipt."""
    response = await client.post("/api/complaints", json={**COMPLAINT, **changes})
    assert response.status_code == 201, response.text
    return response.json()


async def complaint(alur: Alur, **changes: Any) -> dict[str, Any]:
    """`file_complaint` on a client of its own."""
    async with alur.http() as client:
        return await file_complaint(client, **changes)


# -- complaints to Dinkes Musi Banyuasin -----------------------------------------------------


def to_the_team(petugas: Officer) -> list[Step]:
    """Registered, reviewed and forwarded: the complaint waits at step 5, the team's analysis."""
    return [
        (petugas, "register_complaint"),
        (petugas, "review_complaint"),
        (petugas, "forward_to_team"),
    ]


@dataclass(frozen=True)
class ComplaintOffice:
    """Who works a complaint: the complaints officer, the team, the head of office."""

    petugas: Officer
    tim: Officer
    kadis: Officer

    def to_the_team(self) -> list[Step]:
        return to_the_team(self.petugas)

    def to_the_reporter(self) -> list[Step]:
        """From the team's analysis to the response delivered: the case waits to be archived."""
        return [
            (self.tim, "submit_draft"),
            (self.kadis, "review_draft", {"decision": "setuju"}),
            (self.kadis, "forward_approved_draft"),
            (self.tim, "forward_response"),
            (self.petugas, "deliver_response"),
        ]

    def to_the_archive(self) -> list[Step]:
        return [*self.to_the_team(), *self.to_the_reporter(), (self.petugas, "archive")]


async def complaint_office(alur: Alur, unit: str | None = None) -> ComplaintOffice:
    """Three new officers (`alur users add`, side by side); the complaints officer in `unit`."""
    petugas, tim, kadis = await asyncio.gather(
        add_officer(alur, unique_name("petugas"), "petugas_pengaduan", unit=unit),
        add_officer(alur, unique_name("tim"), "tim_pengelola_pengaduan"),
        add_officer(alur, unique_name("kadis"), "kepala_dinas"),
    )
    return ComplaintOffice(petugas, tim, kadis)


# -- visits to Dinkes Musi Banyuasin's one-stop service ---------------------------------------


async def visit_sop(client: httpx.AsyncClient) -> str:
    return await sop_id(client, "Pelayanan Publik Satu Pintu", "Musi Banyuasin")


def to_the_survey(
    resepsionis: Officer, layanan: Officer, guest: dict[str, str] | None = None
) -> list[Step]:
    """Greeted, written in the guest book (with what `guest` wrote), seen by the section: the
    visit waits at its survey step."""
    return [
        (resepsionis, "greet_visitor"),
        (resepsionis, "register_guest_book", {"data": guest} if guest else {}),
        (resepsionis, "ask_to_wait"),
        (resepsionis, "contact_section"),
        (layanan, "verify_documents"),
    ]


# -- Pelayanan Prima at BKK Palembang --------------------------------------------------------


async def prima_sop(client: httpx.AsyncClient) -> str:
    return await sop_id(client, "Pelayanan Prima", "Palembang")


def to_a_customer_complaint(
    ketua: Officer, layanan: Officer, note: str | None = None
) -> list[Step]:
    """The service given and the customer's answer a complaint: it waits at step 7, the team
    leader's follow-up (3 x 24 Jam)."""
    answer: dict[str, Any] = {"decision": "keluhan", **({"note": note} if note else {})}
    return [
        (ketua, "instruct_service_staff"),
        (layanan, "prepare_service"),
        (layanan, "deliver_service"),
        (layanan, "give_service_information"),
        (layanan, "record_customer_response", answer),
    ]


# -- scripts that several modules read ---------------------------------------------------------


@dataclass(frozen=True)
class Returned:
    """A complaint its head of office returned to the team (it waits at step 5 again), with a
    moment noted between its review (step 3) and its forwarding (step 4)."""

    case_id: str
    petugas: Officer
    tim: Officer
    kadis: Officer
    after_review: datetime


async def returned_complaint(alur: Alur) -> Returned:
    office = await complaint_office(alur)
    petugas, tim, kadis = office.petugas, office.tim, office.kadis
    async with alur.http() as client:
        case_id = (await file_complaint(client))["case_id"]
        await work(client, case_id, office.to_the_team()[:2])
        after_review = datetime.now(UTC)
        await asyncio.sleep(0.05)  # the next event happens strictly later
        await do(client, case_id, petugas, "forward_to_team")
        await do(client, case_id, tim, "submit_draft")
        await do(client, case_id, kadis, "review_draft", decision="tidak", note="Lengkapi data")
    return Returned(case_id, petugas, tim, kadis, after_review)


@dataclass(frozen=True)
class Worked:
    """The cases `work_cases` worked, and who worked them."""

    closed_complaint: str
    open_complaint: str
    visit: str
    service: str
    petugas: Officer
    petugas_unit: str


GUEST = {
    "nama": "Budi Santoso",
    "instansi": "Apotek Sehat",
    "keperluan": "Izin apotek",
    "telepon": "0812 1111 2222",
}


async def work_cases(alur: Alur) -> Worked:
    """A complaint through its whole SOP, one left at step 5, a visit, a service complaint."""
    unit = f"Seksi Uji {uuid.uuid4().hex[:6]}"
    # Officers are added side by side (each is an `alur users add`), superiors first.
    office, (satpam, resepsionis, layanan, kepala) = await asyncio.gather(
        complaint_office(alur, unit=unit),
        new_officers(alur, "satpam", "resepsionis", "petugas_layanan", "kepala_kantor"),
    )
    ketua = await add_officer(alur, unique_name("ketua tim"), "ka_tim_kerja", superior=kepala.name)
    pelaksana = await add_officer(
        alur, unique_name("pelaksana"), "petugas_layanan", superior=ketua.name
    )
    async with alur.http() as client:
        complaints = []
        for _ in range(2):
            complaints.append((await file_complaint(client))["case_id"])
            await work(client, complaints[-1], office.to_the_team())
        closed = complaints[0]
        await work(client, closed, [*office.to_the_reporter(), (office.petugas, "archive")])

        opened = await open_case(
            client, satpam, await visit_sop(client), {"tujuan": "Seksi Farmasi"}
        )
        visit = opened["case_id"]
        await work(
            client,
            visit,
            [*to_the_survey(resepsionis, layanan, GUEST), (layanan, "submit_survey"),
             (satpam, "escort_out")],
        )  # fmt: skip

        service = (await open_case(client, kepala, await prima_sop(client)))["case_id"]
        await work(
            client,
            service,
            [*to_a_customer_complaint(ketua, pelaksana), (ketua, "follow_up_complaint"),
             (ketua, "report_complaint_to_head")],
        )  # fmt: skip
    return Worked(closed, complaints[1], visit, service, office.petugas, unit)
