"""The hash chain over every stored event: how a link is computed, in Python and in PostgreSQL.

Each row of the event store's events table gets one row in `event_chain`, written by a trigger
in the same transaction as the event (the PostgreSQL adapter installs it, naming its table):

    hash = sha256(previous_hash || content)
    content = int8(position) || uuid(case id) || int8(case version)
              || int4(len) || topic (UTF-8) || int4(len) || state

Integers are big-endian (PostgreSQL's `int8send`/`int4send`), the uuid is its 16 bytes, a NULL
topic or state is written as length -1 with no bytes. The first link's previous hash is 32 zero
bytes. Appends hold an EXCLUSIVE lock on the events table, so links are made in position order.

`alur audit --verify` recomputes every link in Python (`link_hash`), not with the database's
function, so a replaced function cannot vouch for altered rows.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any
from uuid import UUID

Cursor = Any  # a psycopg cursor inside a transaction (tuple or dict rows)

CHAIN_TABLE = "event_chain"
GENESIS = bytes(32)  # the previous hash of the first link
TRIGGER = "alur_event_chain"


def content(
    position: int, case_id: UUID, case_version: int, topic: str | None, state: bytes | None
) -> bytes:
    """The bytes one link hashes for a stored event (see the module docstring)."""
    return b"".join(
        (
            struct.pack(">q", position),
            case_id.bytes,
            struct.pack(">q", case_version),
            _length_prefixed(None if topic is None else topic.encode("utf-8")),
            _length_prefixed(state),
        )
    )


def link_hash(
    previous_hash: bytes,
    position: int,
    case_id: UUID,
    case_version: int,
    topic: str | None,
    state: bytes | None,
) -> bytes:
    return hashlib.sha256(
        previous_hash + content(position, case_id, case_version, topic, state)
    ).digest()


def _length_prefixed(data: bytes | None) -> bytes:
    if data is None:
        return struct.pack(">i", -1)
    return struct.pack(">i", len(data)) + data


# The same encoding in SQL; versioned by name so a new encoding never silently replaces this one.
CONTENT_FUNCTION = """
CREATE OR REPLACE FUNCTION alur_chain_content_v1(
    p_position bigint, p_originator uuid, p_version bigint, p_topic text, p_state bytea
) RETURNS bytea LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    -- plpgsql, not sql: called from the trigger, a simple expression here is evaluated
    -- without planning a query on every event.
    RETURN int8send(p_position)
        || uuid_send(p_originator)
        || int8send(p_version)
        || CASE WHEN p_topic IS NULL THEN int4send(-1)
                ELSE int4send(octet_length(convert_to(p_topic, 'UTF8')))
                     || convert_to(p_topic, 'UTF8') END
        || CASE WHEN p_state IS NULL THEN int4send(-1)
                ELSE int4send(octet_length(p_state)) || p_state END;
END
$$
"""

CHAIN_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} (
    position bigint PRIMARY KEY,       -- the event's global position (notification_id)
    originator_id uuid NOT NULL,       -- the case
    originator_version bigint NOT NULL,
    hash bytea NOT NULL,
    previous_hash bytea NOT NULL,
    chained_at timestamptz NOT NULL DEFAULT now()
)
"""

# Links one new event to the head of the chain. Refuses an event placed before the head: the
# store only appends, in position order, under its table lock.
LINK_FUNCTION = """
CREATE OR REPLACE FUNCTION alur_chain_link_v1(
    p_position bigint, p_originator uuid, p_version bigint, p_topic text, p_state bytea
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    head_position bigint;
    head_hash bytea;
BEGIN
    SELECT position, hash INTO head_position, head_hash
        FROM event_chain ORDER BY position DESC LIMIT 1;
    IF head_position IS NOT NULL AND p_position <= head_position THEN
        RAISE EXCEPTION 'event at position % comes before the chain head at %',
            p_position, head_position;
    END IF;
    head_hash := coalesce(head_hash, decode(repeat('00', 32), 'hex'));  -- GENESIS
    INSERT INTO event_chain (position, originator_id, originator_version, hash, previous_hash)
    VALUES (
        p_position, p_originator, p_version,
        sha256(head_hash || alur_chain_content_v1(
            p_position, p_originator, p_version, p_topic, p_state)),
        head_hash
    );
END
$$
"""

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION alur_chain_event_v1() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM alur_chain_link_v1(
        NEW.notification_id, NEW.originator_id, NEW.originator_version, NEW.topic, NEW.state);
    RETURN NULL;
END
$$
"""

CREATE_TRIGGER = f"""
CREATE TRIGGER {TRIGGER} AFTER INSERT ON {{events_table}}
    FOR EACH ROW EXECUTE FUNCTION alur_chain_event_v1()
"""

# Events stored before the chain existed, linked once, in position order.
BACKFILL = """
DO $$
DECLARE e record;
BEGIN
    FOR e IN SELECT * FROM {events_table} ORDER BY notification_id LOOP
        PERFORM alur_chain_link_v1(
            e.notification_id, e.originator_id, e.originator_version, e.topic, e.state);
    END LOOP;
END
$$
"""


def install(cursor: Cursor, events_table: str) -> bool:
    """Create the chain table, functions and trigger on `events_table` if missing; True if
    the chain was just created.

    Takes the events table's EXCLUSIVE lock (as every append does), so a concurrent install or
    append waits, and events stored before the chain existed are linked before any new one.
    Call it before the first append of a process; it is idempotent.
    """
    cursor.execute(f"LOCK TABLE {events_table} IN EXCLUSIVE MODE")
    cursor.execute(f"SELECT to_regclass('{CHAIN_TABLE}') IS NULL AS missing")
    new = _first(cursor.fetchone())
    cursor.execute(CHAIN_SCHEMA)
    for statement in (CONTENT_FUNCTION, LINK_FUNCTION, TRIGGER_FUNCTION):
        cursor.execute(statement)
    cursor.execute(
        "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass",
        (TRIGGER, events_table),
    )
    if cursor.fetchone() is None:
        cursor.execute(CREATE_TRIGGER.format(events_table=events_table))
    if new:
        cursor.execute(BACKFILL.format(events_table=events_table))
    return bool(new)


def _first(row: Any) -> Any:
    """The first column of a row from a tuple or a dict row factory."""
    return next(iter(row.values())) if isinstance(row, dict) else row[0]
