"""Officers' accounts as one object: the directory, passwords, sessions, API tokens, activation
links and the second factor, built once over one pool, and the check of a login's credentials.

Throttling the attempts is the caller's (services/accounts): this module only says whether the
credentials are right, and how they are wrong.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum

import asyncpg

from officers.activation import Activations
from officers.directory import OfficerDirectory
from officers.passwords import LONGEST, Passwords
from officers.second_factor import SecondFactor
from officers.sessions import SessionLimits, Sessions
from officers.tokens import ApiTokens
from sop.actions import Officer


class Refusal(Enum):
    """Why credentials do not sign an officer in."""

    WRONG = "wrong"  # unknown username, no password set, wrong password, or disabled
    OTP_MISSING = "otp_missing"  # the password is right; the officer has a second factor
    OTP_WRONG = "otp_wrong"  # wrong code, or one used already
    OTP_NOT_ENROLLED = "otp_not_enrolled"  # the role needs a second factor; none enrolled

    @property
    def counts_as_failure(self) -> bool:
        """A guess that failed (the throttle counts it), not a step of a right login."""
        return self in (Refusal.WRONG, Refusal.OTP_WRONG)


@dataclass(frozen=True)
class Accounts:
    directory: OfficerDirectory
    passwords: Passwords
    sessions: Sessions
    tokens: ApiTokens
    activations: Activations
    second_factor: SecondFactor

    @classmethod
    def over(cls, pool: asyncpg.Pool, secret_key: bytes, limits: SessionLimits) -> Accounts:
        return cls(
            directory=OfficerDirectory(pool),
            passwords=Passwords(),
            sessions=Sessions(pool, limits),
            tokens=ApiTokens(pool),
            activations=Activations(pool),
            second_factor=SecondFactor(pool, secret_key),
        )

    async def check(
        self, username: str, password: str, otp: str, second_factor_roles: Collection[str]
    ) -> Officer | Refusal:
        """The officer these credentials sign in, or why they do not.

        Unknown usernames cost the same password work as known ones, and every wrong password
        reads the same, so the answer does not tell whether a username exists."""
        found = await self.directory.sign_in_record(username) if username.strip() else None
        officer, stored = found if found else (None, None)
        if len(password) > LONGEST or not await self.passwords.verify(stored, password):
            return Refusal.WRONG
        assert officer is not None and stored is not None
        if self.passwords.needs_rehash(stored):
            await self.directory.set_password_hash(
                officer.id, await self.passwords.rehash(password)
            )
        enrolled = await self.second_factor.enrolled(officer.id)
        if not enrolled:
            if officer.roles & set(second_factor_roles):
                return Refusal.OTP_NOT_ENROLLED
            return officer
        if not otp.strip():
            return Refusal.OTP_MISSING
        if not await self.second_factor.accept(officer.id, otp):
            return Refusal.OTP_WRONG
        return officer
