"""The office org chart: superiors, head of office, escalations, acting officials (Plt).

Officers name their own direct superior (`alur users add --superior`); the org chart adds what
an office decides on top of that: which role stands above a role when an officer names nobody,
which role an SOP step's escalation goes to, and who acts (*Plt*, *pelaksana tugas*) for an
absent official on which days. Officers may be named by name or by id; both are kept as officer ids.

Issue 4.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from officers.directory import officer_id


def _as_officer_id(value: str) -> str:
    identifier = officer_id(value)
    if not identifier:
        raise ValueError(f"{value!r} does not name an officer")
    return identifier


class ActingOfficial(BaseModel):
    """A Plt: `acting` stands in for `official` from `first_day` to `last_day` (both included)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    official: str
    acting: str
    first_day: date
    last_day: date
    reason: str = ""

    @field_validator("official", "acting")
    @classmethod
    def _officer(cls, value: str) -> str:
        return _as_officer_id(value)

    @model_validator(mode="after")
    def _sensible(self) -> ActingOfficial:
        if self.last_day < self.first_day:
            raise ValueError(
                f"acting official {self.acting} for {self.official}: last_day {self.last_day}"
                f" is before first_day {self.first_day}"
            )
        if self.acting == self.official:
            raise ValueError(f"{self.official} cannot act for themself")
        return self

    def covers(self, officer: str, day: date) -> bool:
        return self.official == officer and self.first_day <= day <= self.last_day


class OrgChart(BaseModel):
    """YAML `org_chart:`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The role of the head of office (e.g. kepala_dinas).
    head_of_office: str | None = None
    # role -> its superior role, used when an officer names no superior.
    superiors: dict[str, str] = {}
    # sop id -> step number (as text) -> the role an escalation of that step goes to.
    escalations: dict[str, dict[str, str]] = {}
    acting: list[ActingOfficial] = []

    @field_validator("escalations", mode="before")
    @classmethod
    def _step_keys_as_text(cls, value: object) -> object:
        if isinstance(value, dict):
            return {
                sop: {str(step): role for step, role in (steps or {}).items()}
                if isinstance(steps, dict)
                else steps
                for sop, steps in value.items()
            }
        return value

    @model_validator(mode="after")
    def _consistent(self) -> OrgChart:
        for i, one in enumerate(self.acting):
            for other in self.acting[i + 1 :]:
                if (
                    one.official == other.official
                    and one.first_day <= other.last_day
                    and other.first_day <= one.last_day
                ):
                    raise ValueError(
                        f"two acting officials for {one.official} on overlapping days"
                        f" ({one.acting} and {other.acting})"
                    )
        for start in self.superiors:
            chain, role = [start], self.superiors.get(start)
            while role is not None:
                if role in chain:
                    raise ValueError(f"superiors form a loop: {' -> '.join([*chain, role])}")
                chain.append(role)
                role = self.superiors.get(role)
        return self

    def stand_in(self, officer_id: str, day: date) -> tuple[str, str | None]:
        """(who acts for `officer_id` that day, the absent official replaced or None).

        A Plt who is absent too is replaced in turn (the chain ends at someone present).
        """
        current, replaced = officer_id, None
        visited = {officer_id}
        while True:
            acting = self.acting_for(current, day)
            if acting is None or acting.acting in visited:
                return current, replaced
            replaced = replaced or officer_id
            current = acting.acting
            visited.add(current)

    def acting_for(self, official: str, day: date) -> ActingOfficial | None:
        """The acting-official appointment covering `official` on `day`, if there is one."""
        return next((a for a in self.acting if a.covers(official, day)), None)

    def escalation_role(self, sop_id: str, step: str) -> str | None:
        """The role an escalation of `sop_id` step `step` goes to, if the office configured one."""
        return self.escalations.get(sop_id, {}).get(str(step))

    def superior_role(self, role: str) -> str | None:
        """The role above `role` when an officer names no superior (None at the top)."""
        return self.superiors.get(role)
