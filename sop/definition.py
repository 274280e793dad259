"""The definition format of an SOP: one YAML file per SOP version (see sop/definitions/).

A definition holds the document's header (DOMAIN.md §1), its actor roles and its steps. What
the document leaves implicit and a person decided while reviewing it (which role really acts
when the actor column is wrong, what a decision's answers lead to, the event each step records)
is written into the definition, never into the importer.
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sop.duration import Duration

StepKind = Literal["terminator", "process", "decision"]
CaseType = Literal["complaint", "visit", "service"]
END = "end"


class Approval(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    position: str | None = None
    name: str | None = None
    nip: str | None = None


class Header(BaseModel):
    """The identity block of an SOP document (PermenPANRB 35/2012)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    unit: str | None = None
    number: str | None = None
    name: str
    created: str | None = None  # dates as the document writes them ("13 Maret 2022")
    revised: str | None = None
    effective: str | None = None
    approved_by: Approval | None = None
    legal_basis: list[str] = []
    qualifications: list[str] = []
    related_sops: list[str] = []
    equipment: list[str] = []
    warnings: list[str] = []
    records: list[str] = []


class Role(BaseModel):
    """An actor column of the SOP, as a role officers can hold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str  # as the document names it
    # A member of the public (pelapor, pengguna layanan): never an officer. Their steps are
    # recorded by an officer holding one of `recorded_by`.
    public: bool = False
    recorded_by: list[str] = []


class Branch(BaseModel):
    """One answer of a decision step and where it leads."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    answer: str  # what the officer answers: "setuju", "tidak", "lengkap", …
    goto: int | Literal["end"] | None = None  # None: the next step
    event: str  # the event recorded for this answer
    # How often this answer may send the case back before the case must go forward.
    max_loops: int | None = None


class Step(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int = Field(ge=1)
    activity: str
    roles: list[str] = Field(min_length=1)
    kind: StepKind = "process"
    documents: list[str] = []  # kelengkapan an officer must confirm to do the step
    equipment: list[str] = []  # kelengkapan that are tools, not documents: listed, not required
    duration: Duration | None = None
    output: str | None = None
    remarks: str | None = None
    action: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    event: str | None = None  # the event of a process or terminator step
    branches: list[Branch] = []
    # Only the direct superior of the officer who did that step may do this one.
    superior_of_step: int | None = None

    @model_validator(mode="after")
    def _kind_fits(self) -> Step:
        if self.kind == "decision":
            if len(self.branches) < 2:
                raise ValueError(f"step {self.number}: a decision needs at least two branches")
        elif self.event is None:
            raise ValueError(f"step {self.number}: a {self.kind} step names its event")
        elif self.branches:
            raise ValueError(f"step {self.number}: only a decision step has branches")
        return self


class Closing(BaseModel):
    """An action after the last step that closes the case (e.g. archiving the file)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    activity: str
    roles: list[str] = Field(min_length=1)
    event: str


class SourceDocument(BaseModel):
    """The SOP document a definition was read from, so re-importing it is recognised."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class SopDefinition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: int = Field(1, ge=1)
    case_type: CaseType
    source: SourceDocument | None = None
    header: Header
    roles: list[Role]
    steps: list[Step] = Field(min_length=1)
    closing: Closing | None = None

    @model_validator(mode="after")
    def _consistent(self) -> SopDefinition:
        role_ids = {r.id for r in self.roles}
        numbers = [s.number for s in self.steps]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"steps must be numbered 1..{len(numbers)}, found {numbers}")
        if self.steps[0].kind == "decision":
            raise ValueError("step 1 opens the case: it cannot be a decision")
        for role in self.roles:
            unknown = set(role.recorded_by) - role_ids
            if unknown:
                raise ValueError(f"role {role.id}: recorded_by names unknown roles {unknown}")
            if role.public and not role.recorded_by:
                raise ValueError(f"role {role.id}: a public role needs recorded_by")
        for step in self.steps:
            unknown = set(step.roles) - role_ids
            if unknown:
                raise ValueError(f"step {step.number}: unknown roles {sorted(unknown)}")
            for branch in step.branches:
                if isinstance(branch.goto, int) and branch.goto not in numbers:
                    raise ValueError(
                        f"step {step.number}: branch goes to missing step {branch.goto}"
                    )
            if step.superior_of_step is not None and step.superior_of_step not in numbers:
                raise ValueError(f"step {step.number}: superior_of_step names a missing step")
        actions = [s.action for s in self.steps] + ([self.closing.action] if self.closing else [])
        if len(set(actions)) != len(actions):
            raise ValueError("every step needs its own action name")
        if self.closing and set(self.closing.roles) - role_ids:
            raise ValueError("closing names unknown roles")
        return self

    def step(self, number: int) -> Step:
        return self.steps[number - 1]

    def role(self, role_id: str) -> Role | None:
        return next((r for r in self.roles if r.id == role_id), None)

    def event_types(self) -> set[str]:
        types = {s.event for s in self.steps if s.event}
        types |= {b.event for s in self.steps for b in s.branches}
        if self.closing:
            types.add(self.closing.event)
        return types

    def digest(self) -> str:
        """A hash of the content without the version: one document imported twice is one version."""
        content = self.model_dump(mode="json", exclude={"version", "source"})
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
