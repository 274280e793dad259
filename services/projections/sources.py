"""What projections read besides the events: SOP versions, the office and its calendar."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from office.calendar import WorkingCalendar
from office.closures import office_calendar
from office.config import OfficeConfig
from services.projections.sops import SopBook
from sop.registry import SopRegistry


@dataclass(frozen=True)
class Sources:
    sops: SopBook
    office: OfficeConfig
    # The office calendar with the closures stored when the worker started; later closures
    # reach the projections as the SLA worker's SlaDeadlineChanged events.
    calendar: WorkingCalendar


async def load_sources(pool: asyncpg.Pool, office: OfficeConfig) -> Sources:
    registry = SopRegistry(pool)
    return Sources(SopBook(registry.version), office, await office_calendar(office, pool))
