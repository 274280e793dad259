"""How a mail names its case, so that a reply finds its way back (issue 18).

Alur's notifier sends every mail about a case with
- the tracking number in the subject, in brackets: `[ADU-2026-000042] …`;
- a Message-ID that carries the case id and a keyed tag: `<alur.{case}.{notification}.{tag}@…>`.

A reply quotes that Message-ID in `In-Reply-To` or `References`. The mail intake reads the case
back from there (`MailThread.case_in`), or from the tracking number in the subject. The tag is
an HMAC with the office's secret key, so nobody can make a header that joins a mail to a case
whose mail they never received.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections.abc import Iterable

# `[ADU-2026-000042]` anywhere in a subject (a reply adds "Re:", "Balas:", "Fwd:" …).
TRACKING_IN_SUBJECT = re.compile(r"\[([A-Z]{2,8}-\d{4}-\d{6})\]")
# Every Alur message carries this header; mail that has it is Alur's own (a loop).
OWN_HEADER = "X-Alur-Notification"
_MESSAGE_ID = re.compile(r"<alur\.([0-9a-f]{32})\.([0-9a-f]{32})\.([0-9a-f]{16})@[^<>\s]+>")


class MailThread:
    def __init__(self, secret_key: bytes) -> None:
        self._key = hmac.new(secret_key, b"alur.mail-thread", hashlib.sha256).digest()

    def _tag(self, case_id: uuid.UUID, notification_id: uuid.UUID) -> str:
        text = f"{case_id.hex}.{notification_id.hex}".encode()
        return hmac.new(self._key, text, hashlib.sha256).hexdigest()[:16]

    def message_id(self, case_id: uuid.UUID, notification_id: uuid.UUID, domain: str) -> str:
        """The Message-ID of the notification `notification_id` about the case."""
        tag = self._tag(case_id, notification_id)
        return f"<alur.{case_id.hex}.{notification_id.hex}.{tag}@{domain}>"

    def case_in(self, headers: Iterable[str | None]) -> uuid.UUID | None:
        """The case named by the first Alur Message-ID (with a valid tag) in the headers'
        values (`In-Reply-To`, then `References`, newest last): None when there is none."""
        found: uuid.UUID | None = None
        for header in headers:
            for case_hex, notification_hex, tag in _MESSAGE_ID.findall(header or ""):
                case_id, notification_id = uuid.UUID(case_hex), uuid.UUID(notification_hex)
                if hmac.compare_digest(tag, self._tag(case_id, notification_id)):
                    found = case_id
            if found is not None:
                return found
        return None


def subject_with_tracking(tracking_number: str, subject: str) -> str:
    """The subject of a mail about a case: the tracking number in brackets first (once)."""
    marker = f"[{tracking_number}]"
    return subject if marker in subject else f"{marker} {subject}"


def tracking_in_subject(subject: str | None) -> str | None:
    """The first tracking number in brackets in a subject, or None."""
    match = TRACKING_IN_SUBJECT.search(subject or "")
    return match.group(1) if match else None
