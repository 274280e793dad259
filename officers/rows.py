"""An `officers` row as the `Officer` the SOP engine and the services know."""

from __future__ import annotations

import asyncpg

from sop.actions import Officer


def officer_of(row: asyncpg.Record) -> Officer:
    return Officer(
        id=row["id"],
        name=row["name"],
        roles=frozenset(row["roles"]),
        unit=row["unit"],
        superior=row["superior"],
        email=row["email"],
        phone=row["phone"],
    )
