"""`make bench`: run every benchmark and print the table (value, raw limit, ratio).

Complaints are sent by the light load generator (bench/load.py, its own CPU per request is
printed); the HTTP floor (bench/http_floor.py) runs in the same run; CPU is summed over every
Alur process, PostgreSQL and Kafka from /proc (bench/processes.py).
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from bench import http_floor
from bench.case_actions import officer_actions, officer_token
from bench.complaint_path import offered, saturated
from bench.load import Run, Target, closed_loop, open_loop
from bench.processes import CpuMeter, Watched, breakdown, peak_rss_mib, peaks
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
FLOOR_REQUESTS = int(os.environ.get("BENCH_FLOOR_REQUESTS", "6000"))
OFFERED_RATE = 100.0  # complaints per second, open loop
OFFERED = int(os.environ.get("BENCH_OFFERED_COMPLAINTS", "1000"))
# What runs: any of complaints, officers, sla, replay (all by default).
PARTS = set(os.environ.get("BENCH_PARTS", "complaints,officers,sla,replay").split(","))


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _database(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


@dataclass(frozen=True)
class Floor:
    saturated: Run
    cpu_ms: float  # per request: the floor's process and its PostgreSQL backends
    cpu: dict[str, float]
    at_rate: Run
    peak_rss_mib: float


async def measure_floor() -> Floor:
    server = AlurSettings().database_url
    name = f"alur_floor_{os.getpid()}"
    await sandbox._admin(server, f'CREATE DATABASE "{name}"')
    database_url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    port = sandbox._free_port()
    process = http_floor.start(port, database_url)
    try:
        target = Target(f"http://127.0.0.1:{port}", "/floor", http_floor.SAMPLE)
        await closed_loop(target, 500, CONCURRENCY)  # warm up
        meter = CpuMeter(Watched({"floor": process.pid}, (_database(database_url),)))
        meter.start()
        run = await closed_loop(target, FLOOR_REQUESTS, CONCURRENCY)
        spent = meter.stop()
        spent.pop("kafka")  # the floor does not use it
        at_rate = await open_loop(target, OFFERED_RATE, OFFERED)
        rss = peak_rss_mib(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
        await sandbox._admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return Floor(run, sum(spent.values()) * 1000 / FLOOR_REQUESTS, spent, at_rate, rss)


async def complaint_rows(alur: sandbox.Sandbox, notes: list[str]) -> list[Row]:
    floor = await measure_floor()
    await saturated(alur, 50, CONCURRENCY)  # warm up
    pids = {name: p.pid for name, p in alur.processes.items()}
    meter = CpuMeter(Watched(pids, (_database(alur.database_url),)))
    meter.start()
    path = await saturated(alur, COMPLAINTS, CONCURRENCY)
    meter.stop()
    at_rate = await offered(alur, OFFERED_RATE, OFFERED)
    raw_rate, raw_latencies = await single_row_commits(
        alur.database_url, rows=COMPLAINTS * 2, concurrency=CONCURRENCY
    )
    raw = f"single-row commits, {CONCURRENCY} connections"
    rows = [Row("complaints HTTP → register", "per s", path.rate, raw, raw_rate)]
    for q in (50, 99):
        measured, limit = percentile(path.latencies, q), percentile(raw_latencies, q)
        rows.append(Row(f"latency HTTP → register p{q}", "ms", measured * 1000, raw, limit * 1000))
    floor_what = f"HTTP floor, {CONCURRENCY} clients"
    rows += [
        Row(
            "complaint acceptance vs HTTP floor",
            "per s",
            path.rate,
            floor_what,
            floor.saturated.rate,
        ),
        Row(
            "CPU per complaint, all processes",
            "ms",
            meter.total * 1000 / COMPLAINTS,
            "HTTP floor CPU per request",
            floor.cpu_ms,
        ),
        Row(
            f"HTTP→register p99 at {OFFERED_RATE:.0f}/s",
            "ms",
            percentile(at_rate.latencies, 99) * 1000,
            f"HTTP floor p99 at {OFFERED_RATE:.0f}/s",
            percentile([a.seconds for a in floor.at_rate.answers], 99) * 1000,
        ),
    ]
    notes += [
        "load generator CPU per request (ms): complaints saturated"
        + f" {path.run.cpu_per_request_ms:.3f}"
        + f", complaints at 100/s {at_rate.run.cpu_per_request_ms:.3f}"
        + f", floor saturated {floor.saturated.cpu_per_request_ms:.3f}"
        + f", floor at 100/s {floor.at_rate.cpu_per_request_ms:.3f}",
        f"complaints accepted over HTTP at saturation: {path.run.rate:,.0f}/s; register lag"
        f" (answer → register row) p50 {percentile(path.lags, 50) * 1000:.0f} ms,"
        f" p99 {percentile(path.lags, 99) * 1000:.0f} ms",
        f"CPU per complaint by process (ms): {breakdown(meter.spent, COMPLAINTS)}",
        f"HTTP floor CPU per request (ms): {breakdown(floor.cpu, FLOOR_REQUESTS)}",
        f"peak RSS (MiB): {peaks(pids)}, HTTP floor {floor.peak_rss_mib:.0f}",
    ]
    # Encryption's share of the complaint path: the ratio is what it adds (goal ≤ 0.10).
    sealing = await sealing_latencies(alur.database_url, COMPLAINTS, CONCURRENCY)
    for q in (50, 99):
        rows.append(
            Row(
                f"sealing a complaint (key row + 4 values) p{q}",
                "ms",
                percentile(sealing, q) * 1000,
                f"latency HTTP → register p{q}",
                percentile(path.latencies, q) * 1000,
            )
        )
    return rows


async def measure(alur: sandbox.Sandbox, notes: list[str]) -> list[Row]:
    rows: list[Row] = []
    if "complaints" in PARTS:
        rows += await complaint_rows(alur, notes)
    if "officers" in PARTS:
        raw_rate, raw_latencies = await single_row_commits(
            alur.database_url, rows=COMPLAINTS * 2, concurrency=CONCURRENCY
        )
        raw = f"single-row commits, {CONCURRENCY} connections"
        token = officer_token(alur, "Petugas Bench", "petugas_pengaduan")
        await officer_actions(alur, cases=20, concurrency=CONCURRENCY, token=token)  # warm up
        action_rate, action_latencies = await officer_actions(alur, CASES, CONCURRENCY, token)
        rows.append(Row("officer actions HTTP → stored", "per s", action_rate, raw, raw_rate))
        for q in (50, 99):
            measured, limit = percentile(action_latencies, q), percentile(raw_latencies, q)
            rows.append(
                Row(f"latency officer action p{q}", "ms", measured * 1000, raw, limit * 1000)
            )
    # SLA timers on a database of their own (the sandbox's SLA worker would fire them too).
    if "sla" in PARTS:
        rows += await sla_timer_rows(AlurSettings().database_url)
    # Replay over a million stored events, on a database of its own (BENCH_REPLAY_EVENTS).
    if "replay" in PARTS:
        rows += await replay_rows(notes)
    return rows


def main() -> None:
    alur = sandbox.start("bench")
    notes: list[str] = []
    try:
        rows = asyncio.run(measure(alur, notes))
    finally:
        sandbox.stop(alur)
    print(
        f"\n{COMPLAINTS} complaints, {CONCURRENCY} concurrent HTTP clients, "
        f"{os.cpu_count()} cores shared by client, workers, PostgreSQL and Kafka\n"
    )
    print("\n".join(notes) + "\n")
    print(render(rows))


if __name__ == "__main__":
    main()
