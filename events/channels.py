"""Payloads of what the channels learn about a case besides the reporter's words (issue 18)."""

from __future__ import annotations

from events.payload import Payload


class ReporterMailBounced(
    Payload, type="ReporterMailBounced", version=1, label="Surel kepada pelapor tidak terkirim"
):
    """A delivery-failure report came back for mail Alur sent to the case's reporter (v1): the
    address is undeliverable, and the notifier sends the case's reporter no more email.

    `status` is the report's DSN status code (RFC 3464, e.g. "5.1.1") when it has one. No
    address and no diagnostic text is kept: both may name the reporter."""

    status: str | None = None
