"""Routing rules: category to unit and assignees, disposition chains, assignment strategy.

YAML `routing:` of the office configuration:

    routing:
      strategy: round_robin            # or least_loaded: how an officer is picked inside a unit
      unit_strategies: {"Bidang P2P": least_loaded}   # a unit that picks otherwise
      categories:                      # a complaint's category -> the unit (bidang / seksi)
        imunisasi: {unit: Seksi Imunisasi, assignees: ["Siti Aminah"]}
      default: {unit: Sekretariat}     # everything else (and cases that are not complaints)
      chains:                          # sop id -> the steps that get an assignee from the rules
        pengaduan-masyarakat-dinkes-muba: [5]
        pengaduan-masyarakat-dinkes-jambi: [{step: 3, unit: Pimpinan}, 4, 5]

A chain step given as a number goes to the case's unit; `unit:` fixes the unit of that step
whatever the category (the head of office's step, say). Assignees may be named by officer name or
id. Categories match without regard to case or spacing.

Issue 4.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from officers.directory import officer_id
from sop.definition import SopDefinition

Strategy = Literal["round_robin", "least_loaded"]


def category_key(category: str) -> str:
    """How categories are compared: case and spacing do not matter."""
    return " ".join(category.casefold().split())


def unit_key(unit: str) -> str:
    """How units are compared (the office types them in the config and in `alur users add`)."""
    return " ".join(unit.casefold().split())


class UnitRule(BaseModel):
    """Where a case goes: a unit (bidang / seksi) and, optionally, its named assignees."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    unit: str
    assignees: list[str] = []  # officer ids (names are accepted and turned into ids)

    @field_validator("unit")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a unit needs a name")
        return " ".join(value.split())

    @field_validator("assignees")
    @classmethod
    def _ids(cls, value: list[str]) -> list[str]:
        ids = [officer_id(name) for name in value]
        if not all(ids):
            raise ValueError(f"assignees {value} do not all name an officer")
        return list(dict.fromkeys(ids))


class ChainStep(BaseModel):
    """A step of an SOP's disposition chain: it gets an assignee from the rules."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: int
    unit: str | None = None  # this step always goes to this unit, whatever the category

    @model_validator(mode="before")
    @classmethod
    def _number_alone(cls, value: object) -> object:
        return {"step": value} if isinstance(value, int | str) else value


class Target(BaseModel):
    """What the rules say about one waiting step: the unit, its assignees and why."""

    model_config = ConfigDict(frozen=True)

    unit: str
    assignees: list[str]
    strategy: Strategy
    rule: str  # "category:imunisasi", "default", "chain:<sop>:<step>"
    why: str  # Bahasa Indonesia


class RoutingRules(BaseModel):
    """YAML `routing:`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    strategy: Strategy = "round_robin"
    unit_strategies: dict[str, Strategy] = {}
    categories: dict[str, UnitRule] = {}
    default: UnitRule | None = None
    chains: dict[str, list[ChainStep]] = {}

    @field_validator("categories")
    @classmethod
    def _distinct_categories(cls, value: dict[str, UnitRule]) -> dict[str, UnitRule]:
        keys = [category_key(c) for c in value]
        doubled = sorted({k for k in keys if keys.count(k) > 1})
        if doubled:
            raise ValueError(f"categories given twice: {', '.join(doubled)}")
        return {category_key(c): rule for c, rule in value.items()}

    @field_validator("unit_strategies")
    @classmethod
    def _unit_keys(cls, value: dict[str, Strategy]) -> dict[str, Strategy]:
        return {unit_key(u): s for u, s in value.items()}

    @field_validator("chains")
    @classmethod
    def _distinct_steps(cls, value: dict[str, list[ChainStep]]) -> dict[str, list[ChainStep]]:
        for sop_id, chain in value.items():
            numbers = [c.step for c in chain]
            if len(set(numbers)) != len(numbers):
                raise ValueError(f"chain of {sop_id} names a step twice: {numbers}")
        return value

    def chain_step(self, sop_id: str, step: int) -> ChainStep | None:
        """The chain entry of `step`, if the office routes that step of `sop_id`."""
        return next((c for c in self.chains.get(sop_id, []) if c.step == step), None)

    def strategy_for(self, unit: str) -> Strategy:
        return self.unit_strategies.get(unit_key(unit), self.strategy)

    def target(self, sop_id: str, step: int, category: str | None) -> Target | None:
        """Where the waiting `step` goes, or None when the rules do not route it."""
        link = self.chain_step(sop_id, step)
        if link is None:
            return None
        if link.unit is not None:
            return self._to(
                link.unit,
                [],
                f"chain:{sop_id}:{step}",
                f"langkah {step} SOP ini selalu ditangani {link.unit}",
            )
        key = category_key(category) if category else None
        if key is not None and key in self.categories:
            rule = self.categories[key]
            return self._to(
                rule.unit,
                rule.assignees,
                f"category:{key}",
                f"pengaduan kategori \u201c{category}\u201d ditangani {rule.unit}",
            )
        if self.default is not None:
            about = f"kategori \u201c{category}\u201d" if category else "kasus tanpa kategori"
            return self._to(
                self.default.unit,
                self.default.assignees,
                "default",
                f"{about} tidak punya aturan sendiri, jadi ditangani {self.default.unit}"
                " (aturan bawaan)",
            )
        return None

    def _to(self, unit: str, assignees: list[str], rule: str, why: str) -> Target:
        return Target(
            unit=unit, assignees=assignees, strategy=self.strategy_for(unit), rule=rule, why=why
        )

    def problems(self, sops: Mapping[str, SopDefinition]) -> list[str]:
        """What in the chains does not fit the SOPs loaded (`sops`: id -> latest version)."""
        found = []
        for sop_id, chain in self.chains.items():
            sop = sops.get(sop_id)
            if sop is None:
                found.append(f"routing chain names SOP {sop_id!r}, which is not loaded")
                continue
            numbers = {s.number for s in sop.steps}
            for link in chain:
                if link.step not in numbers:
                    found.append(
                        f"routing chain of {sop_id} names step {link.step}; the SOP has steps"
                        f" {min(numbers)}-{max(numbers)}"
                    )
                elif link.step == 1:
                    found.append(
                        f"routing chain of {sop_id} names step 1, which opens the case:"
                        " no case waits at it"
                    )
        return found
