"""Open311 GeoReport v2, intake side (README "Open311 GeoReport v2"):

- `GET /open311/v2/services.{json|xml}`: the office's complaint categories as services
  (office/open311_services.py); `GET /open311/v2/services/{code}.{json|xml}`: one's attributes.
- `POST /open311/v2/requests.{json|xml}` (form-encoded, `api_key` required): a complaint on
  channel `open311` through the same intake as the web form; answers `service_request_id` (the
  tracking number) and `service_notice` (with the reporter's tracking PIN: the client is where
  the reporter sees their receipt, as the web form's page is).

Field mapping: `first_name` + `last_name` → the reporter's name, `email`, `phone` → contacts,
`description` → the description, followed by the location (`address_string`, `address_id`,
`lat`/`long`) and `media_url` as lines of text (sealed with it; never shown by a GET),
`attribute[perihal]` → the subject (else the service's name), `attribute[anonim]` and
`attribute[rahasia]` (`ya`/`tidak`) → anonymous and confidential; the service's category.
Refusals: the spec's error array, 400 naming the field (Bahasa Indonesia), 403, 404.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlsplit

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import Response

from office.open311_services import Open311Service, open311_services
from runtime.http.access import PUBLIC
from runtime.http.dependencies import Office
from runtime.http.open311 import SERVICE_REQUESTS, SERVICES, Open311Refused, answer, known_format
from services.intake.dependencies import Intake
from services.intake.intake import Receipt
from services.intake.open311.keys import ApiKeyHolder
from services.intake.request_ids import PublicRequestId
from services.intake.submission import SubmissionRefused, parse_submission
from sop.actions import Refusal

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/open311/v2")

# A field of the complaint, by the Open311 parameter it came from.
PARAMETERS = {
    "reporter.name": "first_name",
    "reporter.email": "email",
    "reporter.phone": "phone",
    "subject": "attribute[perihal]",
    "description": "description",
    "category": "service_code",
}
YES_NO = {"ya": True, "tidak": False, "": False}
LONGEST_LOCATION = 500
NOTICE = (
    "Pengaduan diterima dengan nomor {number}. PIN pelacakan: {pin} (simpan; PIN tidak dikirim"
    " ulang). Status dapat dilihat di GET requests/{number}.json."
)


@router.get("/services.{format}", dependencies=[PUBLIC], include_in_schema=False)
async def services(format: str, office: Office) -> Response:
    fmt = known_format(format)
    return answer(fmt, [s.listed() for s in open311_services(office)], SERVICES)


@router.get("/services/{service_code}.{format}", dependencies=[PUBLIC], include_in_schema=False)
async def service_definition(service_code: str, format: str, office: Office) -> Response:
    fmt = known_format(format)
    service = _service(office, service_code, fmt, status=404)
    return answer(fmt, service.definition(), ("service_definition", "attribute"))


@router.post("/requests.{format}", include_in_schema=False)
async def post_request(
    request: Request,
    format: str,
    client: ApiKeyHolder,
    office: Office,
    intake: Intake,
    request_id: PublicRequestId,
) -> Response:
    fmt = known_format(format)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    code = form.get("service_code", "").strip()
    if not code:
        raise Open311Refused(400, "service_code wajib diisi", fmt)
    service = _service(office, code, fmt, status=400)
    try:
        submission = parse_submission(_complaint(form, service))
    except SubmissionRefused as refused:
        field = PARAMETERS.get(refused.field, refused.field)
        raise Open311Refused(400, f"{field}: {refused.reason}", fmt) from None
    receipt = await intake.receive(submission, request_id=request_id)
    if isinstance(receipt, Refusal):  # the complaint SOP is checked when the web starts
        raise Open311Refused(400, receipt.message, fmt)
    assert isinstance(receipt, Receipt), receipt
    log.info("open311_request_received", case_id=str(receipt.case_id), key_id=client.key_id)
    notice = NOTICE.format(number=receipt.tracking_number, pin=receipt.pin)
    reply = {"service_request_id": receipt.tracking_number, "service_notice": notice}
    return answer(fmt, [reply], SERVICE_REQUESTS)


def _service(office: Any, code: str, fmt: str, *, status: int) -> Open311Service:
    found = next((s for s in open311_services(office) if s.code == code), None)
    if found is None:
        raise Open311Refused(status, f"service_code tidak dikenal: {code[:100]}", fmt)
    return found


def _complaint(form: dict[str, str], service: Open311Service) -> dict[str, Any]:
    """The form as the intake's submission (its checks name the field; PARAMETERS maps back)."""
    name = " ".join(p for p in (form.get("first_name", ""), form.get("last_name", "")) if p.strip())
    anonymous = _yes_no(form, "anonim")
    if not form.get("description", "").strip():
        raise SubmissionRefused("description", "wajib diisi")
    return {
        "channel": "open311",
        "reporter": {"name": name, "email": form.get("email", ""), "phone": form.get("phone", "")},
        "subject": form.get("attribute[perihal]", "").strip() or f"Pengaduan: {service.name}",
        "description": form.get("description", "").strip() + _location(form),
        "category": service.category,
        "anonymous": anonymous,
        "confidential": _yes_no(form, "rahasia"),
    }


def _yes_no(form: dict[str, str], attribute: str) -> bool:
    value = form.get(f"attribute[{attribute}]", "").strip().casefold()
    if value not in YES_NO:
        raise SubmissionRefused(f"attribute[{attribute}]", "harus ya atau tidak")
    return YES_NO[value]


def _location(form: dict[str, str]) -> str:
    """The location and media link as lines after the description ("" when none is given)."""
    lines = []
    address = " ".join(form.get("address_string", "").split())
    if address:
        lines.append(f"Lokasi: {address}")
    if form.get("address_id", "").strip():
        lines.append(f"ID alamat: {form['address_id'].strip()}")
    lat, long = form.get("lat", "").strip(), form.get("long", "").strip()
    if lat or long:
        lines.append(f"Koordinat: {_degrees('lat', lat, 90)}, {_degrees('long', long, 180)}")
    media = form.get("media_url", "").strip()
    if media:
        parts = urlsplit(media)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SubmissionRefused("media_url", "harus alamat http atau https")
        lines.append(f"Media: {media}")
    text = "\n".join(lines)
    if len(text) > LONGEST_LOCATION:
        raise SubmissionRefused("address_string", f"lokasi terlalu panjang ({LONGEST_LOCATION})")
    return "\n\n" + text if text else ""


def _degrees(field: str, value: str, limit: int) -> str:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > limit:
        raise SubmissionRefused(field, f"harus angka derajat WGS84 antara -{limit} dan {limit}")
    return f"{number:.6f}"
