"""The TOTP second factor (RFC 6238, pyotp): enrolment, and checking a code at login.

The secret is stored encrypted (AES-256-GCM under a key derived from the installation's secret
key, the officer's id as associated data: a secret copied to another officer's row does not
decrypt). A code is accepted for the current 30-second step or the one before or after (clock
drift), and only once: the step accepted last is kept, and a code of that step or an earlier one
is refused, so a code seen over someone's shoulder cannot be used again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import asyncpg
import pyotp
import structlog
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ISSUER = "Alur"
STEP_SECONDS = 30
DRIFT_STEPS = 1

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, for typing into an authenticator app
    uri: str  # otpauth://totp/…, for a QR code


class SecondFactor:
    def __init__(self, pool: asyncpg.Pool, secret_key: bytes) -> None:
        self._pool = pool
        key = hmac.new(secret_key, b"alur officer totp secrets v1", hashlib.sha256).digest()
        self._aead = AESGCM(key)

    async def enrol(self, officer_id: str) -> Enrolment:
        """A new secret for the officer (replacing any earlier one)."""
        secret = pyotp.random_base32()
        done = await self._pool.execute(
            "UPDATE officers SET totp_secret = $2, totp_last_step = NULL WHERE id = $1",
            officer_id,
            self._seal(officer_id, secret),
        )
        if done.endswith(" 0"):
            raise LookupError(officer_id)
        uri = pyotp.TOTP(secret).provisioning_uri(name=officer_id, issuer_name=ISSUER)
        return Enrolment(secret, uri)

    async def remove(self, officer_id: str) -> bool:
        done = await self._pool.execute(
            "UPDATE officers SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1",
            officer_id,
        )
        return not done.endswith(" 0")

    async def enrolled(self, officer_id: str) -> bool:
        return bool(
            await self._pool.fetchval(
                "SELECT totp_secret IS NOT NULL FROM officers WHERE id = $1", officer_id
            )
        )

    async def accept(self, officer_id: str, code: str, at: float | None = None) -> bool:
        """Whether `code` is the officer's code now and not used before; using it spends it."""
        code = "".join(code.split())
        sealed = await self._pool.fetchval(
            "SELECT totp_secret FROM officers WHERE id = $1", officer_id
        )
        if sealed is None or not (code.isdigit() and len(code) == 6):
            return False
        secret = self._open(officer_id, sealed)
        if secret is None:
            return False
        totp = pyotp.TOTP(secret)
        now = time.time() if at is None else at
        step = int(now // STEP_SECONDS)
        matching = [
            s
            for s in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1)
            if hmac.compare_digest(totp.at(s * STEP_SECONDS), code)
        ]
        if not matching:
            return False
        spent = await self._pool.fetchval(
            "UPDATE officers SET totp_last_step = $2 WHERE id = $1"
            " AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id",
            officer_id,
            matching[-1],
        )
        return spent is not None

    def _seal(self, officer_id: str, secret: str) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + self._aead.encrypt(nonce, secret.encode(), officer_id.encode())

    def _open(self, officer_id: str, sealed: bytes) -> str | None:
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:], officer_id.encode()).decode()
        except InvalidTag:
            # ALUR_SECRET_KEY changed since the enrolment: enrol again (alur users totp).
            log.error("totp_secret_undecryptable", officer=officer_id)
            return None
