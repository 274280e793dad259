"""The master key: derived from the office's secret, it wraps every data key and keys the blind
indexes. Nothing it protects can be read without it (a copied database reveals nothing).

Two keys are derived with HKDF-SHA256 from `ALUR_SECRET_KEY` (or its file, or the dev key under
.run/), each for one purpose: one wraps data keys (AES-256-GCM, the subject's id as associated
data, so a wrapped key cannot be moved to another subject), one keys the HMAC-SHA256 blind
indexes of contacts.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
DATA_KEY_BYTES = 32  # AES-256


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


def normal_email(email: str) -> str:
    return email.strip().lower()


def normal_phone(phone: str) -> str:
    """Digits only, an Indonesian number in its international form: 0812…, +62 812…, 62812… are
    one number."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


class MasterKey:
    """Wraps and unwraps data keys; computes blind indexes. Pure: no I/O."""

    def __init__(self, secret: bytes) -> None:
        self._wrapping = AESGCM(_derive(secret, b"alur privacy: data-key wrapping v1"))
        self._indexing = _derive(secret, b"alur privacy: blind index v1")

    def new_data_key(self) -> bytes:
        return AESGCM.generate_key(bit_length=DATA_KEY_BYTES * 8)

    def wrap(self, subject_id: uuid.UUID, data_key: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._wrapping.encrypt(nonce, data_key, subject_id.bytes)

    def unwrap(self, subject_id: uuid.UUID, wrapped: bytes) -> bytes:
        """The data key; `cryptography.exceptions.InvalidTag` under another master key."""
        return self._wrapping.decrypt(
            wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], subject_id.bytes
        )

    def email_index(self, email: str) -> bytes:
        return self._blind(b"email", normal_email(email))

    def phone_index(self, phone: str) -> bytes:
        return self._blind(b"phone", normal_phone(phone))

    def _blind(self, kind: bytes, value: str) -> bytes:
        return hmac.new(self._indexing, kind + b":" + value.encode(), hashlib.sha256).digest()
