"""The load generator: a light HTTP/1.1 client on asyncio streams, keep-alive, no parsing
beyond the status line, the Content-Length and the body.

It is light so that the bench measures the server, not the client (httpx burns 1.2–1.8 ms
of CPU per request on the same two cores): its own CPU per request is measured (the bench
process does nothing else while it runs) and printed with the table.

- `closed_loop`: N clients, each sends its next request when the previous answered
  (saturation: how many per second the server can take);
- `open_loop`: requests sent at a fixed rate whatever the answers (latency at a given load,
  not at saturation); a request due while every connection waits gets a new connection.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Answer:
    sent: float  # time.time() when the request started
    seconds: float  # until the whole answer was read
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Run:
    """What a load run measured."""

    answers: list[Answer]
    seconds: float  # wall time from the first request to the last answer
    cpu_seconds: float  # the load generator's own CPU over the run

    @property
    def rate(self) -> float:
        return len(self.answers) / self.seconds

    @property
    def cpu_per_request_ms(self) -> float:
        return self.cpu_seconds * 1000 / len(self.answers)


@dataclass
class Target:
    """Where requests go, and the one request sent (pre-encoded)."""

    url: str  # base URL, http://host:port
    path: str
    body: dict[str, Any]
    request: bytes = field(init=False)

    def __post_init__(self) -> None:
        where = urlsplit(self.url)
        self.host, self.port = where.hostname or "127.0.0.1", where.port or 80
        payload = json.dumps(self.body).encode()
        self.request = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        ).encode() + payload


class Connection:
    """One keep-alive connection: one request at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer

    @classmethod
    async def open(cls, target: Target) -> Connection:
        return cls(*await asyncio.open_connection(target.host, target.port))

    async def send(self, request: bytes) -> tuple[int, bytes]:
        self._writer.write(request)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
                break
        else:
            raise RuntimeError("the load generator reads answers with a Content-Length only")
        return status, await self._reader.readexactly(length)

    async def close(self) -> None:
        self._writer.close()
        await self._writer.wait_closed()


async def _timed(connection: Connection, request: bytes) -> Answer:
    sent, started = time.time(), time.perf_counter()
    status, body = await connection.send(request)
    return Answer(sent, time.perf_counter() - started, status, body)


def _checked(answers: list[Answer]) -> list[Answer]:
    bad = [a for a in answers if a.status >= 300]
    if bad:
        raise RuntimeError(f"{len(bad)} answers failed, first: {bad[0].status} {bad[0].body!r}")
    return answers


async def closed_loop(target: Target, requests: int, concurrency: int) -> Run:
    connections = [await Connection.open(target) for _ in range(concurrency)]
    remaining = iter(range(requests))
    answers: list[Answer] = []

    async def client(connection: Connection) -> None:
        for _ in remaining:
            answers.append(await _timed(connection, target.request))

    cpu, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(client(c) for c in connections))
    run = Run(_checked(answers), time.perf_counter() - started, time.process_time() - cpu)
    for connection in connections:
        await connection.close()
    return run


async def open_loop(target: Target, rate: float, requests: int) -> Run:
    idle = [await Connection.open(target) for _ in range(8)]
    answers: list[Answer] = []

    async def one() -> None:
        connection = idle.pop() if idle else await Connection.open(target)
        try:
            answers.append(await _timed(connection, target.request))
        except (ConnectionError, asyncio.IncompleteReadError):
            # The server closed it while idle (its keep-alive timeout): on a new one.
            connection = await Connection.open(target)
            answers.append(await _timed(connection, target.request))
        idle.append(connection)

    loop = asyncio.get_running_loop()
    cpu, started = time.process_time(), time.perf_counter()
    sending, begin = [], loop.time()
    for i in range(requests):  # one timer at a time, each request on time
        delay = begin + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        sending.append(asyncio.create_task(one()))
    await asyncio.gather(*sending)
    run = Run(_checked(answers), time.perf_counter() - started, time.process_time() - cpu)
    for connection in idle:
        await connection.close()
    return run
