"""`GET /api/cases/{case_id}/notifications`: what the notifier planned and sent for a case,
with every attempt (officers only)."""

from __future__ import annotations

from typing import Any

import asyncpg
from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from privacy import ERASED, UNREADABLE
from runtime.http.access import OfficerOnly, Officers
from runtime.http.case_scope import Scope, in_scope
from runtime.http.dependencies import Keys, Pool
from runtime.http.errors import error_response
from runtime.http.requests import uuid_or_none
from services.notifier.notification_log import NotificationLog

# Officers only: the log names the officers notified and the reporter's (masked) address.
router = APIRouter(dependencies=[Depends(Officers())])


def _masked(address: str) -> str:
    """A reporter's address as officers see it: enough to tell two apart, not to reach them."""
    if address in (ERASED, UNREADABLE):
        return address
    name, at, domain = address.partition("@")
    if at:
        return f"{name[:1]}***@{domain}"
    return f"***{address[-3:]}"


def _view(row: dict[str, Any]) -> dict[str, Any]:
    reporter = row["audience"] == "reporter"
    return {
        "notification_id": str(row["notification_id"]),
        "event_id": str(row["event_id"]),
        "event_type": row["event_type"],
        "rule": row["rule"],
        "channel": row["channel"],
        "audience": row["audience"],
        "recipient": _masked(row["recipient"]) if reporter else row["recipient"],
        "recipient_name": None if reporter else row["recipient_name"],
        "subject": row["subject"],
        "status": row["status"],
        "attempts": row["attempts"],
        "last_error": row["last_error"],
        "created_at": row["created_at"].isoformat(),
        "sent_at": row["sent_at"].isoformat() if row["sent_at"] else None,
        "attempt_log": [
            {
                "attempt": a["attempt"],
                "started_at": a["started_at"].isoformat(),
                "finished_at": a["finished_at"].isoformat() if a["finished_at"] else None,
                "outcome": a["outcome"],
                "error": a["error"],
            }
            for a in row["attempt_log"]
        ],
    }


@router.get("/api/cases/{case_id}/notifications")
async def case_notifications(
    case_id: str, pool: Pool, officer: OfficerOnly, scope: Scope, keys: Keys
) -> JSONResponse:
    case = uuid_or_none(case_id)
    if case is None or not await in_scope(scope, officer, case):
        return error_response(404, "not_found", "kasus tidak ditemukan")
    try:
        rows = await NotificationLog(pool).for_case(case)
    except asyncpg.UndefinedTableError:
        rows = []  # the notifier has not started yet
    # The reporter's address is revealed only to be masked (privacy/).
    rows = await keys.reveal_tree([{**r, "body_text": None, "body_html": None} for r in rows])
    return JSONResponse([_view(r) for r in rows])
