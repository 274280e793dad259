"""How long after a broker restart every consumer group works again:
`python -m soak.rejoin [ROUNDS [stop|kill [SECONDS_DOWN]]]`.

On the soak's own servers: start the system, restart Kafka ROUNDS times (default 3); while it is
away a probe complaint is accepted, and from the moment the broker is back each consumer is
timed until it applied the probe (soak/probe.py).
"""

from __future__ import annotations

import asyncio
import signal
import statistics
import sys
import time

import asyncpg

from soak.client import Api
from soak.probe import PROJECTION_NAMES, WORKER_CONSUMERS, Probe, follow, probe, send
from soak.servers import Servers
from soak.session import Session


async def rounds(session: Session, count: int, how: str, down: float) -> list[Probe]:
    api = Api(session.system.base_url)
    pool = await asyncpg.create_pool(session.servers.database_url, min_size=0, max_size=2)
    try:
        await probe(api, pool)  # everything joined once
        results = []
        for _ in range(count):
            if how == "workers":  # SIGKILL one instance of each consumer, start it again
                for kind in ("projections", "notifier", "routing", "sla"):
                    name = f"{kind}-1"
                    session.system.signal(name, signal.SIGKILL)
                    session.system.launch(name)
                results.append(await probe(api, pool))
                continue
            if how == "kill":
                await asyncio.to_thread(session.servers.kill_kafka)
            else:
                await asyncio.to_thread(session.servers.kafka_broker, "stop")
            waiting = await send(api)  # accepted while the broker is away
            await asyncio.sleep(down)
            await asyncio.to_thread(session.servers.kafka_broker, "start")
            waiting.started = time.monotonic()  # count from the broker's return
            results.append(await follow(waiting, pool, waiting.started + 180))
        return results
    finally:
        await pool.close()
        await api.close()


def report(results: list[Probe]) -> str:
    lines = [
        "consumer                 | " + " | ".join(f"round {i + 1}" for i in range(len(results)))
    ]
    for name in ("accepted", *WORKER_CONSUMERS, *PROJECTION_NAMES):
        cells = []
        for result in results:
            value = result.accepted_after if name == "accepted" else result.applied_after.get(name)
            cells.append("   never" if value is None else f"{value:7.1f} s")
        lines.append(f"{name:<24} | " + " | ".join(cells))
    worst = [r.seconds for r in results]
    done = [w for w in worst if w is not None]
    if done:
        median, slowest = statistics.median(done), max(done)
        lines.append(f"last consumer per round: median {median:.1f} s, max {slowest:.1f} s")
    return "\n".join(lines)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    # "stop" the broker, "kill" it (SIGKILL), or "workers": SIGKILL one instance of each consumer
    how = sys.argv[2] if len(sys.argv) > 2 else "stop"
    down = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0  # seconds it stays down
    started = time.monotonic()
    with Session.running(Servers.default(), mail=False) as session:
        results = asyncio.run(rounds(session, count, how, down))
    print(f"Kafka restarts: {how}, down {down:.0f} s before the start")
    print(report(results))
    print(f"({time.monotonic() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
