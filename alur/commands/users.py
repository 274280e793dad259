"""`alur users add NAME --role ROLE [--unit UNIT] [--superior NAME]` (CONTRACT.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from officers import OfficerDirectory, OfficerRefused
from runtime.database import DatabaseUnreachable, connect_pool
from runtime.settings import AlurSettings
from sop.actions import Officer
from sop.registry import SopRegistry


def add_user(args: argparse.Namespace) -> int:
    roles = [r.strip() for value in args.role for r in value.split(",") if r.strip()]
    try:
        officer, token = asyncio.run(
            _add(args.name, roles, args.unit, args.superior, args.email, args.phone)
        )
    except (DatabaseUnreachable, OfficerRefused) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"officer: {officer.name} (id {officer.id})")
    print(f"roles: {', '.join(sorted(officer.roles))}")
    if officer.unit:
        print(f"unit: {officer.unit}")
    if officer.superior:
        print(f"superior: {officer.superior}")
    for label, contact in (("email", officer.email), ("phone", officer.phone)):
        if contact:
            print(f"{label}: {contact}")
    print("API token (shown once; send it as `Authorization: Bearer TOKEN`):")
    print(token)
    return 0


async def _add(
    name: str,
    roles: list[str],
    unit: str | None,
    superior: str | None,
    email: str | None,
    phone: str | None,
) -> tuple[Officer, str]:
    settings = AlurSettings()
    pool = await connect_pool(settings.database_url)
    try:
        registry = SopRegistry(pool)
        await registry.create()
        await registry.load_shipped()
        directory = OfficerDirectory(pool)
        await directory.create()
        return await directory.add(
            name,
            roles,
            known_roles=[*await registry.roles(), *settings.office().access.roles()],
            unit=unit,
            superior=superior,
            email=email,
            phone=phone,
        )
    finally:
        await pool.close()
