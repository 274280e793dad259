"""Filters of the complaint register, shared by its page, its JSON and its exports.

Query parameters: `from`, `to` (dates, inclusive, office time), `channel`, `status`
(`open`/`closed`), `category`, `q` (text in the tracking number, subject or reporter's name;
never matches what the register hides: a confidential subject or an anonymous name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, get_args

from fastapi import Query

from events.complaint import Channel
from runtime.http.errors import FieldRefused

STATUSES = {"open": "Dalam proses", "closed": "Selesai"}
CHANNELS = get_args(Channel)


class FilterRefused(FieldRefused):
    """A query parameter the register cannot filter by: which, and why."""


@dataclass(frozen=True)
class RegisterFilters:
    date_from: date | None = None
    date_to: date | None = None
    channel: str | None = None
    status: str | None = None
    category: str | None = None
    text: str | None = None
    problems: list[FilterRefused] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return any(
            (self.date_from, self.date_to, self.channel, self.status, self.category, self.text)
        )

    def query(self) -> dict[str, str]:
        """The filters as query parameters (for links to the exports)."""
        pairs = {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "channel": self.channel,
            "status": self.status,
            "category": self.category,
            "q": self.text,
        }
        return {k: v for k, v in pairs.items() if v}

    def where(self, tz: tzinfo, first_arg: int = 1) -> tuple[str, list[Any]]:
        """A SQL condition on complaint_register and its arguments ($first_arg, …)."""
        clauses: list[str] = []
        args: list[Any] = []

        def arg(value: Any) -> str:
            args.append(value)
            return f"${first_arg + len(args) - 1}"

        if self.date_from:
            clauses.append(f"received_at >= {arg(datetime.combine(self.date_from, time(), tz))}")
        if self.date_to:
            end = datetime.combine(self.date_to + timedelta(days=1), time(), tz)
            clauses.append(f"received_at < {arg(end)}")
        if self.channel:
            clauses.append(f"channel = {arg(self.channel)}")
        if self.status:
            clauses.append(f"closed = {arg(self.status == 'closed')}")
        if self.category:
            clauses.append(f"lower(category) = lower({arg(self.category)})")
        if self.text:
            like = arg(f"%{_escape(self.text)}%")
            # Reporters' names are sealed (privacy/): the register is not searched by them.
            clauses.append(
                f"(tracking_number ILIKE {like} OR (NOT confidential AND subject ILIKE {like}))"
            )
        return (" AND ".join(clauses) or "true"), args


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def parse_date(name: str, value: str | None, problems: list[FilterRefused]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(FilterRefused(name, "tanggal harus berformat TTTT-BB-HH"))
        return None


def date_range(
    date_from: str | None, date_to: str | None, problems: list[FilterRefused]
) -> tuple[date | None, date | None]:
    """The `from` and `to` dates (inclusive); what is wrong with them goes to `problems`."""
    start = parse_date("from", date_from, problems)
    end = parse_date("to", date_to, problems)
    if start and end and end < start:
        problems.append(FilterRefused("to", "tanggal akhir sebelum tanggal awal"))
    return start, end


async def register_filters(
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    channel: str | None = Query(None),
    status: str | None = Query(None),
    category: str | None = Query(None),
    q: str | None = Query(None, max_length=200),
) -> RegisterFilters:
    """A FastAPI dependency: the filters of a request; bad values are listed in `problems`."""
    problems: list[FilterRefused] = []
    start, end = date_range(date_from, date_to, problems)
    if channel and channel not in CHANNELS:
        problems.append(FilterRefused("channel", "saluran tidak dikenal"))
        channel = None
    if status and status not in STATUSES:
        problems.append(FilterRefused("status", "status harus open atau closed"))
        status = None
    return RegisterFilters(
        start, end, channel or None, status or None, (category or "").strip() or None,
        (q or "").strip() or None, problems,
    )  # fmt: skip
