"""Tracking numbers (ADU-2026-000042) and the reporter's PIN.

The event store keeps them: a number comes from the year's series and its record (the number,
the case id, the PIN's keyed hash) is stored in the same transaction as the case's first event,
so a case never lacks its number and a number never points to no case.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid

from cases import EventStore, TrackingRecord

# Case ids are derived from tracking numbers, so the number alone finds the case.
CASE_NAMESPACE = uuid.UUID("6f1d3c64-3a53-4c55-9a51-2d6f6b8f0a11")


def case_id_for(tracking_number: str) -> uuid.UUID:
    return uuid.uuid5(CASE_NAMESPACE, tracking_number)


def new_pin() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


class TrackingNumbers:
    """Allocates tracking numbers and checks PINs.

    A six-digit PIN has only a million values, so a slow hash would not stop anyone who holds
    the table; a keyed hash (HMAC with a secret kept outside the database) does.
    """

    def __init__(self, store: EventStore, secret_key: bytes, prefix: str = "ADU") -> None:
        if not re.fullmatch(r"[A-Z]{2,8}", prefix):
            raise ValueError(f"a tracking number prefix is 2-8 capital letters, not {prefix!r}")
        self._store = store
        self._key = secret_key
        self._prefix = prefix

    def _hash(self, tracking_number: str, pin: str) -> bytes:
        return hmac.new(self._key, f"{tracking_number}:{pin}".encode(), hashlib.sha256).digest()

    async def issue(self, year: int, pin: str) -> TrackingRecord:
        """The next number of the year, with the PIN's keyed hash: a record to store with the
        case's first event (`EventStore.opening(..., tracking=)`).

        Numbers come from a series per year, which holds no lock while a request commits;
        a failed request leaves a gap in the numbering, never a duplicate.
        """
        value = await self._store.next_tracking_value(self._prefix, year)
        number = f"{self._prefix}-{year}-{value:06d}"
        return TrackingRecord(number, case_id_for(number), self._hash(number, pin))

    async def verify(self, tracking_number: str, pin: str) -> uuid.UUID | None:
        """The case id if the PIN matches the tracking number, else None."""
        record = await self._store.tracking(tracking_number)
        if record is None or not hmac.compare_digest(
            self._hash(tracking_number, pin), record.pin_hash
        ):
            return None
        return record.case_id
