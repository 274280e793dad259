"""What the soak asked of Alur and what it answered: every write request with its outcome, the
case and events it names, and its latency; the windows in which a fault was active."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from soak.client import Answer


@dataclass(frozen=True)
class Request:
    kind: str  # complaint, case, action, survey, reply, probe
    case_id: str | None
    request_id: str | None  # the causation id the request carried (X-Request-Id, Idempotency-Key)
    event_ids: tuple[str, ...]  # what the answer says was recorded
    status: int
    started: float  # time.monotonic()
    seconds: float


@dataclass
class Window:
    fault: str
    started: float
    healed: float | None = None  # the fault was undone (process restarted, server back)
    recovered: float | None = None  # a probe went through every consumer again

    def covers(self, moment: float) -> bool:
        end = self.recovered or self.healed or time.monotonic()
        return self.started <= moment <= end


@dataclass
class Ledger:
    accepted: list[Request] = field(default_factory=list)
    unanswered: list[Request] = field(default_factory=list)  # no answer, even after retries
    refused: Counter[tuple[str, int]] = field(default_factory=Counter)  # (kind, status)
    windows: list[Window] = field(default_factory=list)

    def record(
        self,
        kind: str,
        answer: Answer,
        *,
        case_id: str | None = None,
        request_id: str | None = None,
        event_ids: tuple[str, ...] = (),
    ) -> Request:
        request = Request(
            kind, case_id, request_id, event_ids, answer.status, answer.started, answer.seconds
        )
        if answer.accepted:
            self.accepted.append(request)
        elif answer.status == 0:
            self.unanswered.append(request)
        else:
            self.refused[(kind, answer.status)] += 1
        return request

    def during_faults(self) -> list[float]:
        return [r.seconds for r in self.accepted if any(w.covers(r.started) for w in self.windows)]

    def server_errors(self) -> int:
        return sum(n for (_, status), n in self.refused.items() if status >= 500)


def percentile(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]
