"""Two relays, one publisher: the relay holding the lease publishes each event once, the other
stands by, and takes over from the checkpoint when the first one dies."""

from __future__ import annotations

import json
import signal
import uuid
from collections import Counter

import pytest
from aiokafka import AIOKafkaConsumer

from events import Topics
from tests.support import sandbox
from tests.support.sandbox import Alur
from tests.support.seed_cases import complaint
from tests.support.waiting import eventually

pytestmark = pytest.mark.sandbox("relaylease", env={"ALUR_RELAY_POLL_SECONDS": "0.2"})


async def _published(alur: Alur, count: int) -> Counter[str]:
    """How often each event is on the complaint topic, once `count` events are there."""
    consumer = AIOKafkaConsumer(
        Topics(alur.namespace).cases("complaint"),
        bootstrap_servers=alur.kafka,
        group_id=f"{alur.namespace}.test-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen: Counter[str] = Counter()
    try:

        async def enough() -> bool:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                seen.update(json.loads(r.value)["event_id"] for r in records)
            return len(seen) >= count

        await eventually(enough, timeout=60)
        # A marker after them: whatever was published twice is in by then.
        marker = (await complaint(alur))["case_id"]

        async def marker_in() -> bool:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for r in records:
                    seen[json.loads(r.value)["event_id"]] += 1
                    if r.key == marker.encode():
                        return True
            return False

        await eventually(marker_in, timeout=60)
    finally:
        await consumer.stop()
    return seen


RELAYS = ("relay", "relay-2")


def _logs(alur: Alur) -> dict[str, str]:
    """What each relay logged so far (the files grow over test runs)."""
    return {
        name: path.read_text() if (path := sandbox.LOGS / f"{alur.log_prefix}-{name}.log").exists()
        else ""
        for name in RELAYS
    }  # fmt: skip


def _taken_since(alur: Alur, before: dict[str, str]) -> list[str]:
    """The relays that took the lease since `before`."""
    return [
        name
        for name, text in _logs(alur).items()
        if '"relay_lease_taken"' in text[len(before[name]) :]
    ]


async def test_two_relays_publish_each_event_once_and_the_second_takes_over(alur: Alur) -> None:
    before = _logs(alur)
    sandbox.start_worker(alur, "relay", "relay-2")

    async def second_started() -> bool:
        return '"relay_started"' in _logs(alur)["relay-2"][len(before["relay-2"]) :]

    await eventually(second_started)
    for _ in range(3):
        await complaint(alur)
    first = await _published(alur, 3)
    assert set(first.values()) == {1}, first

    # The sandbox's relay held the lease from the start, unless the second one took it.
    active = "relay-2" if "relay-2" in _taken_since(alur, before) else "relay"
    at_kill = _logs(alur)
    alur.processes[active].send_signal(signal.SIGKILL)
    alur.processes[active].wait()
    after = (await complaint(alur))["case_id"]

    async def published_by_the_other() -> bool:
        rows = await alur.sql("SELECT 1 FROM complaint_register WHERE case_id = $1", after)
        return bool(rows)

    await eventually(published_by_the_other, timeout=60)
    assert _taken_since(alur, at_kill) == [n for n in RELAYS if n != active]
