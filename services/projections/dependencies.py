"""The read side's tables as its routers receive them: the pool, read in office time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from zoneinfo import ZoneInfo

import asyncpg
from fastapi import Depends

from runtime.http.dependencies import Pool, TimeZone


@dataclass(frozen=True)
class ReadModels:
    pool: asyncpg.Pool
    time_zone: ZoneInfo  # the office's: every time shown is in it


async def read_models(pool: Pool, time_zone: TimeZone) -> ReadModels:
    return ReadModels(pool, time_zone)


Tables = Annotated[ReadModels, Depends(read_models)]
