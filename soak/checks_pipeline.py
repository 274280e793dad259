"""Invariants of the pipeline: accepted requests → stored events → Kafka → every consumer, and
the dead-letter topic holding exactly the poison injected (and what accepted bad input did)."""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict

from events import Envelope
from soak.evidence import Evidence
from soak.kafka_log import Record
from soak.lag import GROUPS
from soak.ledger import Ledger
from soak.poison import Poison
from soak.probe import PROJECTION_NAMES, WORKER_CONSUMERS
from soak.report import INFO, Row
from soak.system import NAMESPACE

RELAY = f"{NAMESPACE}.relay"


def relay_pointers(evidence: Evidence) -> dict[str, str]:
    """Events the relay dead-lettered as refused by Kafka: event id → case id."""
    found = {}
    for record in evidence.dead_letters:
        if record.headers.get("x-alur-consumer") == RELAY:
            pointer = json.loads(record.value)
            found[pointer["event_id"]] = pointer["case_id"]
    return found


def carries(causation: str | None, request_id: str) -> bool:
    """Whether a stored causation id is the request's id, in the web's namespace for its caller
    (`public:…`, `officer:{id}:…`: services/intake/request_ids.py)."""
    return causation is not None and (
        causation == request_id or causation.endswith(":" + request_id)
    )


def requests_stored(ledger: Ledger, evidence: Evidence) -> list[Row]:
    by_case: dict[str, list[Envelope]] = defaultdict(list)
    for envelope in evidence.stored:
        by_case[str(envelope.case_id)].append(envelope)
    event_ids = {str(e.event_id) for e in evidence.stored}
    causations = {e.causation_id for e in evidence.stored if e.causation_id}
    lost: list[str] = []
    named = 0
    for request in ledger.accepted:
        if request.event_ids:
            named += len(request.event_ids)
            if not set(request.event_ids) <= event_ids:
                lost.append(f"{request.kind} on case {request.case_id}")
        else:
            first = by_case.get(request.case_id or "")
            opened = bool(first) and (
                request.request_id is None or carries(first[0].causation_id, request.request_id)
            )
            named += 1
            if not opened:
                lost.append(f"{request.kind} {request.case_id}")
    answered_late = sum(
        1
        for r in ledger.unanswered
        if r.request_id and any(carries(c, r.request_id) for c in causations)
    )
    return [
        Row.check(
            "requests accepted → events stored",
            f"{len(ledger.accepted)} accepted requests, {named} events: lost 0",
            f"{len(evidence.stored)} events stored; lost {len(lost)}",
            not lost,
            lost[0] if lost else "",
        ),
        Row(
            "requests without an answer",
            "counted, not accepted",
            f"{len(ledger.unanswered)} (of which {answered_late} stored anyway);"
            f" {ledger.server_errors()} answered 5xx",
            INFO,
        ),
    ]


def stored_on_kafka(evidence: Evidence, pointers: dict[str, str], tainted: set[str]) -> list[Row]:
    on_kafka: Counter[str] = Counter()
    versions: dict[str, list[int]] = defaultdict(list)
    for record in sorted(evidence.case_records, key=lambda r: (r.topic, r.partition, r.offset)):
        envelope = _envelope(record)
        if envelope is None:
            continue
        event_id = str(envelope["event_id"])
        if not on_kafka[event_id]:
            versions[str(envelope["case_id"])].append(envelope["case_version"])
        on_kafka[event_id] += 1
    missing = [
        e
        for e in evidence.stored
        if str(e.event_id) not in on_kafka and str(e.event_id) not in pointers
    ]
    disordered = [case for case, vs in versions.items() if vs != sorted(vs)]
    unexplained = sorted(set(pointers.values()) - tainted)
    return [
        Row.check(
            "events stored → on Kafka",
            f"{len(evidence.stored)} events: missing 0, each case in order",
            f"missing {len(missing)}, out of order {len(disordered)},"
            f" published again {sum(n > 1 for n in on_kafka.values())}",
            not missing and not disordered,
            f"case {missing[0].case_id} position {missing[0].position}"
            if missing
            else f"case {disordered[0]}"
            if disordered
            else "",
        ),
        Row.check(
            "events Kafka refused → pointer on the dead-letter topic",
            "only events of bad requests the web accepted",
            f"{len(pointers)} pointers; {len(unexplained)} of other cases",
            not unexplained,
            f"case {unexplained[0]}" if unexplained else "",
        ),
    ]


def consumers_caught_up(evidence: Evidence, excluded: set[str]) -> Row:
    last: dict[uuid.UUID, int] = {}
    for envelope in evidence.stored:
        last[envelope.case_id] = max(last.get(envelope.case_id, 0), envelope.case_version)
    consumers = (*WORKER_CONSUMERS, *PROJECTION_NAMES)
    behind = [
        (name, case)
        for case, version in last.items()
        if str(case) not in excluded
        for name in consumers
        if evidence.watermarks.get((name, case), 0) < version
    ]
    return Row.check(
        "every consumer applied every event",
        f"{len(consumers)} consumers × {len(last) - len(excluded & {str(c) for c in last})} cases",
        f"behind {len(behind)}",
        not behind,
        f"{behind[0][0]} on case {behind[0][1]}" if behind else "",
    )


def dead_letters(evidence: Evidence, poisons: list[Poison], tainted: set[str]) -> list[Row]:
    expected = {(group, p.source) for group in GROUPS for p in poisons}
    seen: Counter[tuple[str, str]] = Counter()
    explained: list[str] = []
    unexpected: list[str] = []
    for record in evidence.dead_letters:
        group = record.headers.get("x-alur-consumer", "")
        source = record.headers.get("x-alur-source", "")
        if group == RELAY:
            continue  # the relay's pointers: checked with the events on Kafka
        if (group, source) in expected:
            seen[(group, source)] += 1
            continue
        case = _case_of(record)
        if case in tainted:
            explained.append(case)
        else:
            reason = record.headers.get("x-alur-reason", "")[:80]
            unexpected.append(f"{group} {source} case {case}: {reason}")
    missing = sorted(expected - set(seen))
    return [
        Row.check(
            "dead letters = the poison injected",
            f"{len(poisons)} poison × {len(GROUPS)} groups = {len(expected)}",
            f"{len(seen)} (+{sum(seen.values()) - len(seen)} repeats);"
            f" missing {len(missing)}; unexpected {len(unexpected)}",
            not missing and not unexpected,
            unexpected[0]
            if unexpected
            else f"{missing[0][0]} never dead-lettered {missing[0][1]}"
            if missing
            else "",
        ),
        Row(
            "dead letters of bad requests the web accepted",
            "none once the web edge refuses them",
            f"{len(explained)} (cases {', '.join(sorted(set(explained))[:3]) or '-'})",
            INFO,
        ),
    ]


def _envelope(record: Record) -> dict | None:
    try:
        value = json.loads(record.value)
    except ValueError:
        return None
    if isinstance(value, dict) and {"event_id", "case_id", "case_version"} <= set(value):
        return value
    return None


def _case_of(record: Record) -> str:
    envelope = _envelope(record)
    if envelope is not None:
        return str(envelope["case_id"])
    return record.key.decode(errors="replace") if record.key else "?"
