"""Opening SP4N-LAPOR! reports as complaints, once each.

Each report of a sheet (services/intake/lapor/sheet.py) becomes a complaint on channel `lapor`,
so the LAPOR! clocks run on it (services/sla/lapor.py). The LAPOR! id is stored beside the
case as its inbound message (`inbound_messages`, channel `lapor`), in the complaint's own
transaction: importing the same sheet again, or a later sheet that repeats a report, opens
nothing new. Every row is checked before the first is recorded.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from pydantic import ValidationError

from services.intake.intake import AlreadyReceived, ComplaintIntake, Receipt
from services.intake.lapor.sheet import LaporReport, SheetRefused
from services.intake.submission import ComplaintSubmission
from sop.actions import Officer, Refusal

log = structlog.get_logger(__name__)

CHANNEL = "lapor"
SUBJECT_LENGTH = 80
FIELD_COLUMNS = {
    "subject": "judul",
    "description": "isi laporan",
    "category": "kategori",
    "reporter.name": "nama pelapor",
    "reporter.email": "email pelapor",
    "reporter.phone": "telepon pelapor",
}


@dataclass(frozen=True)
class Imported:
    lapor_id: str
    case_id: uuid.UUID
    tracking_number: str | None  # None: imported before (the case's number is not re-read)
    new: bool


def submission_of(report: LaporReport) -> ComplaintSubmission:
    """The complaint a report becomes; SheetRefused naming the row and column if it cannot."""
    first_line = report.content.splitlines()[0] if report.content else ""
    subject = report.title or first_line[:SUBJECT_LENGTH]
    description = report.content
    if report.title and report.title not in description:
        description = f"{report.title}\n\n{description}"
    footer = [f"Laporan SP4N-LAPOR! {report.lapor_id}"]
    if report.reported_at is not None:
        footer.append(f"Tanggal di LAPOR!: {report.reported_at:%Y-%m-%d %H:%M}")
    footer.extend(f"Lampiran di LAPOR!: {link}" for link in report.attachment_links)
    try:
        return ComplaintSubmission(
            channel=CHANNEL,
            reporter=report.reporter,
            subject=subject if len(subject) >= 3 else f"Laporan {report.lapor_id}",
            description="\n".join([description, "", *footer]),
            category=report.category,
            anonymous=report.anonymous,
            confidential=report.confidential,
        )
    except ValidationError as invalid:
        error = invalid.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        column = FIELD_COLUMNS.get(field, field)
        raise SheetRefused(f"baris {report.row}, kolom {column}", error["msg"]) from None


@dataclass
class LaporImport:
    intake: ComplaintIntake

    async def run(
        self, reports: Sequence[LaporReport], officer: Officer | None = None
    ) -> list[Imported] | Refusal:
        """Open each report not opened before. `officer`: who imports it at the desk; None
        means the reporter sent it through LAPOR! (the command line). A Refusal when the SOP
        engine refuses the first report (the officer may not open complaints): then nothing
        is recorded."""
        submissions = [(report, submission_of(report)) for report in reports]  # all or none
        imported: list[Imported] = []
        for report, submission in submissions:
            receipt = await self.intake.receive(
                submission,
                request_id=f"lapor:{report.lapor_id}",
                officer=officer,
                inbound=[(CHANNEL, report.lapor_id)],
            )
            if isinstance(receipt, Refusal):
                if not imported:
                    return receipt
                raise SheetRefused(f"baris {report.row}", receipt.message)
            if isinstance(receipt, AlreadyReceived):
                imported.append(Imported(report.lapor_id, receipt.case_id, None, new=False))
                continue
            assert isinstance(receipt, Receipt)
            log.info("lapor_report_imported", case_id=str(receipt.case_id), row=report.row)
            imported.append(
                Imported(report.lapor_id, receipt.case_id, receipt.tracking_number, new=True)
            )
        return imported
