"""Graceful shutdown for worker entry points: run until SIGTERM/SIGINT, then clean up."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable


async def run_until_stopped(work: Awaitable[None]) -> None:
    """Run `work` until it ends or the process is asked to stop; cancel it on a signal.

    A `SystemExit` raised by `work` (a configuration the worker refuses) ends the process
    with its message, as if `work` had run in the foreground.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    task = asyncio.ensure_future(_exit_returned(work))
    stopper = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    for pending in (task, stopper):
        if pending not in done:
            pending.cancel()
    await asyncio.gather(task, stopper, return_exceptions=True)
    if task in done:
        refused = task.result()  # surface a crash as a non-zero exit
        if refused is not None:
            raise refused


async def _exit_returned(work: Awaitable[None]) -> SystemExit | None:
    # A task that raises SystemExit breaks the event loop; hand it to the caller instead.
    try:
        await work
    except SystemExit as refused:
        return refused
    return None
