"""The guest book (buku tamu) page: `GET /buku-tamu?from=&to=&q=` (HTML, Bahasa Indonesia)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from privacy import PREFIX
from runtime.http.navigation import Navigation
from runtime.http.templates import templates_in
from services.projections.dependencies import ReadModels, Tables
from services.projections.register_filters import FilterRefused, date_range

router = APIRouter()
templates = templates_in(Path(__file__).parent / "templates")


@dataclass(frozen=True)
class GuestBookFilters:
    date_from: date | None = None
    date_to: date | None = None
    text: str | None = None
    problems: list[FilterRefused] = field(default_factory=list)

    def query(self) -> dict[str, str]:
        pairs = {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "q": self.text,
        }
        return {k: v for k, v in pairs.items() if v}


async def guest_book_filters(
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    q: str | None = Query(None, max_length=200),
) -> GuestBookFilters:
    problems: list[FilterRefused] = []
    start, end = date_range(date_from, date_to, problems)
    return GuestBookFilters(start, end, (q or "").strip() or None, problems)


def guest_query(
    tables: ReadModels, filters: GuestBookFilters, limit: int = 500
) -> tuple[str, list[Any]]:
    """The SQL of the guest book's rows (newest first) and its arguments."""
    tz = tables.time_zone
    start = datetime.combine(filters.date_from, time(), tz) if filters.date_from else None
    end = (
        datetime.combine(filters.date_to + timedelta(days=1), time(), tz)
        if filters.date_to
        else None
    )
    like = f"%{filters.text}%" if filters.text else None
    visible, more = tables.viewer.where(first_arg=5)
    sql = (
        "SELECT case_id, arrived_at, visitor_name, institution, purpose, meets, phone,"  # noqa: S608
        " left_at, closed FROM guest_book"
        " WHERE ($1::timestamptz IS NULL OR arrived_at >= $1)"
        " AND ($2::timestamptz IS NULL OR arrived_at < $2)"
        # Sealed values (privacy/) are not searched: a visitor's name, contact, purpose.
        f" AND ($3::text IS NULL OR concat_ws(' ', {_plain('visitor_name')},"
        f" {_plain('institution')}, {_plain('purpose')}, {_plain('meets')}) ILIKE $3)"
        f" AND {visible}"
        " ORDER BY arrived_at DESC LIMIT $4"
    )
    return sql, [start, end, like, limit, *more]


def _plain(column: str) -> str:
    return f"CASE WHEN {column} LIKE '{PREFIX}%' THEN NULL ELSE {column} END"


def guest_view(r: Mapping[str, Any], tz: tzinfo) -> dict[str, Any]:
    """A guest-book row, times in office time."""
    return {
        **dict(r),
        "arrived_at": r["arrived_at"].astimezone(tz),
        "left_at": r["left_at"].astimezone(tz) if r["left_at"] else None,
    }


async def guest_rows(
    tables: ReadModels, filters: GuestBookFilters, limit: int = 500
) -> list[dict[str, Any]]:
    sql, args = guest_query(tables, filters, limit)
    try:
        rows = await tables.pool.fetch(sql, *args)
    except asyncpg.UndefinedTableError:
        return []
    revealed = await tables.keys.reveal_tree([dict(r) for r in rows])
    return [guest_view(r, tables.time_zone) for r in revealed]


Guests = Annotated[GuestBookFilters, Depends(guest_book_filters)]


@router.get("/buku-tamu", response_class=HTMLResponse)
async def guest_book_page(
    request: Request, filters: Guests, tables: Tables, nav: Navigation
) -> HTMLResponse:
    usable = GuestBookFilters() if filters.problems else filters
    return templates.TemplateResponse(
        request,
        "guest_book.html",
        {
            **nav,
            "active": "buku-tamu",
            "rows": await guest_rows(tables, usable),
            "filters": filters,
        },
        status_code=422 if filters.problems else 200,
    )
