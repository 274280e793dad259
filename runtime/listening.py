"""A PostgreSQL LISTEN that outlives its connection: `ChannelListener`.

Processes tell each other things on PostgreSQL channels (an append was made, a simulated clock
moved, an SOP version was imported, keys were destroyed). A restart of PostgreSQL, or a dropped
network, ends the listening connection, and with it every notification — silently. A
`ChannelListener` notices the end, says so (`on_lost`: what was kept on the strength of the
notifications can no longer be trusted), listens again on a new connection as soon as PostgreSQL
takes one, and says so too (`on_restored`: what was said while nobody listened is unknown).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping

import asyncpg
import structlog

from runtime.outages import POSTGRES_AWAY

log = structlog.get_logger(__name__)

# What a connection attempt raises while PostgreSQL is away or starting.
UNREACHABLE = (OSError, asyncio.TimeoutError, asyncpg.PostgresError, *POSTGRES_AWAY)

Heard = Callable[[str], None]  # called with the notification's payload


class ChannelListener:
    """LISTEN on `channels` (name → what to do with a payload) for as long as it is open."""

    def __init__(
        self,
        database_url: str,
        channels: Mapping[str, Heard],
        *,
        on_lost: Callable[[], None] | None = None,
        on_restored: Callable[[], None] | None = None,
        retry_seconds: float = 1.0,
    ) -> None:
        self._database_url = database_url
        self._channels = dict(channels)
        self._on_lost = on_lost
        self._on_restored = on_restored
        self._retry_seconds = retry_seconds
        self._connection: asyncpg.Connection | None = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def listening(self) -> bool:
        return self._connection is not None and not self._connection.is_closed()

    async def start(self) -> None:
        """Listen now; raises what the connection raised when PostgreSQL cannot be reached."""
        await self._listen()

    async def start_when_possible(self) -> None:
        """Listen now if PostgreSQL answers; otherwise keep trying in the background (what was
        kept meanwhile is treated as after a lost connection)."""
        try:
            await self._listen()
        except UNREACHABLE as error:
            self._unavailable(error)
            self._lost(None)

    async def close(self) -> None:
        self._closed = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnecting
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.remove_termination_listener(self._lost)
            await connection.close()

    async def _listen(self) -> None:
        connection = await asyncpg.connect(self._database_url)
        try:
            for channel, heard in self._channels.items():
                await connection.add_listener(channel, _calling(heard))
        except BaseException:
            connection.terminate()
            raise
        connection.add_termination_listener(self._lost)
        self._connection = connection

    def _unavailable(self, error: BaseException) -> None:
        log.warning("listener_unavailable", channels=sorted(self._channels), error=repr(error))

    def _lost(self, _connection: object) -> None:
        self._connection = None
        if self._closed:
            return
        if self._on_lost is not None:
            self._on_lost()
        if self._reconnecting is None or self._reconnecting.done():
            self._reconnecting = asyncio.get_running_loop().create_task(self._listen_again())

    async def _listen_again(self) -> None:
        while not self._closed:
            try:
                await self._listen()
            except UNREACHABLE as error:
                log.warning(
                    "listener_unavailable", channels=sorted(self._channels), error=repr(error)
                )
                await asyncio.sleep(self._retry_seconds)
                continue
            log.info("listener_restored", channels=sorted(self._channels))
            if self._on_restored is not None:
                self._on_restored()
            return


def _calling(heard: Heard) -> Callable[[object, int, str, str], None]:
    def on_notification(_conn: object, _pid: int, _channel: str, payload: str) -> None:
        heard(payload)

    return on_notification
