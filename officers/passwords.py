"""Officers' passwords: Argon2id (argon2-cffi), with what a new password must satisfy.

Parameters are OWASP's Argon2id minimum (19 MiB, 2 passes, 1 lane): about 30 ms a hash on the
office's small server, so logins stay quick and a stolen table stays expensive to guess. Hashes
made with other parameters still verify and are re-hashed at the next login.
"""

from __future__ import annotations

import asyncio
import unicodedata
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

SHORTEST = 12
LONGEST = 1024


class PasswordRefused(ValueError):
    """A new password that does not meet the rules (the message says why, in Bahasa Indonesia)."""


def check_new_password(password: str) -> None:
    """PasswordRefused when `password` may not be set."""
    if len(password) < SHORTEST:
        raise PasswordRefused(f"kata sandi minimal {SHORTEST} karakter")
    if len(password) > LONGEST:
        raise PasswordRefused(f"kata sandi paling panjang {LONGEST} karakter")
    if any(unicodedata.category(c) == "Cc" for c in password):
        raise PasswordRefused("kata sandi tidak boleh memuat karakter kendali")


class Passwords:
    """Hash and verify in a worker thread: Argon2 is CPU work and must not stall the event loop."""

    def __init__(self) -> None:
        self._hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

    @cached_property
    def _decoy(self) -> str:
        """A hash to verify against when the account does not exist: the same work, the same
        time, so the answer's delay does not tell whether a username exists."""
        return self._hasher.hash("tidak ada akun dengan nama ini")

    def hash_now(self, password: str) -> str:
        check_new_password(password)
        return self._hasher.hash(password)

    async def hash(self, password: str) -> str:
        check_new_password(password)
        return await asyncio.to_thread(self._hasher.hash, password)

    async def rehash(self, password: str) -> str:
        """A password already in use, hashed with the current parameters (no rules checked)."""
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, stored: str | None, password: str) -> bool:
        """Whether `password` matches `stored` (None: no password set, checked against a decoy)."""
        return await asyncio.to_thread(self._verify, stored, password)

    def _verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._decoy, password) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)
