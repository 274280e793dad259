"""Fixtures that run Alur for real: a private sandbox (fresh database, own topic namespace,
every worker as its own process) on the PostgreSQL and Kafka that `make test` starts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from tests.support import mailbox as smtp
from tests.support import sandbox
from tests.support.gateway import Gateway
from tests.support.mailbox import Mailbox
from tests.support.sandbox import Sandbox as Alur

__all__ = ["Alur", "Gateway", "Mailbox", "eventually"]

# Where the sandbox's notifier says reporters and officers open their links.
PUBLIC_URL = "http://alur.test"
# Small retry values for the sandbox's notifier: a failing endpoint gives up within a second.
NOTIFIER_ATTEMPTS = 3


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
def mailbox() -> Iterator[Mailbox]:
    """The SMTP server the sandbox's notifier sends to; it keeps what it accepted."""
    box, controller = smtp.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def gateway() -> Iterator[Gateway]:
    """The webhook endpoint (a stand-in WhatsApp/SMS gateway) of the sandbox's notifier."""
    endpoint = Gateway()
    endpoint.start()
    try:
        yield endpoint
    finally:
        endpoint.stop()


@pytest.fixture(scope="session")
def alur(mailbox: Mailbox, gateway: Gateway) -> Iterator[Alur]:
    system = sandbox.start(
        "test",
        {
            "ALUR_RELAY_RETRY_SECONDS": "0.5",
            "ALUR_SMTP_HOST": mailbox.host,
            "ALUR_SMTP_PORT": str(mailbox.port),
            "ALUR_SMTP_FROM": "Pengaduan Dinkes <pengaduan@dinkes.test>",
            "ALUR_PUBLIC_URL": PUBLIC_URL,
            "ALUR_WEBHOOK_URL": gateway.url,
            "ALUR_WEBHOOK_SECRET": gateway.secret,
            "ALUR_NOTIFIER_MAX_ATTEMPTS": str(NOTIFIER_ATTEMPTS),
            "ALUR_NOTIFIER_RETRY_BASE_SECONDS": "0.05",
            "ALUR_NOTIFIER_POLL_SECONDS": "0.2",
        },
    )
    try:
        yield system
    finally:
        sandbox.stop(system)
