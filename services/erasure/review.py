"""What `alur archive due` lists: closed cases whose retention ended in *nilai kembali*, waiting
for the archivist's review."""

from __future__ import annotations

from typing import Any

import asyncpg


async def listed_for_review(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    """Every case the retention job listed for review (`CaseReviewDue`), oldest first."""
    rows = await conn.fetch(
        "SELECT case_id, case_type, reference, sop_id, record_type, closed_on, inactive_until,"
        " final_disposition, decided_at FROM retention_schedule"
        " WHERE final_disposition = 'nilai kembali' AND decided_at IS NOT NULL"
        " ORDER BY inactive_until, case_id"
    )
    return [dict(r) for r in rows]
