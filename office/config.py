"""Office configuration: a YAML file named by `ALUR_OFFICE` (default: office/dinkes-muba.yaml).

It holds what the SOPs leave to the office: which SOP complaints from the public open under,
and the published service standard (*standar pelayanan yang dimaklumkan*) of steps whose time
standard refers to it.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, field_validator

from office.access_rules import AccessRules
from office.calendar_rules import CalendarRules, office_time_zone
from office.letterhead import Letterhead
from office.org_chart import OrgChart
from office.retention import RetentionSchedule
from office.routing_rules import RoutingRules
from office.sla_rules import SlaRules
from office.survey_rules import SurveyRules
from sop.duration import Duration, parse_duration

DEFAULT_OFFICE = Path(__file__).resolve().parent / "dinkes-muba.yaml"


class OfficeConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    time_zone: str = "Asia/Jakarta"
    # The SOP that `POST /api/complaints` opens cases under.
    complaint_sop: str
    # sop id -> step number -> *waktu* text, for steps timed "sesuai standar pelayanan".
    service_standards: dict[str, dict[int, str]] = {}
    # Each section has its own module (one concept, one place).
    calendar: CalendarRules = CalendarRules()
    sla: SlaRules = SlaRules()
    org_chart: OrgChart = OrgChart()
    routing: RoutingRules = RoutingRules()
    retention: RetentionSchedule = RetentionSchedule()
    survey: SurveyRules = SurveyRules()
    access: AccessRules = AccessRules()
    letterhead: Letterhead = Letterhead()

    @field_validator("time_zone")
    @classmethod
    def _indonesian_zone(cls, value: str) -> str:
        office_time_zone(value)  # WIB, WITA or WIT; names the choices otherwise
        return value

    @field_validator("service_standards")
    @classmethod
    def _readable(cls, value: dict[str, dict[int, str]]) -> dict[str, dict[int, str]]:
        for sop_id, steps in value.items():
            for number, text in steps.items():
                duration = parse_duration(text)
                if duration is None or duration.unit == "service_standard":
                    raise ValueError(f"{sop_id} step {number}: {text!r} is not a time standard")
        return value

    def administers(self, roles: frozenset[str] | set[str]) -> bool:
        """Whether an officer with `roles` administers the office: an administrator role, or
        the head of office's (the administration pages, the navigation's item)."""
        allowed = set(self.access.administrator_roles)
        if self.org_chart.head_of_office:
            allowed.add(self.org_chart.head_of_office)
        return bool(roles & allowed)

    def service_standard(self, sop_id: str, step: int) -> Duration | None:
        text = self.service_standards.get(sop_id, {}).get(step)
        return parse_duration(text) if text else None


class OfficeConfigError(ValueError):
    pass


def load_office(path: str | Path | None = None) -> OfficeConfig:
    path = Path(path) if path else DEFAULT_OFFICE
    try:
        return OfficeConfig.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError) as error:
        raise OfficeConfigError(f"office configuration {path}: {error}") from error
