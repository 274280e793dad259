"""Fixtures that run Alur for real: a private sandbox (fresh database, own topic namespace,
every worker as its own process) on the PostgreSQL and Kafka that `make test` starts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from alur import sandbox
from alur.sandbox import Sandbox as Alur

__all__ = ["Alur", "eventually"]


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 30.0) -> Any:
    """Poll `check` until it returns something truthy, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout} s: {check.__name__}")
        await asyncio.sleep(0.2)


@pytest.fixture(scope="session")
def alur() -> Iterator[Alur]:
    system = sandbox.start("test", {"ALUR_RELAY_RETRY_SECONDS": "0.5"})
    try:
        yield system
    finally:
        sandbox.stop(system)
