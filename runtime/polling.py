"""A job that runs a pass every so often (SLA timers, retention): one pass starts every
`poll_seconds`, however long the last one took, and a failing pass never ends the job."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import structlog

log = structlog.get_logger(__name__)


async def every(poll_seconds: float, pass_once: Callable[[], Awaitable[Any]], name: str) -> None:
    """Run `pass_once` every `poll_seconds` until cancelled; a failure is logged as
    `{name}_pass_failed` (PostgreSQL away: a warning; a bug: the traceback) and the next pass
    runs on time."""
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        try:
            await pass_once()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            log.warning(f"{name}_pass_failed", error=repr(error))
        except Exception:  # a bug must not stop the job for good
            log.exception(f"{name}_pass_failed")
        await asyncio.sleep(max(0.0, poll_seconds - (loop.time() - started)))
