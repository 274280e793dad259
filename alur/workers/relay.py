"""The outbox relay worker: `alur serve relay`.

One loop publishes the stored events to Kafka in position order, woken by the store's NOTIFY
inside every append transaction (and polling every `ALUR_RELAY_POLL_SECONDS` without one).
Several relays may run: the one holding the lease (services/relay/lease.py) publishes, the
others stand by.
"""

from __future__ import annotations

import asyncio
from functools import partial

from cases import PostgresEventStore
from events import Topics
from runtime.kafka import reliable_producer
from runtime.worker import Process, Started, serve
from services.relay.checkpoint import RelayCheckpoint
from services.relay.lease import RelayLease
from services.relay.relay import OutboxRelay
from services.relay.settings import RelaySettings


async def start(settings: RelaySettings, process: Process) -> Started:
    store = await PostgresEventStore.connect(settings.database_url)
    process.closing(store.close)
    pool = await process.pool(max_size=2)
    checkpoint = RelayCheckpoint(pool)
    await checkpoint.create()
    wake = asyncio.Event()
    await store.wake_on_append(wake)
    lease = RelayLease(settings.database_url)
    process.closing(lease.release)
    outbox = OutboxRelay(
        store,
        checkpoint,
        lambda: reliable_producer(settings.kafka_bootstrap_servers),
        Topics(settings.namespace),
        batch_size=settings.batch_size,
        retry_seconds=settings.retry_seconds,
        name=settings.group("relay"),
        lease=lease,
    )
    process.closing(outbox.stop)
    relaying = partial(outbox.run, wake, settings.poll_seconds, settings.gather_seconds)
    return Started(loops=[relaying])


def main() -> None:
    settings = RelaySettings()
    serve("relay", settings, lambda process: start(settings, process))


if __name__ == "__main__":
    main()
