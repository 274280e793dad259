"""`make bench`: run every benchmark and print the table (value, raw limit, ratio)."""

from __future__ import annotations

import asyncio
import os
import statistics

from bench.case_actions import officer_actions, officer_token
from bench.complaint_path import http_to_register
from bench.raw_postgres import single_row_commits
from bench.replay import replay_rows
from bench.sealing import sealing_latencies
from bench.sla_timers import sla_timer_rows
from bench.table import Row, render
from runtime.settings import AlurSettings
from tests.support import sandbox

COMPLAINTS = int(os.environ.get("BENCH_COMPLAINTS", "2000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
CASES = int(os.environ.get("BENCH_CASES", "300"))  # each gets three officer actions


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def measure(alur: sandbox.Sandbox) -> list[Row]:
    await http_to_register(alur, complaints=50, concurrency=CONCURRENCY)  # warm up
    rate, latencies = await http_to_register(alur, COMPLAINTS, CONCURRENCY)
    raw_rate, raw_latencies = await single_row_commits(
        alur.database_url, rows=COMPLAINTS * 2, concurrency=CONCURRENCY
    )
    raw = f"single-row commits, {CONCURRENCY} connections"
    rows = [Row("complaints HTTP → register", "per s", rate, raw, raw_rate)]
    for q in (50, 99):
        measured, limit = percentile(latencies, q), percentile(raw_latencies, q)
        rows.append(Row(f"latency HTTP → register p{q}", "ms", measured * 1000, raw, limit * 1000))
    # Encryption's share of the complaint path: the ratio is what it adds (goal ≤ 0.10).
    sealing = await sealing_latencies(alur.database_url, COMPLAINTS, CONCURRENCY)
    for q in (50, 99):
        rows.append(
            Row(
                f"sealing a complaint (key row + 4 values) p{q}",
                "ms",
                percentile(sealing, q) * 1000,
                f"latency HTTP → register p{q}",
                percentile(latencies, q) * 1000,
            )
        )

    token = officer_token(alur, "Petugas Bench", "petugas_pengaduan")
    await officer_actions(alur, cases=20, concurrency=CONCURRENCY, token=token)  # warm up
    action_rate, action_latencies = await officer_actions(alur, CASES, CONCURRENCY, token)
    rows.append(Row("officer actions HTTP → stored", "per s", action_rate, raw, raw_rate))
    for q in (50, 99):
        measured, limit = percentile(action_latencies, q), percentile(raw_latencies, q)
        rows.append(Row(f"latency officer action p{q}", "ms", measured * 1000, raw, limit * 1000))
    # SLA timers on a database of their own (the sandbox's SLA worker would fire them too).
    rows += await sla_timer_rows(AlurSettings().database_url)
    # Replay over a million stored events, on a database of its own (BENCH_REPLAY_EVENTS).
    rows += await replay_rows()
    return rows


def main() -> None:
    alur = sandbox.start("bench")
    try:
        rows = asyncio.run(measure(alur))
    finally:
        sandbox.stop(alur)
    print(
        f"\n{COMPLAINTS} complaints, {CONCURRENCY} concurrent HTTP clients, "
        f"{os.cpu_count()} cores shared by client, workers, PostgreSQL and Kafka\n"
    )
    print(render(rows))


if __name__ == "__main__":
    main()
