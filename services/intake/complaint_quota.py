"""How many complaints the public may send from one address: `ALUR_COMPLAINTS_PER_ADDRESS` per
`ALUR_COMPLAINT_WINDOW_SECONDS` (windows aligned on the office clock), shared by the JSON API
and the `/lapor` form. Only a complaint that passed its checks counts: a reporter who corrects
a refused form does not use up the quota. Beyond it: 429 with `Retry-After` (the end of the
window) and nothing is recorded. Officers bringing in a complaint (`POST /api/cases`) are not
limited here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends

from runtime.http.dependencies import CurrentClock, Throttling
from runtime.throttle import Throttle, wait_text
from services.intake.reporter_access import Refused, Settings

SCOPE = "complaint"


@dataclass(frozen=True)
class ComplaintQuota:
    throttle: Throttle
    now: datetime
    limit: int
    window: timedelta

    async def admit(self, address: str) -> Refused | None:
        """Count one complaint from `address`; the refusal when its quota is used up."""
        if await self.throttle.admit(SCOPE, address, self.limit, self.window):
            return None
        seconds = self.window.total_seconds()
        window_end = (self.now.timestamp() // seconds + 1) * seconds
        wait = timedelta(seconds=window_end - self.now.timestamp())
        return Refused(
            429,
            "too_many_requests",
            f"terlalu banyak pengaduan dari alamat ini; coba lagi dalam {wait_text(wait)}",
            wait=wait,
        )


async def complaint_quota(
    throttle: Throttling, clock: CurrentClock, settings: Settings
) -> ComplaintQuota:
    return ComplaintQuota(
        throttle,
        clock.now(),
        settings.complaints_per_address,
        timedelta(seconds=settings.complaint_window_seconds),
    )


Quota = Annotated[ComplaintQuota, Depends(complaint_quota)]
