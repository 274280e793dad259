"""A login, throttled: per account and per address, wrong answers lead to growing locks.

Only guesses count (a wrong password, a wrong or reused TOTP code); while either the account or
the address is locked, even right credentials are refused, with how long to wait. Every wrong
password reads the same, whether or not the username exists.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import timedelta

import structlog

from officers import Accounts, Refusal, officer_id
from runtime.throttle import FailureLimit, Throttle, wait_text
from sop.actions import Officer

log = structlog.get_logger(__name__)

ACCOUNT_SCOPE = "login-account"
ADDRESS_SCOPE = "login-address"

MESSAGES = {
    Refusal.WRONG: "Nama pengguna atau kata sandi salah.",
    Refusal.OTP_MISSING: "Masukkan kode OTP dari aplikasi autentikator Anda.",
    Refusal.OTP_WRONG: "Kode OTP salah atau sudah dipakai. Tunggu kode berikutnya, lalu coba lagi.",
    Refusal.OTP_NOT_ENROLLED: (
        "Peran Anda wajib memakai verifikasi dua langkah (kode OTP), tetapi akun Anda belum"
        " mendaftarkannya. Minta administrator mendaftarkan OTP untuk akun Anda"
        " (alur users totp), lalu masuk lagi."
    ),
}
STATUS = {
    Refusal.WRONG: 401,
    Refusal.OTP_MISSING: 401,
    Refusal.OTP_WRONG: 401,
    Refusal.OTP_NOT_ENROLLED: 403,
}
MISSING = "Isi nama pengguna dan kata sandi."


def locked_message(wait: timedelta) -> str:
    return f"Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {wait_text(wait)}."


@dataclass(frozen=True)
class SignedIn:
    officer: Officer
    session_id: str


@dataclass(frozen=True)
class LoginRefused:
    status: int
    message: str
    code: str


@dataclass(frozen=True)
class LoginDesk:
    accounts: Accounts
    throttle: Throttle
    second_factor_roles: Collection[str]
    account_limit: FailureLimit
    address_limit: FailureLimit

    async def sign_in(
        self,
        username: str,
        password: str,
        otp: str,
        address: str,
        replacing: str | None = None,
    ) -> SignedIn | LoginRefused:
        """A new session for the officer, or why not; `replacing` is the browser's old session."""
        if not username.strip() or not password:
            return LoginRefused(422, MISSING, "missing")
        account = officer_id(username) or username.strip().casefold()
        keys = (
            (ACCOUNT_SCOPE, account, self.account_limit),
            (ADDRESS_SCOPE, address, self.address_limit),
        )
        if locked := await self._locked(keys):
            return locked
        checked = await self.accounts.check(username, password, otp, self.second_factor_roles)
        if isinstance(checked, Refusal):
            log.info("login_refused", reason=checked.value)
            if checked.counts_as_failure:
                locks = [await self.throttle.failed(s, k, limit) for s, k, limit in keys]
                longest = max((lock for lock in locks if lock is not None), default=None)
                if longest is not None:
                    return LoginRefused(429, locked_message(longest), "locked")
            return LoginRefused(STATUS[checked], MESSAGES[checked], checked.value)
        # Guesses sent side by side may have locked the account meanwhile.
        if locked := await self._locked(keys):
            return locked
        for scope, key, _ in keys:
            await self.throttle.succeeded(scope, key)
        session_id = await self.accounts.sessions.open(checked.id, replacing)
        log.info("login_succeeded", officer=checked.id)
        return SignedIn(checked, session_id)

    async def _locked(self, keys: Iterable[tuple[str, str, FailureLimit]]) -> LoginRefused | None:
        for scope, key, _ in keys:
            wait = await self.throttle.locked_for(scope, key)
            if wait is not None:
                log.info("login_locked", scope=scope)
                return LoginRefused(429, locked_message(wait), "locked")
        return None
