"""Payloads of what happens to a reporter's personal data (who saw it, its erasure)."""

from __future__ import annotations

from typing import Literal

from events.payload import Payload


class ReporterIdentityViewed(
    Payload, type="ReporterIdentityViewed", version=1, label="Identitas pelapor dilihat"
):
    """An officer was shown the identity of a confidential case's reporter (v1).

    The officer is the event's actor; the case page showed the name and contacts once."""

    where: str  # the page or API that showed it ("GET /api/cases/{id}")


class PersonalDataErased(
    Payload, type="PersonalDataErased", version=1, label="Data pribadi dihapus"
):
    """A case's personal data was erased on request (v1, UU 27/2022 Pasal 8, 43, 44).

    The keys of the data subjects named here were destroyed: every sealed value of theirs now
    reads "[dihapus]" everywhere. The event holds no personal data itself: who asked is a role
    or a letter's reference, never the person's name; subjects are the key store's opaque ids.
    The officer or operator who ran the erasure is the event's actor.
    """

    requested_by: str  # who asked: "subjek data", "kuasa hukum", "PPID", a court order …
    legal_basis: str  # e.g. "UU 27/2022 Pasal 8"
    reason: str
    scope: Literal["case", "subject"]  # this case only, or every case of the person
    subjects: list[str]  # the data subjects' ids in the key store (no personal data)
