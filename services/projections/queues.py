"""The queues of Tugas Saya, read from the `work_queue` table (services/projections/work_queue.py).

- `perlu`: cases waiting at a step one of my roles may do, in my unit, not given to another;
- `ditugaskan`: cases whose waiting step was given to me;
- `mendekati`: a running clock past its warning time, deadline not yet passed;
- `terlambat`: a running clock past its deadline;
- `dihentikan`: a suspended clock.

Every queue holds only the cases the officer may read (`visible_cases`, as the registers).
`QueueCounts` gives the navigation its count (`tugas`: what waits for me, `perlu` ∪
`ditugaskan`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from office import OfficeConfig
from office.routing_rules import unit_key
from officers.case_access import CaseAccess
from officers.management_line import line_below
from services.projections.dependencies import Viewer
from sop.actions import Officer

# Placeholders: {officer} the officer's id, {roles} their roles, {unit} their unit key (NULL:
# the whole office), {now} the office clock's time.
MINE = (
    "(current_roles && {roles}::text[] AND (assignee IS NULL OR assignee = {officer})"
    " AND ({unit}::text IS NULL OR unit IS NULL OR unit = {unit}::text))"
)
ASSIGNED = "assignee = {officer}"
QUEUES: dict[str, tuple[str, str]] = {
    "perlu": ("Perlu tindakan saya", MINE),
    "ditugaskan": ("Ditugaskan kepada saya", ASSIGNED),
    "mendekati": (
        "Mendekati tenggat",
        "(NOT suspended AND due_at >= {now} AND (warned OR warn_at <= {now}))",
    ),
    "terlambat": ("Terlambat", "(NOT suspended AND due_at < {now})"),
    "dihentikan": ("Waktu dihentikan", "suspended"),
}
SORTS: dict[str, tuple[str, str]] = {
    "tenggat": ("Tenggat terdekat", "due_at ASC NULLS LAST, opened_at ASC"),
    "terbaru": ("Terbaru masuk", "opened_at DESC"),
    "terlama": ("Terlama masuk", "opened_at ASC"),
    "nomor": ("Nomor", "tracking_number ASC NULLS LAST, opened_at ASC"),
}
COLUMNS = (
    "case_id, case_type, tracking_number, subject, confidential, sop_id, sop_version,"
    " sop_name, step, activity, assignee, unit, opened_at, due_at, warn_at, warned, breached,"
    " suspended"
)


@dataclass(frozen=True)
class QueueQuery:
    queue: str = "perlu"
    sop: str | None = None
    text: str | None = None
    sort: str = "tenggat"
    limit: int = 25
    offset: int = 0


class _Arguments:
    """Numbered SQL arguments, each added once when a clause first names it."""

    def __init__(self, viewer: Viewer, now: datetime) -> None:
        officer = viewer.officer
        self.known = {
            "officer": officer.id,
            "roles": sorted(officer.roles),
            "unit": unit_key(officer.unit) if officer.unit else None,
            "now": now,
        }
        self.values: list[Any] = []
        self._numbers: dict[str, str] = {}

    def clause(self, template: str) -> str:
        names = {n for n in self.known if "{" + n + "}" in template}
        for name in sorted(names):
            if name not in self._numbers:
                self.values.append(self.known[name])
                self._numbers[name] = f"${len(self.values)}"
        return template.format(**{n: self._numbers[n] for n in names})

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def queue_sql(viewer: Viewer, query: QueueQuery, now: datetime) -> tuple[str, str, list[Any]]:
    """The SQL of a queue's page, of its count, and their arguments."""
    args = _Arguments(viewer, now)
    clauses = [args.clause(QUEUES[query.queue][1])]
    if query.sop:
        clauses.append(f"sop_id = {args.add(query.sop)}")
    if query.text:
        text = args.add(f"%{query.text}%")
        clauses.append(f"(tracking_number ILIKE {text} OR sop_name ILIKE {text})")
    visible, more = viewer.where(first_arg=len(args.values) + 1)
    args.values += more
    where = " AND ".join([*clauses, visible])
    order = SORTS[query.sort][1]
    page = (
        f"SELECT {COLUMNS} FROM work_queue WHERE {where}"  # noqa: S608 - our own clauses
        f" ORDER BY {order} LIMIT {int(query.limit)} OFFSET {int(query.offset)}"
    )
    count = f"SELECT count(*) FROM work_queue WHERE {where}"  # noqa: S608
    return page, count, args.values


async def queue_counts(pool: asyncpg.Pool, viewer: Viewer, now: datetime) -> dict[str, int]:
    """How many cases each queue holds for the viewer, and `tugas` (perlu ∪ ditugaskan)."""
    args = _Arguments(viewer, now)
    counted = [
        f"count(*) FILTER (WHERE {args.clause(clause)}) AS {key}"
        for key, (_, clause) in QUEUES.items()
    ]
    counted.append(f"count(*) FILTER (WHERE {args.clause(MINE + ' OR ' + ASSIGNED)}) AS tugas")
    visible, more = viewer.where(first_arg=len(args.values) + 1)
    sql = f"SELECT {', '.join(counted)} FROM work_queue WHERE {visible}"  # noqa: S608
    row = await pool.fetchrow(sql, *args.values, *more)
    return {key: int(row[key]) for key in (*QUEUES, "tugas")} if row else {}


async def viewer_of(pool: asyncpg.Pool, office: OfficeConfig, officer: Officer) -> Viewer:
    access = CaseAccess(office.access, office.org_chart.head_of_office)
    if access.sees_all(officer):
        return Viewer(officer, sees_all=True)
    return Viewer(officer, sees_all=False, below=await line_below(pool, officer.id))


@dataclass(frozen=True)
class QueueCounts:
    """The navigation's counts (runtime/http/navigation.WorkCounts)."""

    pool: asyncpg.Pool
    office: OfficeConfig
    now: Any  # () -> aware datetime: the office clock

    async def counts(self, officer: Officer) -> dict[str, int]:
        viewer = await viewer_of(self.pool, self.office, officer)
        found = await queue_counts(self.pool, viewer, self.now())
        return {"tugas": found["tugas"]} if found else {}
