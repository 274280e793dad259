"""Who may read each case, as a table the lists (register, guest book, archive, exports) filter
by: the facts of officers.case_access, folded event by event.

`visible_cases` is the SQL the lists add for an officer who does not see every case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from events import Envelope
from office.routing_rules import unit_key
from officers.case_access import CaseFacts
from services.projections.projector import SqlProjection
from services.projections.rows import CaseRows, Row
from services.projections.sops import SopBook

SCHEMA = """
CREATE TABLE IF NOT EXISTS case_access (
    case_id uuid PRIMARY KEY,
    unit text,  -- compared as office/routing_rules.unit_key
    confidential boolean NOT NULL,
    anonymous boolean NOT NULL,
    handlers text[] NOT NULL,
    roles text[] NOT NULL,
    current_roles text[] NOT NULL,
    case_version integer NOT NULL
);
"""

ROWS = CaseRows(
    "case_access",
    (
        "case_id",
        "unit",
        "confidential",
        "anonymous",
        "handlers",
        "roles",
        "current_roles",
        "case_version",
    ),
)

# An officer's cases: $1 the officer, $2 the officers under them, $3 their roles, $4 their unit.
VISIBLE = """case_id IN (SELECT case_id FROM case_access WHERE {officer} = ANY(handlers)
 OR handlers && {below}::text[]
 OR ((CASE WHEN confidential THEN current_roles ELSE roles END) && {roles}::text[]
     AND ({unit}::text IS NULL OR unit IS NULL OR unit = {unit}::text)))"""


def visible_cases(first_arg: int) -> str:
    """The condition, its arguments numbered from `first_arg` (see `Viewer.arguments`)."""
    names = ("officer", "below", "roles", "unit")
    return VISIBLE.format(**{n: f"${first_arg + i}" for i, n in enumerate(names)})


@dataclass(frozen=True)
class CaseAccessProjection(SqlProjection, name="case_access", schema=SCHEMA):
    sops: SopBook

    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
        await self.sops.prepare(envelopes)
        rows = {r["case_id"]: r for r in await ROWS.load(conn, {e.case_id for e in envelopes})}
        touched = set()
        for envelope in envelopes:
            row = rows.get(envelope.case_id)
            sop = self.sops.get(envelope.sop.id, envelope.sop.version) if envelope.sop else None
            if row is None and envelope.case_version == 1:
                facts = CaseFacts.opened(envelope, sop)
            elif row is not None and row["case_version"] < envelope.case_version:
                facts = _facts(row).after(envelope, sop)
            else:
                continue
            rows[envelope.case_id] = _row(envelope, facts)
            touched.add(envelope.case_id)
        await ROWS.replace(conn, touched, (rows[c] for c in touched))


def _facts(row: Row) -> CaseFacts:
    return CaseFacts(
        unit=row["unit"],
        confidential=row["confidential"],
        anonymous=row["anonymous"],
        handlers=frozenset(row["handlers"]),
        roles=frozenset(row["roles"]),
        current_roles=frozenset(row["current_roles"]),
    )


def _row(envelope: Envelope, facts: CaseFacts) -> dict[str, Any]:
    return {
        "case_id": envelope.case_id,
        "unit": unit_key(facts.unit) if facts.unit else None,
        "confidential": facts.confidential,
        "anonymous": facts.anonymous,
        "handlers": sorted(facts.handlers),
        "roles": sorted(facts.roles),
        "current_roles": sorted(facts.current_roles),
        "case_version": envelope.case_version,
    }
