"""Group commit for the event store: concurrent requests share one transaction.

The store serialises appends with a table lock so that positions commit in order; with one
transaction per request, every complaint would pay for its own lock and fsync in turn. Here
the changes waiting at the same moment are committed together, each with its tracking record.
If that shared transaction is refused (one case was changed by someone else), each change is
retried on its own, so one conflict never fails a neighbour.

With `max_fact_bytes`, a change holding an event whose stored JSON is larger is refused
(`EventTooLarge`) before it is queued: the web refuses what the relay could not publish.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from uuid import UUID

from cases.port import (
    CaseConflict,
    Change,
    EventStore,
    EventTooLarge,
    InboundMessage,
    TrackingRecord,
)
from events import Envelope, Fact

Waiting = tuple[Change, asyncio.Future[list[Envelope]]]


class GroupCommit:
    def __init__(
        self, store: EventStore, max_batch: int = 256, max_fact_bytes: int | None = None
    ) -> None:
        self._store = store
        self._max_batch = max_batch
        self._max_fact_bytes = max_fact_bytes
        self._queue: asyncio.Queue[Waiting] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None

    async def open(
        self, case_id: UUID, fact: Fact, tracking: TrackingRecord | None = None
    ) -> Envelope:
        """Open a case; its tracking record, if any, is stored with its first event."""
        return (await self.commit(self._store.opening(case_id, fact, tracking)))[0]

    async def inbound(self, channel: str, key: str) -> InboundMessage | None:
        """The inbound message stored under that identity (`EventStore.inbound`)."""
        return await self._store.inbound(channel, key)

    async def commit(self, change: Change) -> list[Envelope]:
        if self._max_fact_bytes is not None:
            for event in change.events:
                size = len(json.dumps(event.fact, ensure_ascii=False).encode())
                if size > self._max_fact_bytes:
                    raise EventTooLarge(size, self._max_fact_bytes)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_forever())
        done: asyncio.Future[list[Envelope]] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((change, done))
        return await done

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer

    async def _write_forever(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._write(batch)

    async def _write(self, batch: list[Waiting]) -> None:
        try:
            stored = await self._store.commit(*(c for c, _ in batch))
        except CaseConflict as conflict:
            if len(batch) == 1:
                _settle(batch[0][1], error=conflict)
                return
            for single in batch:
                await self._write([single])
            return
        except Exception as error:  # noqa: BLE001 - every waiter must hear of the failure
            for _, done in batch:
                _settle(done, error=error)
            return
        for (_, done), envelopes in zip(batch, stored, strict=True):
            _settle(done, result=envelopes)


def _settle(
    done: asyncio.Future[list[Envelope]],
    *,
    result: list[Envelope] | None = None,
    error: BaseException | None = None,
) -> None:
    if done.done():  # the waiting request was cancelled (client went away)
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(result or [])
