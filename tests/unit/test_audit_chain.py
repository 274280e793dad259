"""The chain's canonical encoding: unambiguous, fixed, and the same bytes PostgreSQL hashes.

(tests/test_audit.py checks against the database trigger itself; the vector below was computed
by `alur_chain_content_v1` and `sha256` in PostgreSQL 15.)
"""

from __future__ import annotations

import hashlib
import uuid

from cases.chain import GENESIS, content, link_hash

CASE = uuid.UUID("2f68ec53-ca29-554f-b9de-be95067d87cd")
TOPIC = "cases.case:Case.Opened"
STATE = '{"fact":{"payload":{"subject":"Obat habis — ü"}}}'.encode()


def test_content_is_position_case_version_then_length_prefixed_topic_and_state() -> None:
    encoded = content(7, CASE, 3, TOPIC, STATE)
    assert encoded[:8] == (7).to_bytes(8, "big")
    assert encoded[8:24] == CASE.bytes
    assert encoded[24:32] == (3).to_bytes(8, "big")
    topic = TOPIC.encode()
    assert encoded[32:36] == len(topic).to_bytes(4, "big")
    assert encoded[36 : 36 + len(topic)] == topic
    rest = encoded[36 + len(topic) :]
    assert rest == len(STATE).to_bytes(4, "big") + STATE


def test_moving_bytes_between_topic_and_state_changes_the_content() -> None:
    assert content(1, CASE, 1, "ab", b"c") != content(1, CASE, 1, "a", b"bc")


def test_a_missing_value_differs_from_an_empty_one() -> None:
    assert content(1, CASE, 1, None, b"") != content(1, CASE, 1, "", b"")
    assert content(1, CASE, 1, "t", None) != content(1, CASE, 1, "t", b"")


def test_every_field_changes_the_link() -> None:
    base = link_hash(GENESIS, 1, CASE, 1, TOPIC, STATE)
    assert link_hash(b"\x01" * 32, 1, CASE, 1, TOPIC, STATE) != base
    assert link_hash(GENESIS, 2, CASE, 1, TOPIC, STATE) != base
    assert link_hash(GENESIS, 1, uuid.uuid4(), 1, TOPIC, STATE) != base
    assert link_hash(GENESIS, 1, CASE, 2, TOPIC, STATE) != base
    assert link_hash(GENESIS, 1, CASE, 1, TOPIC + "x", STATE) != base
    assert link_hash(GENESIS, 1, CASE, 1, TOPIC, STATE + b" ") != base


def test_a_link_is_sha256_of_the_previous_hash_and_the_content() -> None:
    encoded = content(1, CASE, 1, TOPIC, STATE)
    assert (
        link_hash(GENESIS, 1, CASE, 1, TOPIC, STATE) == hashlib.sha256(GENESIS + encoded).digest()
    )


def test_the_encoding_matches_the_vector_postgresql_computed() -> None:
    assert link_hash(GENESIS, 1, CASE, 1, TOPIC, STATE).hex() == POSTGRES_VECTOR


POSTGRES_VECTOR = "3f982dd30d1d3b815da729abd1f2ce458b4091e72ab68c9dae211d5d06991f88"
