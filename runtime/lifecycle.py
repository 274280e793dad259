"""Graceful shutdown for worker entry points: run until SIGTERM/SIGINT, then clean up."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable


async def run_until_stopped(work: Awaitable[None]) -> None:
    """Run `work` until it ends or the process is asked to stop; cancel it on a signal."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    for pending in (task, stopper):
        if pending not in done:
            pending.cancel()
    await asyncio.gather(task, stopper, return_exceptions=True)
    if task in done:
        task.result()  # surface a crash as a non-zero exit
