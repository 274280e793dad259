"""What a notification may tell about a complaint, decided in one place.

Every template context passes through `Disclosure.about`:
- the reporter's identity (name) reaches only the reporter and the case's officers, and never
  an external gateway (webhook); an anonymous reporter's identity reaches no one;
- a confidential complaint's subject reaches only the reporter, by email; officers read
  "Dirahasiakan" and follow the link to the case, where access control applies;
- an anonymous reporter is notified only at a contact they left (`reporter_address`).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.notifier.complaints import Complaint
from services.notifier.rules import Audience, Channel

HIDDEN = "Dirahasiakan"


@dataclass(frozen=True)
class Disclosed:
    """The complaint as one recipient may see it."""

    tracking_number: str | None
    reporter_name: str | None  # None: not to be shown
    subject: str | None  # HIDDEN for a confidential case, None when there is no complaint
    confidential: bool
    anonymous: bool


class Disclosure:
    @staticmethod
    def about(complaint: Complaint | None, audience: Audience, channel: Channel) -> Disclosed:
        if complaint is None:
            return Disclosed(None, None, None, confidential=False, anonymous=False)
        external = channel == "webhook"
        to_reporter = audience == "reporter"
        show_name = not complaint.anonymous and not external
        show_subject = not complaint.confidential or (to_reporter and not external)
        return Disclosed(
            tracking_number=complaint.tracking_number,
            reporter_name=complaint.reporter_name if show_name else None,
            subject=complaint.subject if show_subject else HIDDEN,
            confidential=complaint.confidential,
            anonymous=complaint.anonymous,
        )

    @staticmethod
    def reporter_address(complaint: Complaint | None, channel: Channel) -> str | None:
        """Where the reporter may be reached on `channel`, if they left such a contact."""
        if complaint is None:
            return None
        return complaint.reporter_email if channel == "email" else complaint.reporter_phone
