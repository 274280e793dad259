"""Every call the soak makes to Alur's public surface, in one place: the HTTP API (CONTRACT.md)
and `alur users add`. When a path changes (tracking by `POST /api/track/{n}` with the PIN in
the body, for instance), only this module changes.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from soak.system import ALUR


@dataclass(frozen=True)
class Answer:
    """One request's outcome: status (0 when no answer came), body, and how long it took."""

    status: int
    body: Any
    started: float  # time.monotonic()
    seconds: float

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


class Api:
    def __init__(self, base_url: str, timeout: float = 20) -> None:
        self.administrator: str | None = None  # an administrator's API token (the clock)
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> Answer:
        sent = {**(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if content is not None:
            sent.setdefault("Content-Type", "application/json")
        started = time.monotonic()
        try:
            response = await self._client.request(
                method, path, json=json, content=content, headers=sent, params=params
            )
        except httpx.HTTPError as error:
            return Answer(0, repr(error), started, time.monotonic() - started)
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text[:500]
        return Answer(response.status_code, body, started, time.monotonic() - started)

    # -- the public --------------------------------------------------------------------------

    async def complain(self, complaint: dict[str, Any], request_id: str | None = None) -> Answer:
        """`X-Request-Id` becomes the causation id of the complaint's first event."""
        headers = {"X-Request-Id": request_id} if request_id else None
        return await self.call("POST", "/api/complaints", json=complaint, headers=headers)

    async def complain_raw(self, body: bytes) -> Answer:
        return await self.call("POST", "/api/complaints", content=body)

    async def track(self, tracking_number: str, pin: str) -> Answer:
        """The reporter's view: the PIN goes in the POST body, never in the URL."""
        return await self.call("POST", f"/api/track/{tracking_number}", json={"pin": pin})

    async def reply(self, tracking_number: str, pin: str, message: str) -> Answer:
        """The reporter's reply (stops the SP4N-LAPOR! auto-close clock)."""
        return await self.call(
            "POST", f"/api/track/{tracking_number}/reply", json={"pin": pin, "message": message}
        )

    async def survey(self, url: str, answers: dict[str, Any]) -> Answer:
        """Answer the questionnaire at the link Alur gave (`/survei/{case}?t=…`)."""
        path = url.split("://", 1)[-1]
        path = path[path.index("/") :].replace("/survei/", "/api/surveys/", 1)
        return await self.call("POST", path, json=answers)

    async def health(self) -> Answer:
        return await self.call("GET", "/health")

    async def sops(self) -> Answer:
        return await self.call("GET", "/api/sops")

    async def advance_clock(self, minutes: float) -> Answer:
        """Only an administrator moves the simulated clock (`administrator` holds their token)."""
        return await self.call(
            "POST", "/api/clock/advance", json={"minutes": minutes}, token=self.administrator
        )

    async def clock(self) -> Answer:
        return await self.call("GET", "/api/clock")

    # -- officers ----------------------------------------------------------------------------

    async def open_case(
        self, token: str, sop: str, data: dict[str, Any], request_id: str | None = None
    ) -> Answer:
        """`X-Request-Id` becomes the causation id of the case's first event."""
        return await self.call(
            "POST",
            "/api/cases",
            json={"sop": sop, "data": data},
            token=token,
            headers={"X-Request-Id": request_id or f"soak:{uuid.uuid4()}"},
        )

    async def open_case_raw(self, token: str, body: bytes) -> Answer:
        return await self.call("POST", "/api/cases", content=body, token=token)

    async def case(self, token: str, case_id: str) -> Answer:
        return await self.call("GET", f"/api/cases/{case_id}", token=token)

    async def act(self, token: str, case_id: str, body: dict[str, Any], key: str) -> Answer:
        """An action with an idempotency key: sent again after no answer, it is done once."""
        return await self.call(
            "POST",
            f"/api/cases/{case_id}/actions",
            json=body,
            token=token,
            headers={"Idempotency-Key": key},
        )

    async def survey_link(self, token: str, case_id: str) -> Answer:
        return await self.call("GET", f"/api/surveys/{case_id}/link", token=token)


def add_officer(
    database_url: str,
    name: str,
    roles: list[str],
    *,
    unit: str | None = None,
    superior: str | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> str:
    """`alur users add`: the officer's API token (the last line it prints)."""
    args = [ALUR, "users", "add", name]
    for role in roles:
        args += ["--role", role]
    for option, value in (
        ("--unit", unit),
        ("--superior", superior),
        ("--email", email),
        ("--phone", phone),
    ):
        if value:
            args += [option, value]
    done = subprocess.run(  # noqa: S603 - our own command
        args,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"alur users add {name}: {done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


async def officer(database_url: str, name: str, roles: list[str], **options: str | None) -> str:
    return await asyncio.to_thread(add_officer, database_url, name, roles, **options)
