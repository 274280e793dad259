"""Webhooks to a gateway (WhatsApp, SMS): a signed JSON POST per notification.

Headers: `X-Alur-Timestamp` (unix seconds), `X-Alur-Signature: sha256=HEX` where HEX is
HMAC-SHA256(secret, timestamp + "." + body) (runtime/signatures.py, the scheme the WhatsApp
intake checks too), and `X-Alur-Delivery` (the notification id, the same on every retry, so a
receiver drops duplicates). A retry after a crash between the gateway's 2xx and the record
sends the same delivery id again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from runtime.signatures import signed_headers
from services.notifier.notification_log import Claimed


class WebhookFailed(Exception):
    pass


def body_of(claimed: Claimed) -> bytes:
    """The JSON a gateway receives: where to send the text, and the text."""
    document: dict[str, Any] = {
        "delivery_id": str(claimed.notification_id),
        "case_id": str(claimed.case_id),
        "event_id": str(claimed.event_id),
        "event_type": claimed.event_type,
        "rule": claimed.rule,
        "to": claimed.recipient,
        "subject": claimed.subject,
        "text": claimed.body_text,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode()


class WebhookSender:
    def __init__(
        self,
        url: str,
        secret: str,
        client: httpx.AsyncClient,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._url = url
        self._secret = secret
        self._client = client
        self._clock = clock

    async def send(self, claimed: Claimed) -> None:
        body = body_of(claimed)
        timestamp = str(int(self._clock()))
        headers = {
            "Content-Type": "application/json",
            **signed_headers(self._secret, timestamp, body),
            "X-Alur-Delivery": str(claimed.notification_id),
        }
        try:
            response = await self._client.post(self._url, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise WebhookFailed(f"{type(error).__name__}: {error}") from error
        if not 200 <= response.status_code < 300:
            raise WebhookFailed(f"HTTP {response.status_code}: {response.text[:200]}")
