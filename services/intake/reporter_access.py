"""The reporter's access: the tracking number and its PIN, checked first, and limited.

Two access policies of audience "reporter" (runtime/http/access.py):
- `Reporter`: the number in the path, `{"pin": …}` in the JSON body (`POST /api/track/{n}`,
  `POST /api/track/{n}/reply`). It refuses by raising: 422 when the body holds no PIN, 404
  `not_found` for a wrong PIN or an unknown number (one message for both), 429 while locked.
- `ReporterForm`: the `/lacak` form (fields `nomor` and `pin`). It returns the refusal for
  the page to show instead of raising.
Either runs before the route reads anything else of the body: what a body holds beyond the PIN
is never judged (nor answered about) for someone who does not hold the PIN.

Wrong PINs are counted per tracking number (as typed, upper-cased) and per client address
(runtime/throttle.py): `ALUR_PIN_FAILURES` wrong ones for a number, or
`ALUR_PIN_ADDRESS_FAILURES` from an address, lock it for `ALUR_PIN_LOCK_SECONDS`, each further
lock twice as long up to `ALUR_PIN_LONGEST_LOCK_SECONDS`. While the number or the address is
locked every attempt is refused (429, `Retry-After`) before the PIN is looked at, so the right
PIN is refused too. An unknown number counts, and is answered, as a wrong PIN. A right PIN
starts the number's count again; the address's count goes on (an address that guesses across
many numbers does not get a fresh count from its own complaint).

At most one check per number and per address runs at a time (PostgreSQL advisory locks, tried
without waiting): a burst of parallel guesses is refused, not checked, so it cannot slip past
the count before the lock is written. The check's counting runs on the connection that holds
those locks, so a check never waits for a second connection of the pool (many checks at once
cannot starve each other of connections).
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, ClassVar

import asyncpg
import structlog
from fastapi import Depends, Request

from runtime.http.access import AccessPolicy
from runtime.http.dependencies import Pool, Throttling, provided
from runtime.http.errors import HttpError, json_body
from runtime.settings import AlurSettings
from runtime.throttle import FailureLimit, Throttle, wait_text
from services.intake.dependencies import Tracking
from services.intake.tracking import TrackingNumbers

log = structlog.get_logger(__name__)

PIN_SCOPE = "pin"  # keyed by the tracking number
PIN_ADDRESS_SCOPE = "pin-address"  # keyed by the client's address
LONGEST_PIN = 100  # longer is not a PIN: checked (and counted) like any wrong one

NOT_FOUND_MESSAGE = "nomor pengaduan atau PIN tidak cocok"
NO_PIN_MESSAGE = "PIN wajib diisi"
NO_NUMBER_MESSAGE = "nomor pengaduan dan PIN wajib diisi"

Settings = Annotated[AlurSettings, provided(AlurSettings)]


@dataclass(frozen=True)
class ReporterCase:
    """Whom the reporter proved to be: the reporter of this case."""

    case_id: uuid.UUID
    tracking_number: str


@dataclass(eq=False)
class TooMany(HttpError):
    """429 with `Retry-After` (seconds)."""

    retry_after: int = 1

    def response(self) -> Any:
        response = super().response()
        response.headers["Retry-After"] = str(self.retry_after)
        return response


@dataclass(frozen=True)
class Refused:
    """Why a reporter (or a sender) is turned away; `wait` for a 429."""

    status: int
    code: str
    message: str  # Bahasa Indonesia, for the page or the error JSON
    field: str | None = None
    wait: timedelta | None = None

    @property
    def retry_after(self) -> int | None:
        return None if self.wait is None else max(int(self.wait.total_seconds() + 0.999), 1)

    def error(self) -> HttpError:
        if self.retry_after is not None:
            return TooMany(self.status, self.code, self.message, self.field, self.retry_after)
        return HttpError(self.status, self.code, self.message, self.field)


NOT_FOUND = Refused(404, "not_found", NOT_FOUND_MESSAGE)
BUSY = Refused(
    429,
    "too_many_attempts",
    "permintaan lain sedang diperiksa; coba lagi sebentar lagi",
    wait=timedelta(seconds=1),
)


def locked(wait: timedelta) -> Refused:
    return Refused(
        429,
        "too_many_attempts",
        f"terlalu banyak PIN yang salah; demi keamanan, coba lagi dalam {wait_text(wait)}",
        wait=wait,
    )


def client_address(request: Request) -> str:
    """The address the request came from (behind a proxy: the one uvicorn trusts,
    `FORWARDED_ALLOW_IPS`)."""
    return request.client.host if request.client else "unknown"


def _lock_key(scope: str, key: str) -> int:
    """A 64-bit advisory lock key for (scope, key)."""
    digest = hashlib.sha256(f"alur:{scope}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@dataclass(frozen=True)
class OnConnection:
    """What `Throttle` asks of its pool, answered on one connection (already in a transaction:
    the throttle's own transactions become savepoints of it)."""

    conn: asyncpg.Connection

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[asyncpg.Connection]:
        yield self.conn

    async def fetchval(self, query: str, *args: Any) -> Any:
        return await self.conn.fetchval(query, *args)

    async def execute(self, query: str, *args: Any) -> str:
        return await self.conn.execute(query, *args)


@dataclass(frozen=True)
class PinGuard:
    """Checks a PIN against its tracking number under the limits."""

    pool: asyncpg.Pool  # a connection for the advisory locks and the counting
    throttle: Throttle
    tracking: TrackingNumbers
    per_number: FailureLimit
    per_address: FailureLimit

    async def check(self, tracking_number: str, pin: str, address: str) -> ReporterCase | Refused:
        number_key = tracking_number.strip().upper()
        async with self.pool.acquire() as conn, conn.transaction():
            alone = await conn.fetchval(
                "SELECT pg_try_advisory_xact_lock($1) AND pg_try_advisory_xact_lock($2)",
                _lock_key(PIN_SCOPE, number_key),
                _lock_key(PIN_ADDRESS_SCOPE, address),
            )
            if not alone:
                return BUSY
            throttle = dataclasses.replace(self.throttle, pool=OnConnection(conn))
            return await self._check(throttle, tracking_number, number_key, pin, address)

    async def _check(
        self, throttle: Throttle, tracking_number: str, number_key: str, pin: str, address: str
    ) -> ReporterCase | Refused:
        keys = (
            (PIN_SCOPE, number_key, self.per_number),
            (PIN_ADDRESS_SCOPE, address, self.per_address),
        )
        waits = [await throttle.locked_for(scope, key) for scope, key, _ in keys]
        if any(waits):
            return locked(max(w for w in waits if w))
        case_id = await self.tracking.verify(tracking_number, pin[:LONGEST_PIN])
        if case_id is None:
            waits = [await throttle.failed(scope, key, limit) for scope, key, limit in keys]
            if any(waits):
                lock = max(w for w in waits if w)
                log.warning("pin_locked", seconds=int(lock.total_seconds()))
                return locked(lock)
            return NOT_FOUND
        await throttle.succeeded(PIN_SCOPE, number_key)
        return ReporterCase(case_id, tracking_number)


async def pin_guard(
    pool: Pool, throttle: Throttling, tracking: Tracking, settings: Settings
) -> PinGuard:
    def limit(failures: int) -> FailureLimit:
        return FailureLimit(
            failures=failures,
            first_lock=timedelta(seconds=settings.pin_lock_seconds),
            growth=2,
            longest_lock=timedelta(seconds=settings.pin_longest_lock_seconds),
        )

    return PinGuard(
        pool,
        throttle,
        tracking,
        per_number=limit(settings.pin_failures),
        per_address=limit(settings.pin_address_failures),
    )


Guard = Annotated[PinGuard, Depends(pin_guard)]


@dataclass(frozen=True)
class Reporter(AccessPolicy):
    """The reporter of the complaint numbered in the path, by `{"pin"}` in the JSON body."""

    audience: ClassVar[str] = "reporter"

    async def __call__(self, request: Request, tracking_number: str, guard: Guard) -> ReporterCase:
        data = await json_body(request)
        pin = data.get("pin") if isinstance(data, dict) else None
        if not isinstance(pin, str) or not pin.strip():
            raise HttpError(422, "invalid_input", NO_PIN_MESSAGE, "pin")
        outcome = await guard.check(tracking_number, pin.strip(), client_address(request))
        if isinstance(outcome, Refused):
            raise outcome.error()
        return outcome


@dataclass(frozen=True)
class ReporterForm(AccessPolicy):
    """The reporter by the `/lacak` form's `nomor` and `pin`; the refusal is returned, for the
    page to show (the route must not show anything of a case without a `ReporterCase`)."""

    audience: ClassVar[str] = "reporter"

    async def __call__(self, request: Request, guard: Guard) -> ReporterCase | Refused:
        form = await request.form()
        number = str(form.get("nomor", "")).strip()
        pin = str(form.get("pin", "")).strip()
        if not number or not pin:
            return Refused(422, "invalid_input", NO_NUMBER_MESSAGE, "pin" if number else "nomor")
        return await guard.check(number, pin, client_address(request))


ReporterOnly = Annotated[ReporterCase, Depends(Reporter())]
ReporterByForm = Annotated[ReporterCase | Refused, Depends(ReporterForm())]
