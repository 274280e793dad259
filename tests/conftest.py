"""Fixtures that run Alur for real: a private sandbox (fresh database, own topic namespace,
every worker as its own process) on the PostgreSQL and Kafka that `make test` starts.

Every test that takes `alur` gets the session's shared sandbox, unless its module asks for one
of its own with the `sandbox` mark, naming what differs (the fields of `Setup`):

    pytestmark = pytest.mark.sandbox("sla", env={"ALUR_CLOCK": "simulated"})

A module's own sandbox starts before its first test and stops after its last.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import mailbox as smtp
from tests.support import sandbox
from tests.support.casework import Officer, add_officer, unique_name
from tests.support.gateway import Gateway
from tests.support.mailbox import Mailbox
from tests.support.sandbox import NOTIFIER_ATTEMPTS, PUBLIC_URL, REPLY_TO, Alur, Setup
from tests.support.waiting import eventually

__all__ = ["Alur", "Gateway", "Mailbox", "eventually"]

SHARED = Setup(
    "test",
    env={
        "ALUR_RELAY_RETRY_SECONDS": "0.5",
        "ALUR_PUBLIC_URL": PUBLIC_URL,
        "ALUR_NOTIFIER_MAX_ATTEMPTS": str(NOTIFIER_ATTEMPTS),
        "ALUR_NOTIFIER_RETRY_BASE_SECONDS": "0.05",
        "ALUR_MAIL_REPLY_TO": REPLY_TO,
    },
    mail=True,
    webhooks=True,
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sandbox(name, env=…, office=…, mail=…, webhooks=…): the module runs in a sandbox of"
        " its own, started with these fields of tests.support.sandbox.Setup",
    )


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
def shared_alur(request: pytest.FixtureRequest) -> Iterator[Alur]:
    """The sandbox every module without a `sandbox` mark shares."""
    yield from _running(SHARED, request)


@pytest.fixture(scope="module")
def alur(request: pytest.FixtureRequest) -> Iterator[Alur]:
    """The running Alur a test talks to: the module's own sandbox, or the shared one."""
    mark = request.node.get_closest_marker("sandbox")
    if mark is None:
        yield request.getfixturevalue("shared_alur")
    else:
        yield from _running(Setup(*mark.args, **mark.kwargs), request)


@pytest.fixture(scope="module")
async def petugas(alur: Alur) -> Officer:
    """A complaints officer (petugas pengaduan) of the test's Alur: registers complaints and
    reads cases."""
    return await add_officer(alur, unique_name("petugas"), "petugas_pengaduan")


def _running(setup: Setup, request: pytest.FixtureRequest) -> Iterator[Alur]:
    system = sandbox.start(setup.name, _environment(setup, request))
    try:
        yield system
    finally:
        sandbox.stop(system)


def _environment(setup: Setup, request: pytest.FixtureRequest) -> dict[str, str]:
    env = dict(setup.env)
    if setup.mail:
        box: Mailbox = request.getfixturevalue("mailbox")
        env |= {
            "ALUR_SMTP_HOST": box.host,
            "ALUR_SMTP_PORT": str(box.port),
            "ALUR_SMTP_FROM": "Pengaduan Dinkes <pengaduan@dinkes.test>",
            "ALUR_NOTIFIER_POLL_SECONDS": "0.2",
        }
    if setup.webhooks:
        endpoint: Gateway = request.getfixturevalue("gateway")
        env |= {"ALUR_WEBHOOK_URL": endpoint.url, "ALUR_WEBHOOK_SECRET": endpoint.secret}
    if setup.office is not None:
        env["ALUR_OFFICE"] = str(_office_file(setup, request))
    return env


def _office_file(setup: Setup, request: pytest.FixtureRequest) -> Path:
    folder: Path = request.getfixturevalue("tmp_path_factory").mktemp(f"office-{setup.name}")
    path = folder / "office.yaml"
    office: dict[str, Any] = dict(setup.office or {})
    path.write_text(yaml.safe_dump(office, allow_unicode=True), encoding="utf-8")
    return path
