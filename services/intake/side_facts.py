"""Facts recorded beside a case's SOP steps — a reporter's reply, an officer's internal note or
answer — which leave the case waiting where it was: no step of their own, the SOP reference of
the case's last fact (what comes next unchanged). Recorded once per request (`causation`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from cases import Change, EventStore, InboundMessage
from events import Actor, Envelope, Fact, SopRef
from events.payload import Payload


async def record_beside(
    store: EventStore,
    case_id: uuid.UUID,
    payload: Payload,
    *,
    actor: Actor,
    occurred_at: datetime,
    causation: str,
    inbound: Sequence[tuple[str, str]] = (),
    more: Sequence[Fact] = (),
) -> tuple[Fact, Envelope | None]:
    """The fact recorded for `payload`, and its envelope (None when this request's fact was
    recorded before: that earlier fact is returned). CaseConflict when the case changed
    meanwhile (read it again and retry) or when one of the `inbound` (channel, key) message
    identities is stored already (see `EventStore.inbound`); CaseNotFound for an unknown case.

    `inbound`: the identities of the message the fact came in, stored in its transaction.
    `more`: facts recorded after it in the same transaction (the message's attachments)."""
    case = await store.load(case_id)
    earlier = next((f for f in case.history if f.causation_id == causation), None)
    if earlier is not None:
        return earlier, None
    last = case.history[-1].sop
    fact = Fact(
        event_id=uuid.uuid4(),
        type=payload.type,
        schema_version=payload.schema_version,
        case_type=case.case_type,
        occurred_at=occurred_at,
        actor=actor,
        sop=None
        if last is None
        else SopRef(id=last.id, version=last.version, step=None, next_step=last.next_step),
        causation_id=causation,
        payload=payload.model_dump(mode="json"),
    )
    if not inbound and not more:
        return fact, await store.record_once(case_id, fact)
    case.record(fact)
    for extra in more:
        case.record(extra)
    messages = [InboundMessage(channel, key, case_id) for channel, key in inbound]
    (envelopes,) = await store.commit(Change(case.collect_events(), inbound=messages))
    return fact, envelopes[0]
