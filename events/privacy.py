"""Payloads of what happens to a reporter's personal data (who saw it)."""

from __future__ import annotations

from events.payload import Payload


class ReporterIdentityViewed(
    Payload, type="ReporterIdentityViewed", version=1, label="Identitas pelapor dilihat"
):
    """An officer was shown the identity of a confidential case's reporter (v1).

    The officer is the event's actor; the case page showed the name and contacts once."""

    where: str  # the page or API that showed it ("GET /api/cases/{id}")
