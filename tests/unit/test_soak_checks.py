"""The soak's invariants fail when their guarantee is broken, naming the offending case: checked
here on hand-made evidence (a lost event, one missing on Kafka, an email sent twice, a timer
that never fired or fired twice, a dead letter nobody injected)."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from events import Envelope
from soak import checks_effects, checks_pipeline
from soak.client import Answer
from soak.evidence import Evidence
from soak.kafka_log import Record
from soak.lag import GROUPS
from soak.ledger import Ledger
from soak.poison import Poison
from soak.report import FAIL, OK
from soak.system import NAMESPACE
from tests.support.factories import posted_complaint, stored

NOW = datetime(2026, 12, 24, 9, tzinfo=UTC)
TOPIC = f"{NAMESPACE}.cases.complaint"
DEAD = f"{NAMESPACE}.deadletter"


def _events(count: int) -> list[Envelope]:
    return [
        stored(posted_complaint(f"ADU-2026-{n:06d}"), n).model_copy(
            update={"causation_id": f"soak:{n}"}
        )
        for n in range(1, count + 1)
    ]


def _on_kafka(events: list[Envelope]) -> list[Record]:
    return [
        Record(TOPIC, 0, i, e.key, e.model_dump_json().encode(), {}) for i, e in enumerate(events)
    ]


def _evidence(events: list[Envelope], **changes: Any) -> Evidence:
    fields: dict[str, Any] = {
        "stored": events,
        "topics": {TOPIC: _on_kafka(events), DEAD: []},
        "watermarks": {},
        "timers": [],
        "notifications": [],
        "emails": Counter(),
        "webhooks": Counter(),
        "unmatched_emails": 0,
        "sla_cutoff": NOW,
    }
    return Evidence(**{**fields, **changes})


def _accepted(ledger: Ledger, envelope: Envelope) -> None:
    answer = Answer(201, {}, 0.0, 0.01)
    ledger.record(
        "complaint", answer, case_id=str(envelope.case_id), request_id=envelope.causation_id
    )


def test_an_accepted_request_whose_event_is_not_stored_fails_naming_its_case() -> None:
    events = _events(3)
    ledger = Ledger()
    for envelope in events:
        _accepted(ledger, envelope)
    assert checks_pipeline.requests_stored(ledger, _evidence(events))[0].status == OK

    lost = checks_pipeline.requests_stored(ledger, _evidence(events[:2]))[0]
    assert lost.status == FAIL
    assert str(events[2].case_id) in lost.first


def test_a_stored_event_missing_on_kafka_fails_unless_the_relay_left_a_pointer() -> None:
    events = _events(3)
    evidence = _evidence(events, topics={TOPIC: _on_kafka(events[:2]), DEAD: []})
    (row, _) = checks_pipeline.stored_on_kafka(evidence, {}, set())
    assert row.status == FAIL and str(events[2].case_id) in row.first

    pointers = {str(events[2].event_id): str(events[2].case_id)}
    rows = checks_pipeline.stored_on_kafka(evidence, pointers, {str(events[2].case_id)})
    assert [r.status for r in rows] == [OK, OK]


def test_a_consumer_behind_on_a_case_fails() -> None:
    events = _events(1)
    marks = {(name, events[0].case_id): 1 for name in checks_pipeline.WORKER_CONSUMERS}
    row = checks_pipeline.consumers_caught_up(_evidence(events, watermarks=marks), set())
    assert row.status == FAIL and str(events[0].case_id) in row.first


def test_dead_letters_must_be_exactly_the_poison_injected() -> None:
    events = _events(1)
    poison = Poison("not an envelope", TOPIC, 1, 7)
    letters = [
        Record(DEAD, 0, i, None, b"x", {"x-alur-consumer": g, "x-alur-source": poison.source})
        for i, g in enumerate(GROUPS)
    ]
    evidence = _evidence(events, topics={TOPIC: [], DEAD: letters})
    assert checks_pipeline.dead_letters(evidence, [poison], set())[0].status == OK

    stranger = Record(
        DEAD, 0, 99, None, events[0].model_dump_json().encode(),
        {"x-alur-consumer": GROUPS[0], "x-alur-source": f"{TOPIC}:0:0", "x-alur-reason": "boom"},
    )  # fmt: skip
    evidence = _evidence(events, topics={TOPIC: [], DEAD: [*letters, stranger]})
    row = checks_pipeline.dead_letters(evidence, [poison], set())[0]
    assert row.status == FAIL and str(events[0].case_id) in row.first

    evidence = _evidence(events, topics={TOPIC: [], DEAD: letters[1:]})
    assert checks_pipeline.dead_letters(evidence, [poison], set())[0].status == FAIL


def _notification(channel: str, status: str = "sent") -> dict[str, Any]:
    return {
        "notification_id": uuid.uuid4(),
        "case_id": uuid.uuid4(),
        "channel": channel,
        "status": status,
        "last_error": None,
    }


def test_an_email_received_twice_or_never_fails() -> None:
    sent = [_notification("email"), _notification("email")]
    once = Counter({str(n["notification_id"]): 1 for n in sent})
    rows = checks_effects.notifications(_evidence([], notifications=sent, emails=once))
    assert rows[0].status == OK

    twice = once + Counter({str(sent[0]["notification_id"]): 1})
    rows = checks_effects.notifications(_evidence([], notifications=sent, emails=twice))
    assert rows[0].status == FAIL

    never = Counter({str(sent[0]["notification_id"]): 1})
    rows = checks_effects.notifications(_evidence([], notifications=sent, emails=never))
    assert rows[0].status == FAIL and str(sent[1]["case_id"]) in rows[0].first


def _timer(stage: str, status: str, next_fire_at: datetime | None) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "case_id": uuid.uuid4(),
        "kind": "step",
        "stage": stage,
        "status": status,
        "next_fire_at": next_fire_at,
    }


def _raised(timer: dict[str, Any], what: str, position: int) -> Envelope:
    (event,) = _events(1)
    return event.model_copy(
        update={"causation_id": f"sla:{timer['id']}:{what}", "position": position}
    )


def test_a_timer_due_but_not_fired_or_fired_twice_fails() -> None:
    breached = _timer("escalated", "fired", None)
    raised = [_raised(breached, "breach", 1), _raised(breached, "escalation", 2)]
    assert checks_effects.timers(_evidence(raised, timers=[breached]))[0].status == OK

    late = _timer("pending", "open", NOW - timedelta(hours=1))
    row = checks_effects.timers(_evidence(raised, timers=[breached, late]))[0]
    assert row.status == FAIL and str(late["case_id"]) in row.first

    twice = [*raised, _raised(breached, "breach", 3)]
    assert checks_effects.timers(_evidence(twice, timers=[breached]))[0].status == FAIL


def test_the_relay_pointers_are_read_from_the_dead_letter_topic() -> None:
    (event,) = _events(1)
    pointer = {"case_id": str(event.case_id), "event_id": str(event.event_id)}
    letter = Record(DEAD, 0, 0, None, json.dumps(pointer).encode(),
                    {"x-alur-consumer": f"{NAMESPACE}.relay"})  # fmt: skip
    evidence = _evidence([event], topics={TOPIC: [], DEAD: [letter]})
    assert checks_pipeline.relay_pointers(evidence) == {str(event.event_id): str(event.case_id)}
