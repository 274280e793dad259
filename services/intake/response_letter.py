"""The printable response letter to a complaint's reporter (surat jawaban), for an answer sent by
post: `GET /kasus/{id}/surat-jawaban.pdf[?identitas=1]`, linked from the case page as "Cetak
surat jawaban".

The same policy as the case page: an officer who may read the case (404 otherwise, as for an
unknown case, in the error JSON of a download); the reporter's name and contacts as the page
shows them (a confidential reporter only to the roles the office names, after `?identitas=1`,
recorded as `ReporterIdentityViewed`). The letter: the office's letterhead (office/letterhead.py),
the place and date, the tracking number as the letter's number, the subject, the addressee, and
the latest answer to the reporter (`ReporterAnswered`) or dotted lines to write one by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.responses import Response

from events import ComplaintReceived
from events.notes import ReporterAnswered
from office.letterhead import Letterhead
from runtime.http.dependencies import CurrentClock, Office, TimeZone
from runtime.http.errors import error_response
from services.intake.case_page import CasePage
from services.intake.case_timeline import case_header
from services.intake.cases_api import NOT_FOUND
from skm.period import MONTHS

if TYPE_CHECKING:
    from fpdf import FPDF

router = APIRouter()

WHERE = "GET /kasus/{case_id}/surat-jawaban.pdf"
ENCODING = "cp1252"  # what the PDF's core fonts draw; other characters print as "?"
NO_ANSWER = "\n".join(["." * 110] * 8)
CLOSING = (
    "Demikian jawaban ini kami sampaikan. Atas perhatian dan kepercayaan Saudara/i, kami"
    " ucapkan terima kasih."
)


@dataclass(frozen=True)
class Letter:
    """What the letter says, read from the case as the officer may see it."""

    number: str
    subject: str
    received_at: datetime
    channel: str
    addressee: str
    contacts: str
    answer: str | None
    dated: datetime


PDF = {
    200: {
        "description": "the letter (A4 PDF)",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get("/kasus/{case_id}/surat-jawaban.pdf", response_class=Response, responses=PDF)
async def response_letter(
    case_id: str,
    page: CasePage,
    office: Office,
    clock: CurrentClock,
    tz: TimeZone,
    identitas: str = "",
) -> Response:
    scoped = await page.scoped(case_id)
    if scoped is None or scoped.case.history[0].type != ComplaintReceived.type:
        return error_response(*NOT_FOUND)  # as a file download (attachments_api)
    may_see = page.scope.access.sees_identity(page.officer, scoped.facts)
    identity = may_see and (identitas == "1" or not scoped.facts.confidential)
    view = await page.casework.view(page.officer, scoped, identity, where=WHERE)
    header = case_header(view, scoped, identity=identity, may_see=may_see)
    reporter = header["reporter"] or {}
    answers = [h for h in view["history"] if h["type"] == ReporterAnswered.type]
    letter = Letter(
        number=header["number"],
        subject=header["subject"] or "-",
        received_at=datetime.fromisoformat(view["history"][0]["occurred_at"]),
        channel=header["channel"] or "-",
        addressee=reporter.get("name") or "Pelapor",
        contacts=" · ".join(reporter[k] for k in ("email", "phone") if reporter.get(k)),
        answer=answers[-1]["payload"].get("message") if answers else None,
        dated=clock.now(),
    )
    pdf = letter_pdf(letter, office.name, office.letterhead, tz)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="surat-jawaban-{letter.number}.pdf"',
            "Cache-Control": "no-store",
        },
    )


def letter_pdf(letter: Letter, office: str, head: Letterhead, tz: tzinfo) -> bytes:
    """The letter as an A4 PDF."""
    # Imported here, not at the top: fpdf2 costs every web process 0.3 s of CPU at start-up,
    # and few requests print a letter.
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_title(_text(f"Surat jawaban pengaduan {letter.number}"))
    pdf.set_author(_text(office))
    pdf.set_margins(25, 20, 20)
    pdf.add_page()
    _letterhead(pdf, office, head)
    pdf.set_font("Helvetica", size=11)
    place = f"{head.city}, " if head.city else ""
    pdf.cell(0, 6, _text(place + _date(letter.dated, tz)), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for label, value in (
        ("Nomor", letter.number),
        ("Lampiran", "-"),
        ("Perihal", f"Jawaban atas pengaduan: {letter.subject}"),
    ):
        pdf.cell(25, 6, label)
        pdf.multi_cell(0, 6, _text(f": {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    addressee = ["Kepada Yth.", f"Sdr./Sdri. {letter.addressee}"]
    addressee += [letter.contacts] if letter.contacts else []
    for line in [*addressee, "di Tempat"]:
        pdf.cell(0, 6, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    opening = (
        f"Menindaklanjuti pengaduan Saudara/i yang kami terima pada"
        f" {_date(letter.received_at, tz)} melalui {letter.channel.lower()} dengan nomor"
        f" pengaduan {letter.number}, bersama ini kami sampaikan jawaban sebagai berikut:"
    )
    pdf.multi_cell(0, 6, _text(opening), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.multi_cell(0, 6, _text(letter.answer or NO_ANSWER), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.multi_cell(0, 6, _text(CLOSING), new_x="LMARGIN", new_y="NEXT")
    _signature(pdf, head.signatory or f"Kepala {office}")
    return bytes(pdf.output())


def _letterhead(pdf: FPDF, office: str, head: Letterhead) -> None:
    if head.government:
        pdf.set_font("Helvetica", "B", 13)
        pdf.cell(0, 7, _text(head.government.upper()), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, _text(office.upper()), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    for line in (head.address, head.contacts()):
        if line:
            pdf.cell(0, 5, _text(line), align="C", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 2
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, y + 1.2, pdf.w - pdf.r_margin, y + 1.2)
    pdf.set_y(y + 6)


def _signature(pdf: FPDF, signatory: str) -> None:
    pdf.ln(10)
    x = pdf.w / 2 + 10
    width = pdf.w - pdf.r_margin - x
    pdf.set_x(x)
    pdf.multi_cell(width, 6, _text(signatory), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(22)
    pdf.set_x(x)
    pdf.cell(width, 6, "(" + "." * 40 + ")", align="C", new_x="LMARGIN", new_y="NEXT")


def _date(moment: datetime, tz: tzinfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def _text(value: str) -> str:
    """What the core fonts can draw: other characters become "?"."""
    return value.encode(ENCODING, "replace").decode(ENCODING)
