"""Officers and their actions, through Alur's public surface: the `alur` CLI and HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer

from events import Topics
from runtime.settings import REPO_ROOT
from tests.support.prestarted import PRESTARTED
from tests.support.sandbox import Alur
from tests.support.waiting import eventually

ALUR = str(REPO_ROOT / ".venv" / "bin" / "alur")


def alur_cli(
    alur: Alur, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the `alur` command against the sandbox's database (and its attachments), with
    `env` added to its environment."""
    files = {k: v for k, v in alur.env.items() if k == "ALUR_ATTACHMENT_DIR"}
    return PRESTARTED.run(
        args, {**os.environ, "DATABASE_URL": alur.database_url, **files, **(env or {})}
    )


def unique_name(role: str) -> str:
    """An officer's name no other test uses, e.g. "Petugas Pengaduan 3f9a1c"."""
    return f"{role.replace('_', ' ').title()} {uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class Officer:
    name: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def add_officer(
    alur: Alur,
    name: str,
    *roles: str,
    superior: str | None = None,
    unit: str | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> Officer:
    args = ["users", "add", name]
    for role in roles:
        args += ["--role", role]
    for option, value in (
        ("--superior", superior),
        ("--unit", unit),
        ("--email", email),
        ("--phone", phone),
    ):
        if value:
            args += [option, value]
    done = await asyncio.to_thread(alur_cli, alur, *args)
    assert done.returncode == 0, done.stderr
    return Officer(name, done.stdout.strip().splitlines()[-1])


async def new_officers(alur: Alur, *roles: str) -> tuple[Officer, ...]:
    """One new officer (a name no other test uses) in each of `roles`, added side by side."""
    return tuple(
        await asyncio.gather(*(add_officer(alur, unique_name(role), role) for role in roles))
    )


async def sop_id(client: httpx.AsyncClient, name: str, unit_word: str) -> str:
    sops = (await client.get("/api/sops")).json()
    (found,) = [
        s for s in sops if s["name"].lower() == name.lower() and unit_word in (s["unit"] or "")
    ]
    return found["id"]


async def case(client: httpx.AsyncClient, case_id: str, officer: Officer) -> dict[str, Any]:
    response = await client.get(f"/api/cases/{case_id}", headers=officer.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def do(
    client: httpx.AsyncClient,
    case_id: str,
    officer: Officer,
    action: str,
    **fields: Any,
) -> dict[str, Any]:
    """Do `action` with the documents the case says it requires; fail loudly if refused."""
    view = await case(client, case_id, officer)
    allowed = [a for a in view["allowed_actions"] if a["action"] == action]
    assert allowed, f"{action} not allowed now; allowed: {view['allowed_actions']}"
    body = {"action": action, "documents": allowed[0]["documents_required"], **fields}
    response = await client.post(
        f"/api/cases/{case_id}/actions", json=body, headers=officer.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def act(
    alur: Alur, case_id: str, officer: Officer, action: str, **fields: Any
) -> tuple[int, dict[str, Any]]:
    """Ask for `action` with exactly these fields (documents too): the status and the answer."""
    async with alur.http() as client:
        response = await client.post(
            f"/api/cases/{case_id}/actions",
            json={"action": action, **fields},
            headers=officer.headers,
        )
    return response.status_code, response.json()


# A step of a script: who does which action, and with which fields (decision, note, data …).
Step = tuple[Officer, str] | tuple[Officer, str, dict[str, Any]]


async def work(client: httpx.AsyncClient, case_id: str, steps: Iterable[Step]) -> dict[str, Any]:
    """`do` each step in turn; returns the answer to the last one."""
    done: dict[str, Any] = {}
    for officer, action, *fields in steps:
        done = await do(client, case_id, officer, action, **(fields[0] if fields else {}))
    return done


async def open_case(
    client: httpx.AsyncClient, officer: Officer, sop: str, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Open a case of `sop` as `officer` (POST /api/cases); returns the answer."""
    response = await client.post(
        "/api/cases", json={"sop": sop, "data": data or {}}, headers=officer.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def history(alur: Alur, case_id: str, officer: Officer) -> list[dict[str, Any]]:
    async with alur.http() as client:
        return (await case(client, case_id, officer))["history"]


async def events_of(
    alur: Alur, case_id: str, officer: Officer, event_type: str, count: int = 1
) -> list[dict[str, Any]]:
    """The case's events of `event_type`, once there are `count` of them."""

    async def recorded() -> list[dict[str, Any]] | None:
        found = [e for e in await history(alur, case_id, officer) if e["type"] == event_type]
        return found if len(found) >= count else None

    return await eventually(recorded)


async def published_types(alur: Alur, case_type: str, case_id: str, count: int) -> list[str]:
    """The types of the case's events on its Kafka topic, once `count` of them are there."""
    consumer = AIOKafkaConsumer(
        Topics(alur.namespace).cases(case_type),
        bootstrap_servers=alur.kafka,
        group_id=f"{alur.namespace}.test-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(60):
            while len(found) < count:
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    for record in records:
                        if record.key == case_id.encode():
                            found.append(json.loads(record.value))
    finally:
        await consumer.stop()
    return [e["type"] for e in sorted(found, key=lambda e: e["case_version"])]
