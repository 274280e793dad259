"""The WhatsApp gateway's door: `POST /api/channels/whatsapp` (README "WhatsApp gateway").

Only the gateway may use it, and it proves itself by the signature alone (the `Gateway`
access policy): `X-Alur-Timestamp` and `X-Alur-Signature: sha256=HMAC(secret, timestamp + "." +
body)`, the scheme of the outgoing webhooks (runtime/signatures.py), with `ALUR_WHATSAPP_SECRET`
(default: `ALUR_WEBHOOK_SECRET`). A missing or wrong signature, or a timestamp more than five
minutes away, is refused 401 before the body is read as a message; nothing is recorded.

Answers: 201 `{"outcome": "complaint" | "reply", "case_id", "tracking_number"}`; 200 with
`"outcome": "duplicate"` and the same case for a message delivered before (nothing recorded);
422 naming the field for a body that is not a message (services/intake/whatsapp_message.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, ClassVar

import structlog
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from attachments import AttachmentRefused
from runtime.http.access import AccessPolicy
from runtime.http.dependencies import provided
from runtime.http.errors import HttpError, error_response, json_body
from runtime.http.openapi import request_body
from runtime.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_problem
from services.intake.submission import parse
from services.intake.whatsapp_channel import Answer, WhatsAppChannel
from services.intake.whatsapp_message import GatewayMessage, MediaSource

log = structlog.get_logger(__name__)

router = APIRouter()

PATH = "/api/channels/whatsapp"
NOT_SIGNED = "tanda tangan gateway tidak valid"
CHANNEL_OFF = "saluran WhatsApp tidak aktif"


@dataclass(frozen=True)
class WhatsAppGateway:
    """What the web process knows of the gateway: its secret (None: the channel is off), where
    media come from, and the channel that records messages."""

    secret: str | None
    media: MediaSource
    channel: WhatsAppChannel


Gateways = Annotated[WhatsAppGateway, provided(WhatsAppGateway)]


@dataclass(frozen=True)
class Gateway(AccessPolicy):
    """The WhatsApp gateway, by the signature of the body it sent: 401 otherwise (404 while
    the channel has no secret)."""

    audience: ClassVar[str] = "gateway"

    async def __call__(self, request: Request, gateway: Gateways) -> None:
        if gateway.secret is None:
            raise HttpError(404, "not_found", CHANNEL_OFF)
        problem = signature_problem(
            gateway.secret,
            request.headers.get(TIMESTAMP_HEADER),
            request.headers.get(SIGNATURE_HEADER),
            await request.body(),
            time.time(),  # the real time: a replay window, not the office's (simulated) clock
        )
        if problem is not None:
            log.warning("whatsapp_signature_refused", reason=problem)
            raise HttpError(401, "unauthorized", NOT_SIGNED)


MESSAGE_EXAMPLE = {
    "message_id": "wamid.HBgMNjI4MTIzNDU2Nzg5",
    "from": "+6281234567890",
    "name": "Siti Aminah",
    "text": "Obat hipertensi di Puskesmas Sekayu habis sejak seminggu.",
}


@router.post(
    PATH,
    status_code=201,
    dependencies=[Depends(Gateway())],
    openapi_extra=request_body(GatewayMessage, MESSAGE_EXAMPLE),
    responses={200: {"description": "Delivered before: the same case, nothing recorded"}},
)
async def receive_message(request: Request, gateway: Gateways) -> JSONResponse:
    message = parse(GatewayMessage, await json_body(request))
    channel = gateway.channel
    earlier = await channel.seen(message.message_id)
    if earlier is not None:
        return _answer(earlier, 200)
    files = []
    for n, upload in enumerate(await gateway.media.uploads(message.media)):
        try:
            files.append(channel.attachments.check(upload))  # by content, and cleaned
        except AttachmentRefused as error:
            return error_response(error.status, "invalid_input", error.reason, f"media.{n}")
    answer = await channel.receive(message, files)
    return _answer(answer, 200 if answer.outcome == "duplicate" else 201)


def _answer(answer: Answer, status: int) -> JSONResponse:
    return JSONResponse(
        {
            "outcome": answer.outcome,
            "case_id": str(answer.case_id),
            "tracking_number": answer.tracking_number,
        },
        status_code=status,
    )
