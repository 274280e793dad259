"""Satisfaction survey responses (SKM) as a read model, and the IKM per service unit and period.

One row per case: the first `SurveySubmitted` with valid answers in its `data.skm` (the public
questionnaire, or an officer recording the visit SOP's survey step). A survey event without
valid answers is logged and left out. The service unit is resolved when the IKM is read —
`office.survey.units`, else the unit in the SOP's header — so a configuration change applies
without a replay.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any, Protocol

import asyncpg
import structlog

from events import CATALOG, Envelope
from events.steps import StepRecorded
from office.survey_rules import SurveyRules
from privacy import is_sealed
from runtime.consumer import event_ids
from services.projections.projector import SqlProjection
from skm import CODES, AnswersRefused, Index, index_of, nrr, parse_answers
from skm.period import Period
from sop.definition import SopDefinition

log = structlog.get_logger(__name__)


class SopVersions(Protocol):
    """The SOP versions of a batch (services/projections/sops.py: SopBook)."""

    async def prepare(self, envelopes: Iterable[Envelope]) -> None: ...

    def get(self, sop_id: str, version: int) -> SopDefinition | None: ...


SURVEY_EVENT = "SurveySubmitted"

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS skm_responses (
    case_id uuid PRIMARY KEY,
    case_type text NOT NULL,
    sop_id text NOT NULL,
    sop_version integer NOT NULL,
    sop_unit text,  -- the unit in the SOP version's header
    submitted_at timestamptz NOT NULL,
    respondent_role text NOT NULL,  -- the public role, or the officer's who recorded it
    {", ".join(f"{code} smallint NOT NULL CHECK ({code} BETWEEN 1 AND 4)" for code in CODES)},
    saran text,
    event_id uuid NOT NULL,
    position bigint NOT NULL
);
"""

# Column names come from the fixed element codes, never from input.
INSERT = (
    "INSERT INTO skm_responses (case_id, case_type, sop_id, sop_version, sop_unit,"  # noqa: S608
    f" submitted_at, respondent_role, {', '.join(CODES)}, saran, event_id, position)"
    f" VALUES ({', '.join(f'${i}' for i in range(1, 20))})"
    " ON CONFLICT (case_id) DO NOTHING"
)
TOTALS = (
    "SELECT sop_id, sop_unit, count(*)::int AS respondents, "  # noqa: S608
    + ", ".join(f"sum({code})::int AS {code}" for code in CODES)
    + " FROM skm_responses WHERE submitted_at >= $1 AND submitted_at < $2"
    " GROUP BY sop_id, sop_unit"
)


@dataclass(frozen=True)
class SkmProjection(SqlProjection, name="skm_responses", schema=SCHEMA):
    sops: SopVersions

    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
        surveys = [e for e in envelopes if e.type == SURVEY_EVENT and e.sop is not None]
        if surveys:
            await self.sops.prepare(surveys)
        for envelope in surveys:
            await self._survey(conn, envelope)

    async def _survey(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        assert envelope.sop is not None
        payload = CATALOG.payload(envelope)
        assert isinstance(payload, StepRecorded)
        data = dict(payload.data)
        # A sealed suggestion (privacy/) is stored as it is; only its plaintext was checked.
        sealed_saran = data.pop("saran") if is_sealed(data.get("saran")) else None
        try:
            answers = parse_answers(data)
        except AnswersRefused as refused:
            log.warning("survey_without_answers", field=refused.field, **event_ids(envelope))
            return
        await conn.execute(
            INSERT,
            envelope.case_id,
            envelope.case_type,
            envelope.sop.id,
            envelope.sop.version,
            self._unit(envelope.sop.id, envelope.sop.version),
            envelope.occurred_at,
            envelope.actor.role,
            *(answers.score(code) for code in CODES),
            sealed_saran or answers.saran,
            envelope.event_id,
            envelope.position,
        )

    def _unit(self, sop_id: str, version: int) -> str | None:
        sop = self.sops.get(sop_id, version)
        return sop.header.unit if sop else None


@dataclass(frozen=True)
class UnitIndex:
    unit: str
    index: Index

    def as_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, **self.index.as_dict()}


async def ikm_by_unit(
    pool: asyncpg.Pool, rules: SurveyRules, when: Period, tz: tzinfo
) -> list[UnitIndex]:
    """The IKM of each service unit over the period's responses, by unit name."""
    try:
        rows = await pool.fetch(
            TOTALS,
            when.start(tz),
            when.end(tz),
        )
    except asyncpg.UndefinedTableError:
        return []  # the projection has not started yet
    units: dict[str, dict[str, int]] = {}
    for row in rows:
        unit = rules.unit_of(row["sop_id"], row["sop_unit"])
        totals = units.setdefault(unit, dict.fromkeys(("respondents", *CODES), 0))
        for key in ("respondents", *CODES):
            totals[key] += row[key]
    weights = rules.element_weights()
    return [
        UnitIndex(
            unit,
            index_of(
                nrr({c: t[c] for c in CODES}, dict.fromkeys(CODES, t["respondents"])),
                t["respondents"],
                weights,
            ),
        )
        for unit, t in sorted(units.items())
    ]
