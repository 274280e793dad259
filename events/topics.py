"""Kafka topic names: one topic per case type, one dead-letter topic."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topics:
    namespace: str = "alur"

    def cases(self, case_type: str) -> str:
        return f"{self.namespace}.cases.{case_type}"

    @property
    def dead_letter(self) -> str:
        return f"{self.namespace}.deadletter"


# The case types whose topics exist from the start; one topic per case type.
CASE_TYPES: tuple[str, ...] = ("complaint", "visit", "service")
