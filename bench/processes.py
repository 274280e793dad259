"""CPU time and peak memory of the processes a measurement involves, read from /proc.

- Alur: each worker process of the sandbox (and any child it started);
- PostgreSQL: the backends connected to the measured database, and the server's own
  processes (WAL writer, checkpointer…; shared with anything else using the server);
- Kafka: the broker's JVM (shared with anything else using the broker).

Backends that come and go within a measurement are not seen (the bench's own short polling
connections are such, and are not the system's cost).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds user + system) of a live process."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def _cmdline(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _pids() -> list[int]:
    return [int(p.name) for p in PROC.iterdir() if p.name.isdigit()]


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM), MiB; 0 if it is gone."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass(frozen=True)
class Watched:
    """Which processes count: Alur's by name (pid), PostgreSQL's for `databases`, Kafka's."""

    alur: Mapping[str, int]
    databases: tuple[str, ...]

    def groups(self) -> dict[str, list[int]]:
        parents = {pid: stat[0] for pid in _pids() if (stat := _stat(pid)) is not None}
        groups: dict[str, list[int]] = {}
        for name, root in self.alur.items():
            groups[name] = [root, *_descendants(root, parents)]
        postmasters = [p for p in parents if _cmdline(p).split(" ")[0].endswith("/postgres")]
        postgres = list(postmasters)
        for pid, parent in parents.items():
            if parent in postmasters:
                line = _cmdline(pid)
                # A backend names its user and database; the server's own processes do not.
                if not line.startswith("postgres: alur ") or any(
                    f" {d} " in line for d in self.databases
                ):
                    postgres.append(pid)
        groups["postgresql"] = postgres
        groups["kafka"] = [p for p in parents if "kafka.Kafka" in _cmdline(p)]
        return groups


def _descendants(root: int, parents: Mapping[int, int]) -> list[int]:
    found, frontier = [], [root]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


class CpuMeter:
    """CPU seconds each group of processes spent between `start` and `stop`."""

    def __init__(self, watched: Watched) -> None:
        self._watched = watched
        self._before: dict[int, float] = {}
        self.spent: dict[str, float] = {}

    def _sample(self) -> dict[str, dict[int, float]]:
        return {
            name: {pid: stat[1] for pid in pids if (stat := _stat(pid)) is not None}
            for name, pids in self._watched.groups().items()
        }

    def start(self) -> None:
        self._before = {pid: cpu for group in self._sample().values() for pid, cpu in group.items()}

    def stop(self) -> dict[str, float]:
        # A process that started during the measurement counts from zero.
        self.spent = {
            name: sum(cpu - self._before.get(pid, 0.0) for pid, cpu in group.items())
            for name, group in self._sample().items()
        }
        return self.spent

    @property
    def total(self) -> float:
        return sum(self.spent.values())


def breakdown(spent: Mapping[str, float], per: int) -> str:
    """`web 1.9, projections 1.8, …` ms per unit, largest first."""
    ordered = sorted(spent.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{name} {seconds * 1000 / per:.2f}" for name, seconds in ordered)


def peaks(alur: Mapping[str, int], extra: Iterable[tuple[str, int]] = ()) -> str:
    return ", ".join(f"{name} {peak_rss_mib(pid):.0f}" for name, pid in [*alur.items(), *extra])
