"""`make soak` / `python -m soak`: run the soak, print the invariant table, exit 1 when an
invariant fails (naming its first offending case).

Settings: SOAK_MINUTES (10), SOAK_SEED (a new one each run, printed), SOAK_RATE (write
requests per second, 3), SOAK_RUN_DIR (.run/soak), SOAK_PG_PORT (56432), SOAK_KAFKA_PORT
(19092), SOAK_KAFKA_CONTROLLER_PORT (19093), SOAK_EDGE_PENDING (0; see soak/run_rows.py).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time

from soak.report import FAIL, first_failure, render
from soak.run import Settings, soak
from soak.servers import Servers
from soak.session import Session


def main() -> int:
    seed = int(os.environ.get("SOAK_SEED") or random.SystemRandom().randrange(1, 10**6))
    settings = Settings(
        minutes=float(os.environ.get("SOAK_MINUTES", "10")),
        seed=seed,
        rate=float(os.environ.get("SOAK_RATE", "3")),
    )
    servers = Servers.default()
    print(
        f"soak: {settings.minutes:g} min, seed {seed}, {settings.rate:g} writes/s;"
        f" PostgreSQL :{servers.pg_port}, Kafka :{servers.kafka_port}; logs {servers.logs}",
        flush=True,
    )
    started = time.monotonic()
    # A SIGTERM (a CI timeout) unwinds like Ctrl-C: the session stops what it started.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with Session.running(servers) as session:
        outcome = asyncio.run(soak(session, settings))
    print()
    for note in outcome.notes:
        print(note)
    print()
    print(render(outcome.rows))
    print(f"\n{time.monotonic() - started:.0f} s in all; SOAK_SEED={seed} repeats the run")
    failed = first_failure(outcome.rows)
    if failed is not None:
        count = sum(r.status == FAIL for r in outcome.rows)
        print(f"\nFAILED: {count} invariant(s); first: {failed.invariant}: {failed.first}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
