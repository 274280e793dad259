"""Officers' accounts through the public surface: `alur users …` / `alur tokens …` and the login
pages, as a browser uses them (cookies kept by the client, the form's hidden `csrf_token`)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import uuid
from dataclasses import dataclass

import httpx

from tests.support.casework import unique_name
from tests.support.prestarted import PRESTARTED
from tests.support.sandbox import Alur

PASSWORD = "kata-sandi-yang-panjang-1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ERROR = re.compile(r'class="error"[^>]*>([^<]+)<')
LINK = re.compile(r"https?://\S+(/aktivasi/\S+)")
SECRET = re.compile(r"^secret: (\w+)$", re.MULTILINE)


async def cli(alur: Alur, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `alur ARGS` against the sandbox's database, with `stdin` on standard input."""
    return await asyncio.to_thread(
        PRESTARTED.run, args, {**os.environ, "DATABASE_URL": alur.database_url}, stdin
    )


@dataclass(frozen=True)
class Account:
    name: str
    token: str  # the API token `alur users add` printed on its last line
    password: str | None
    output: str  # all that `alur users add` printed

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def activation_path(self) -> str:
        found = LINK.search(self.output)
        assert found, self.output
        return found.group(1)


async def add_account(
    alur: Alur, role: str, *, password: str | None = PASSWORD, name: str | None = None
) -> Account:
    """A new officer holding `role`, with `password` (None: an activation link instead)."""
    name = name or unique_name(role)
    args = ["users", "add", name, "--role", role]
    done = await cli(alur, *args, *(["--password-stdin"] if password else []), stdin=password)
    assert done.returncode == 0, done.stderr
    return Account(name, done.stdout.strip().splitlines()[-1], password, done.stdout)


def address() -> str:
    """An address of its own for a test's browser (the app trusts the local proxy's
    X-Forwarded-For), so one test's failed logins never lock another's."""
    return f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"


def browser(
    alur: Alur, at: str | None = None, cookies: dict[str, str] | None = None, **headers: str
) -> httpx.AsyncClient:
    """A client that keeps cookies (starting with `cookies`), seen by the app as coming from
    `at`."""
    return alur.http(headers={"X-Forwarded-For": at or address(), **headers}, cookies=cookies)


async def form_token(client: httpx.AsyncClient, path: str = "/masuk") -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


async def log_in(
    client: httpx.AsyncClient,
    username: str,
    password: str,
    otp: str = "",
    *,
    next: str | None = None,
    csrf: str | None = None,
) -> httpx.Response:
    """Fill in and send the login form (its token read from the page unless given)."""
    token = csrf if csrf is not None else await form_token(client)
    form = {"username": username, "password": password, "otp": otp, "csrf_token": token}
    if next is not None:
        form["next"] = next
    return await client.post("/masuk", data=form)


def error_of(page: httpx.Response) -> str:
    found = ERROR.search(page.text)
    assert found, page.text
    return found.group(1)


async def signed_in(client: httpx.AsyncClient, **headers: str) -> bool:
    """Whether an officer-only JSON read takes the client's credentials (401 when not)."""
    response = await client.get(f"/api/cases/{uuid.uuid4()}", headers=headers)
    assert response.status_code != 500, response.text
    return response.status_code != 401


async def token_works(alur: Alur, token: str) -> bool:
    async with alur.http() as client:
        return await signed_in(client, Authorization=f"Bearer {token}")
