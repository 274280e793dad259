"""The raw limit: single-row INSERTs, each committed on its own, from N connections."""

from __future__ import annotations

import asyncio
import time

import asyncpg


async def single_row_commits(
    database_url: str, rows: int, concurrency: int
) -> tuple[float, list[float]]:
    """Rows committed per second, and each commit's latency in seconds."""
    pool = await asyncpg.create_pool(database_url, min_size=concurrency, max_size=concurrency)
    try:
        await pool.execute(
            "CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, body jsonb NOT NULL)"
        )
        latencies: list[float] = []
        body = '{"subject": "Antrean obat terlalu lama", "channel": "web"}'

        async def worker(count: int) -> None:
            async with pool.acquire() as conn:
                for _ in range(count):
                    started = time.perf_counter()
                    await conn.execute("INSERT INTO bench_raw (body) VALUES ($1::jsonb)", body)
                    latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        share, extra = divmod(rows, concurrency)
        await asyncio.gather(*(worker(share + (i < extra)) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
        await pool.execute("DROP TABLE bench_raw")
        return rows / elapsed, latencies
    finally:
        await pool.close()
