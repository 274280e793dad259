"""Rows about the run itself: latency of accepted requests, recovery after each fault, workers
that exited by themselves, and what the web did with bad and oversized requests."""

from __future__ import annotations

import os

from soak.faults import PROBE_SECONDS, Injector, Recovery
from soak.ledger import Ledger, percentile
from soak.report import FAIL, INFO, OK, PENDING, Row
from soak.system import System

# The web-edge checks (issues 12 and 16) refuse every bad request the soak sends: one accepted
# fails the run. "1" reports it as pending instead (for a branch without those checks).
EDGE_PENDING = os.environ.get("SOAK_EDGE_PENDING", "0") == "1"


def run_rows(ledger: Ledger, injector: Injector, system: System) -> list[Row]:
    return [
        *latency(ledger),
        *recoveries(injector),
        exits(system),
        edge(injector),
    ]


def latency(ledger: Ledger) -> list[Row]:
    rows = []
    for label, values in (
        ("latency of accepted requests", [r.seconds for r in ledger.accepted]),
        ("… during faults", ledger.during_faults()),
    ):
        p50, p99 = percentile(values, 50), percentile(values, 99)
        found = (
            "-"
            if p50 is None or p99 is None
            else f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
        )
        rows.append(Row(label, f"{len(values)} requests", found, INFO))
    return rows


def recoveries(injector: Injector) -> list[Row]:
    """One row per kind of fault (a worker kind's kills together): how long until every
    consumer group had consumed what was on the topics and a new complaint went through."""
    rows = []
    kinds: dict[str, list[Recovery]] = {}
    for recovery in injector.recoveries:
        fault = recovery.fault
        worker = fault.target.split("-")[0]  # the worker kind: "sla" of "sla-2"
        kind = f"{fault.kind} {worker}" if fault.kind in ("kill", "pause") else fault.name
        kinds.setdefault(kind, []).append(recovery)
        if recovery.error:
            error = recovery.error
            rows.append(Row(f"inject {fault.name}", "injected", error[:90], FAIL, error))
    for kind, done in kinds.items():
        seconds = [r.seconds for r in done if r.seconds is not None]
        never = [r for r in done if r.seconds is None]
        parts = [" / ".join(f"{s:.1f}" for s in seconds) + " s"] if seconds else []
        if never:
            parts.append(f"{len(never)} never within {PROBE_SECONDS} s")
        found = "; ".join(parts)
        rows.append(
            Row(
                f"recovery after {kind} (×{len(done)})",
                "every group caught up, a new complaint through all",
                found,
                FAIL if never else INFO,
                f"after {never[0].fault.name}: probe case {never[0].probe.case_id}"
                if never
                else "",
            )
        )
    if injector.skipped:
        rows.append(Row("faults left out (no time left)", "0", ", ".join(injector.skipped), INFO))
    return rows


def exits(system: System) -> Row:
    found = system.unexpected_exits
    return Row.check(
        "workers that exited by themselves",
        "0 (only the injector stops workers)",
        ", ".join(f"{e.worker} (exit {e.code})" for e in found[:4]) or "0",
        not found,
        f"{found[0].worker} exited with {found[0].code}; see its log" if found else "",
    )


def edge(injector: Injector) -> Row:
    report = injector.edge
    accepted = report.accepted
    always = [name for name, edge_check, _ in accepted if not edge_check]
    pending = [name for name, edge_check, _ in accepted if edge_check]
    failed = len(report.server_errors)
    found = f"{report.refused} refused; accepted {len(accepted)}; 5xx or no answer {failed}"
    if pending and not always:
        found += " (checks issue 16 adds at the web edge)"
    elif accepted:
        found += f" ({'; '.join(sorted(set(always)))})"
    if always or report.server_errors:
        status = FAIL
    elif pending:
        status = PENDING if EDGE_PENDING else FAIL
    else:
        status = OK
    first = (always or [n for n, _ in report.server_errors] or pending or [""])[0]
    return Row(
        "bad and oversized requests refused (4xx)",
        f"{report.sent} sent: all 4xx, nothing recorded",
        found,
        status,
        first if status == FAIL else "",
    )
