"""Verification walks events and links in position order and names the first problem."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

from audit.verification import _walk
from cases import StoredRecord
from cases.chain import GENESIS, link_hash

CASE = uuid.UUID("2f68ec53-ca29-554f-b9de-be95067d87cd")
TOPIC = "cases.case:Case.Recorded"


def _event(position: int, version: int, text: str = "") -> StoredRecord:
    fact = {"event_id": f"00000000-0000-0000-0000-{position:012d}", "type": "StepDone"}
    state = json.dumps({"fact": fact, "text": text}).encode()
    return StoredRecord(position, CASE, version, TOPIC, state)


def _chain(events: list[StoredRecord]) -> list[dict[str, Any]]:
    links, previous = [], GENESIS
    for e in events:
        digest = link_hash(previous, e.position, CASE, e.case_version, e.topic, e.state)
        links.append(
            {
                "position": e.position,
                "originator_id": CASE,
                "originator_version": e.case_version,
                "hash": digest,
                "previous_hash": previous,
            }
        )
        previous = digest
    return links


async def _rows(rows: list[Any]) -> AsyncIterator[Any]:
    for row in rows:
        yield row


async def _check(events: list[StoredRecord], links: list[dict[str, Any]], anchor=None):
    return await _walk(_rows(events), _rows(links), anchor)


EVENTS = [_event(1, 1), _event(2, 2), _event(4, 3), _event(5, 4)]  # positions may have gaps


async def test_an_intact_history_gives_the_last_link_as_head() -> None:
    links = _chain(EVENTS)
    verdict = await _check(EVENTS, links)
    assert verdict.intact and verdict.checked == 4
    assert verdict.head_hash == links[-1]["hash"] and verdict.head_position == 5


async def test_an_empty_history_is_intact() -> None:
    verdict = await _check([], [])
    assert verdict.intact and verdict.checked == 0 and verdict.head_hash == GENESIS


async def test_changed_content_is_altered_and_names_the_event() -> None:
    links = _chain(EVENTS)
    events = [*EVENTS[:2], _event(4, 3, "forged"), EVENTS[3]]
    verdict = await _check(events, links)
    assert verdict.problem.kind == "altered"
    assert verdict.problem.position == 4
    assert verdict.problem.event_id == "00000000-0000-0000-0000-000000000004"
    assert verdict.problem.event_type == "StepDone"
    assert verdict.checked == 2


async def test_a_link_without_its_event_is_removed() -> None:
    verdict = await _check([EVENTS[0], *EVENTS[2:]], _chain(EVENTS))
    assert (verdict.problem.kind, verdict.problem.position) == ("removed", 2)


async def test_an_event_without_a_link_is_inserted() -> None:
    extra = _event(3, 9)
    verdict = await _check([*EVENTS[:2], extra, *EVENTS[2:]], _chain(EVENTS))
    assert (verdict.problem.kind, verdict.problem.position) == ("inserted", 3)


async def test_an_event_and_its_link_removed_together_break_the_chain_at_the_next() -> None:
    links = _chain(EVENTS)
    verdict = await _check([EVENTS[0], *EVENTS[2:]], [links[0], *links[2:]])
    assert (verdict.problem.kind, verdict.problem.position) == ("chain_broken", 4)


async def test_swapped_events_are_reordered() -> None:
    links = _chain(EVENTS)
    swapped = [
        EVENTS[0],
        EVENTS[2]._replace(position=2),
        EVENTS[1]._replace(position=4),
        EVENTS[3],
    ]
    verdict = await _check(swapped, links)
    assert (verdict.problem.kind, verdict.problem.position) == ("reordered", 2)


async def test_an_anchor_must_be_one_of_the_links() -> None:
    links = _chain(EVENTS)
    assert (await _check(EVENTS, links, anchor=links[1]["hash"])).intact
    missing = await _check(EVENTS, links, anchor=b"\x07" * 32)
    assert missing.problem.kind == "anchor_missing"
