"""One soak session: fresh servers of its own, the SMTP and webhook sinks, the system running
on them; everything stopped at the end, whatever happened."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from soak.say import say
from soak.servers import Servers
from soak.system import System, environment, free_port
from tests.support import mailbox as smtp
from tests.support.gateway import Gateway
from tests.support.mailbox import Mailbox

SETTINGS = {
    "ALUR_SMTP_FROM": "Pengaduan Dinkes <pengaduan@dinkes.soak>",
    "ALUR_NOTIFIER_POLL_SECONDS": "0.5",
    # A notifier killed mid-send holds its rows for the lease; a failed send waits its backoff.
    # Shorter than the defaults (60 s, 600 s) so that the run settles within minutes.
    "ALUR_NOTIFIER_LEASE_SECONDS": "20",
    "ALUR_NOTIFIER_RETRY_CAP_SECONDS": "20",
}


@dataclass
class Session:
    servers: Servers
    system: System
    mailbox: Mailbox
    gateway: Gateway

    @classmethod
    @contextmanager
    def running(cls, servers: Servers, *, mail: bool = True) -> Iterator[Session]:
        servers.fresh()
        say("starting the soak's PostgreSQL and Kafka")
        servers.start()
        box, controller = smtp.start()
        gateway = Gateway()
        gateway.start()
        port = free_port()
        extra = dict(SETTINGS)
        if mail:
            extra |= {
                "ALUR_SMTP_HOST": box.host,
                "ALUR_SMTP_PORT": str(box.port),
                "ALUR_WEBHOOK_URL": gateway.url,
                "ALUR_WEBHOOK_SECRET": gateway.secret,
            }
        system = System(servers, environment(servers, port, extra), port)
        try:
            say("starting the web and two of each worker")
            system.start()
            asyncio.run(system.healthy())
            yield cls(servers, system, box, gateway)
        finally:
            system.stop()
            gateway.stop()
            controller.stop()
            servers.stop()
