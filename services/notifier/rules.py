"""Notification rules as data: which event notifies whom, through which channel, with which
template (`rules.yaml`, or the file `ALUR_NOTIFICATION_RULES` names).

The file is checked when the notifier starts: an unknown event type, audience, channel or
template stops it with a message naming the rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from events import CATALOG

Audience = Literal["reporter", "assignee", "step_officers", "superior"]
Channel = Literal["email", "webhook"]


class InvalidRules(ValueError):
    """A rules file that cannot be used; the message names the file and the rule."""


class Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    events: list[str] = Field(min_length=1)
    audience: Audience
    channels: list[Channel] = Field(min_length=1)
    template: str = Field(pattern=r"^[a-z][a-z0-9_]*$")


class RulesFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: list[Rule] = Field(min_length=1)


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]

    def matching(self, event_type: str) -> list[Rule]:
        return [rule for rule in self.rules if event_type in rule.events]


def load_rules(path: Path, templates: Iterable[str]) -> Rules:
    """Read and check a rules file against the event contract and the templates there are."""
    try:
        parsed = RulesFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise InvalidRules(f"{path}: {error}") from error
    known_templates = set(templates)
    seen: set[str] = set()
    for rule in parsed.rules:
        if rule.id in seen:
            raise InvalidRules(f"{path}: rule {rule.id!r} appears twice")
        seen.add(rule.id)
        unknown = [t for t in rule.events if not CATALOG.knows(t)]
        if unknown:
            raise InvalidRules(
                f"{path}: rule {rule.id!r} names event types that are not in the event"
                f" contract (events/): {', '.join(unknown)}"
            )
        if rule.template not in known_templates:
            raise InvalidRules(
                f"{path}: rule {rule.id!r} names template {rule.template!r}; the templates are"
                f" {', '.join(sorted(known_templates))}"
            )
    return Rules(parsed.rules)
