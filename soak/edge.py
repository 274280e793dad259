"""Bad and oversized requests to the web: each must be refused (4xx) and record nothing.

Some of them are refused by checks issue 16 adds at the web edge (control and NUL characters,
a JSON nesting limit, a body size limit, events larger than Kafka takes): where those are not
there yet, the web accepts them. Such a request is counted as accepted, its case is marked,
and what it does downstream (a dead letter, a read model without it) is reported as its doing.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from soak.client import Answer, Api

VALID = {
    "channel": "web",
    "reporter": {"name": "Pelapor Uji", "email": "uji@warga.soak"},
    "subject": "Pengaduan uji batas",
    "description": "Uraian pengaduan untuk menguji batas masukan.",
}
BIG = 1_200_000  # more than a Kafka record takes (1 MiB)


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"isi": "dasar"}
    for _ in range(depth):
        value = {"lapis": value}
    return value


@dataclass(frozen=True)
class Probe:
    name: str
    # True: the web-edge checks of issue 16 refuse it (may be missing on this branch);
    # False: the web has always refused it.
    edge_check: bool
    send: Callable[[Api, str], Awaitable[Answer]]  # (api, an officer's token)


def _complaint(**changes: Any) -> Callable[[Api, str], Awaitable[Answer]]:
    return lambda api, _: api.complain({**VALID, **changes})


def _raw_complaint(body: bytes) -> Callable[[Api, str], Awaitable[Answer]]:
    return lambda api, _: api.complain_raw(body)


def _case(sop: str, data: Any) -> Callable[[Api, str], Awaitable[Answer]]:
    return lambda api, token: api.open_case(token, sop, data)


def probes(visit_sop: str) -> list[Probe]:
    return [
        Probe("complaint body is not JSON", False, _raw_complaint(b'{"channel": "web",')),
        Probe("complaint with an unknown channel", False, _complaint(channel="merpati")),
        Probe("complaint without a subject", False, _complaint(subject="")),
        Probe("complaint with a NUL character", True, _complaint(description="Isi \x00 NUL.")),
        Probe(
            "complaint with control characters",
            True,
            _complaint(subject="Subjek \x07\x1b[31m", reporter={"name": "Nama\x08"}),
        ),
        Probe(
            "complaint body over the size limit",
            True,
            _raw_complaint(json.dumps({**VALID, "description": "x" * BIG}).encode()),
        ),
        Probe("case data nested 200 levels", True, _case(visit_sop, {"isian": _nested(200)})),
        Probe("case data with a NUL character", True, _case(visit_sop, {"nama": "Tamu\x00"})),
        Probe("case data larger than Kafka takes", True, _case(visit_sop, {"isi": "y" * BIG})),
    ]


@dataclass
class EdgeReport:
    sent: int = 0
    refused: int = 0
    accepted: list[tuple[str, bool, str | None]] = field(default_factory=list)  # name, edge, case
    server_errors: list[tuple[str, int]] = field(default_factory=list)  # 5xx or no answer

    def record(self, probe: Probe, answer: Answer) -> None:
        self.sent += 1
        if 400 <= answer.status < 500:
            self.refused += 1
        elif answer.accepted:
            case_id = answer.body.get("case_id") if isinstance(answer.body, dict) else None
            self.accepted.append((probe.name, probe.edge_check, case_id))
        else:
            self.server_errors.append((probe.name, answer.status))

    @property
    def tainted(self) -> set[str]:
        """Cases opened by bad requests the web accepted."""
        return {case for _, _, case in self.accepted if case}


async def send_all(api: Api, token: str, visit_sop: str, report: EdgeReport) -> None:
    for probe in probes(visit_sop):
        report.record(probe, await probe.send(api, token))
