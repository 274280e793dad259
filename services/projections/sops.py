"""The SOP versions a batch of events runs under, fetched once and then read synchronously."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from events import Envelope
from sop.definition import SopDefinition
from sop.progress import CLOSING
from sop.registry import UnknownSop

SopVersion = Callable[[str, int], Awaitable[SopDefinition]]


class SopBook:
    def __init__(self, sop_version: SopVersion) -> None:
        self._sop_version = sop_version
        self._known: dict[tuple[str, int], SopDefinition | None] = {}

    async def prepare(self, envelopes: Iterable[Envelope]) -> None:
        for ref in {(e.sop.id, e.sop.version) for e in envelopes if e.sop is not None}:
            if ref not in self._known:
                try:
                    self._known[ref] = await self._sop_version(*ref)
                except UnknownSop:
                    self._known[ref] = None

    def get(self, sop_id: str, version: int) -> SopDefinition | None:
        """A version `prepare` fetched; None when the registry does not know it."""
        return self._known.get((sop_id, version))

    def activity(self, sop_id: str, version: int, step: str) -> str | None:
        """The *uraian kegiatan* of a step ref ("3", "closing") of an SOP version."""
        sop = self.get(sop_id, version)
        if sop is None:
            return None
        if step == CLOSING:
            return sop.closing.activity if sop.closing else None
        number = int(step)
        return sop.step(number).activity if 1 <= number <= len(sop.steps) else None
