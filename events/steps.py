"""Payload of the events officers record while they work a case through its SOP's steps.

Every such event has its own name, in the past tense, for what happened (DispositionGiven,
DraftReturnedForCorrection, …) and the same payload shape: `StepRecorded`. Which SOP, version
and step it belongs to travels in the envelope (`Fact.sop`), who acted in `Fact.actor`.
"""

from __future__ import annotations

from typing import Any

from events.payload import Payload


class StepRecorded(Payload, version=2):
    """An officer did an SOP step, or answered a decision step (v2).

    v2 seals `note` and every text in `data` (except the survey scores under `skm`) with the
    key of the case's data subject (privacy/envelope.py); v1 held them in plaintext, and is
    upcast unchanged (a plaintext value reads as itself).
    """

    activity: str  # the step's *uraian kegiatan*, as the SOP version words it
    # Pydantic copies a mutable default for each payload (ruff sees a plain class attribute).
    documents: list[str] = []  # noqa: RUF012  (the *kelengkapan* the officer confirmed)
    decision: str | None = None  # the answer of a decision step ("setuju", "tidak", …)
    assignee: str | None = None  # the officer the next step is given to (a disposition)
    on_behalf_of: str | None = None  # the public role whose step an officer recorded
    note: str | None = None  # sealed
    data: dict[str, Any] = {}  # noqa: RUF012  (what the step collected, e.g. a guest-book entry; its texts sealed)


# Members of `data` that name no one and stay in plaintext in v2 (every other text is sealed):
# the survey scores, and the section or unit a visitor came to meet (the guest book's "bertemu").
PLAIN_DATA: frozenset[str] = frozenset(
    {"skm", "bertemu", "bertemu_dengan", "seksi", "bidang", "tujuan", "meets"}
)

# Event types with the StepRecorded payload, and their names in Bahasa Indonesia.
STEP_EVENTS: dict[str, str] = {
    # Penanganan pengaduan masyarakat
    "ComplaintRegistered": "Pengaduan dicatat di buku register",
    "ComplaintReviewed": "Pengaduan ditelaah",
    "ComplaintForwardedToTeam": "Pengaduan diteruskan ke Tim Pengelola Pengaduan",
    "DispositionGiven": "Disposisi diberikan",
    "FieldOfficerAssigned": "Petugas lapangan ditugaskan",
    "FieldInspectionReported": "Hasil pemeriksaan lapangan dilaporkan",
    "DraftSubmitted": "Draf tanggapan diajukan",
    "DraftReturnedForCorrection": "Draf dikembalikan untuk diperbaiki",
    "DraftApproved": "Draf disetujui",
    "ApprovedDraftForwarded": "Berkas yang disetujui diteruskan",
    "ResponseForwardedToOfficer": "Tanggapan diteruskan ke petugas pengaduan",
    "ResponseSigned": "Surat tanggapan ditandatangani",
    "ResponseDelivered": "Tanggapan disampaikan kepada pelapor",
    "CaseArchived": "Berkas diarsipkan",
    # Pelayanan publik satu pintu
    "VisitorArrived": "Tamu diantar ke resepsionis",
    "VisitorGreeted": "Tamu disambut dan ditanya keperluannya",
    "VisitorRegistered": "Tamu mengisi buku tamu",
    "VisitorAskedToWait": "Tamu dipersilakan menunggu",
    "SectionContacted": "Seksi yang dituju dihubungi",
    "DocumentsVerified": "Berkas diverifikasi",
    "SurveySubmitted": "Survei kepuasan dan kotak saran diisi",
    "VisitorEscortedOut": "Tamu diantar keluar",
    # Pelayanan prima
    "ServiceDutiesDelegated": "Tugas pelayanan prima didelegasikan",
    "ServiceStaffInstructed": "Petugas layanan diinstruksikan",
    "ServicePrepared": "Layanan disiapkan",
    "ServiceDelivered": "Layanan diberikan",
    "ServiceInformationGiven": "Informasi layanan disampaikan",
    "ServiceAccepted": "Pelanggan menerima layanan sesuai standar",
    "ServiceComplaintFiled": "Keluhan pelanggan diajukan",
    "ServiceComplaintFollowedUp": "Keluhan ditindaklanjuti atasan langsung",
    "ServiceComplaintReported": "Keluhan dilaporkan kepada Kepala Kantor",
    # Any SOP imported without a review of its events
    "StepCompleted": "Langkah SOP dilaksanakan",
    "StepApproved": "Langkah SOP disetujui",
    "StepSentBack": "Dikembalikan ke langkah sebelumnya",
}
