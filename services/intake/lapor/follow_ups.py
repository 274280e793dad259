"""The office's follow-ups of SP4N-LAPOR! reports, as a sheet the officer uploads back to LAPOR!.

For every case that came from LAPOR! (its report id stored as the case's inbound message on
channel `lapor`), what happened since a moment: each SOP step as a status change (its name in
Bahasa Indonesia), each answer an officer wrote to the reporter as a follow-up (its text,
unsealed), and the LAPOR! auto-close. Internal notes, the reporter's own replies and the SLA
clocks' events are the office's own and stay out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook

from cases import EventStore
from events import CATALOG, STEP_EVENTS, ComplaintReceived
from events.lapor import LaporReportClosed
from events.notes import ReporterAnswered
from privacy import PersonalDataKeys
from services.intake.lapor.bridge import CHANNEL

HEADER = ("ID Laporan", "Nomor Alur", "Waktu", "Jenis", "Status", "Tindak Lanjut")
STATUS_CHANGE = "Perubahan status"
FOLLOW_UP = "Tindak lanjut"
CLOSED = "Ditutup"


@dataclass(frozen=True)
class FollowUp:
    lapor_id: str
    tracking_number: str
    occurred_at: datetime
    kind: str
    status: str
    text: str

    def row(self) -> tuple[str, ...]:
        return (
            self.lapor_id,
            self.tracking_number,
            self.occurred_at.isoformat(timespec="minutes"),
            self.kind,
            self.status,
            self.text,
        )


async def follow_ups_since(
    store: EventStore, keys: PersonalDataKeys, since: datetime
) -> list[FollowUp]:
    """What the office did on LAPOR! reports at or after `since`, oldest first."""
    found: list[FollowUp] = []
    for message in await store.inbound_on(CHANNEL):
        history = [stored.fact for stored in await store.history(message.case_id)]
        if not history or history[0].type != ComplaintReceived.type:
            continue
        number = CATALOG.payload(history[0], ComplaintReceived).tracking_number
        status = CATALOG.label(history[0].type)
        for fact in history[1:]:
            if fact.type in STEP_EVENTS:
                status = CATALOG.label(fact.type)
            if fact.occurred_at < since:
                continue
            kind, text = STATUS_CHANGE, ""
            if fact.type == ReporterAnswered.type:
                answer = CATALOG.payload(fact, ReporterAnswered).message
                kind, text = FOLLOW_UP, await keys.reveal(answer) or ""
            elif fact.type == LaporReportClosed.type:
                kind = CLOSED
            elif fact.type not in STEP_EVENTS:
                continue
            found.append(FollowUp(message.key, number, fact.occurred_at, kind, status, text))
    return sorted(found, key=lambda f: (f.occurred_at, f.lapor_id))


def as_csv(follow_ups: Sequence[FollowUp]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(f.row() for f in follow_ups)
    return out.getvalue().encode("utf-8-sig")  # Excel reads the BOM as UTF-8


def as_xlsx(follow_ups: Sequence[FollowUp]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Tindak lanjut")
    sheet.append(HEADER)
    for follow_up in follow_ups:
        sheet.append(follow_up.row())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
