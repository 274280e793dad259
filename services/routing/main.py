"""Entry point of the routing worker: `alur serve routing` (being built; idles until SIGTERM)."""

from __future__ import annotations

import asyncio
import signal

import structlog

from alur.logs import configure_logging
from alur.settings import AlurSettings

log = structlog.get_logger(__name__)


async def _idle() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("routing_started")
    await stop.wait()
    log.info("routing_stopped")


def main() -> None:
    settings = AlurSettings()
    configure_logging("routing", fmt=settings.log_format, level=settings.log_level)
    asyncio.run(_idle())


if __name__ == "__main__":
    main()
