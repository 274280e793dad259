"""Signed JSON between Alur and a gateway (WhatsApp, SMS), one scheme both ways.

Headers: `X-Alur-Timestamp` (unix seconds) and `X-Alur-Signature: sha256=HEX`, where HEX is
HMAC-SHA256(secret, timestamp + "." + body). Alur signs the webhooks it sends
(services/notifier/webhook_sender.py) and checks the messages a gateway sends it
(services/intake/whatsapp.py): a signature that does not match, or a timestamp outside the
replay window, is refused.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Alur-Timestamp"
SIGNATURE_HEADER = "X-Alur-Signature"
REPLAY_WINDOW_SECONDS = 300.0


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def signed_headers(secret: str, timestamp: str, body: bytes) -> dict[str, str]:
    """The two headers that sign `body` at `timestamp`."""
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


def signature_problem(
    secret: str,
    timestamp: str | None,
    given: str | None,
    body: bytes,
    now: float,
    window: float = REPLAY_WINDOW_SECONDS,
) -> str | None:
    """Why the signed request cannot be trusted (English, for logs and the 401), or None."""
    if not timestamp or not given:
        return f"{TIMESTAMP_HEADER} and {SIGNATURE_HEADER} are required"
    try:
        moment = int(timestamp)
    except ValueError:
        return f"{TIMESTAMP_HEADER} is not unix seconds"
    if abs(now - moment) > window:
        return f"{TIMESTAMP_HEADER} is more than {int(window)} s away from now"
    if not hmac.compare_digest(given.encode(), signature(secret, timestamp, body).encode()):
        return f"{SIGNATURE_HEADER} does not match the body"
    return None
