"""Every read model the projections worker keeps, and how to build each.

Each entry: its name (also `alur replay --projection NAME`), how to build it from the shared
sources, the case types it reads and its consumer group. A projection implements
`projector.Projection`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from events.topics import CASE_TYPES
from services.projections.archive import ArchiveProjection
from services.projections.case_access import CaseAccessProjection
from services.projections.guest_book import GuestBookProjection
from services.projections.projector import Projection
from services.projections.register import RegisterProjection
from services.projections.skm import SkmProjection
from services.projections.sources import Sources
from services.projections.step_times import StepTimesProjection
from services.projections.timeline import TimelineProjection
from services.projections.work_queue import WorkQueueProjection


@dataclass(frozen=True)
class ProjectionEntry:
    name: str
    build: Callable[[Sources], Projection]
    case_types: tuple[str, ...] = CASE_TYPES
    group: str | None = None  # consumer group (inside the namespace); default projections.NAME

    @property
    def consumer_group(self) -> str:
        return self.group or f"projections.{self.name}"


PROJECTIONS: list[ProjectionEntry] = [
    # The register's group keeps its first name, so a running installation does not re-read.
    ProjectionEntry(
        "complaint_register", lambda s: RegisterProjection(s.sops), group="projections.register"
    ),
    ProjectionEntry("guest_book", lambda s: GuestBookProjection()),
    ProjectionEntry("case_archive", lambda s: ArchiveProjection(s.office)),
    ProjectionEntry("step_times", lambda s: StepTimesProjection(s.sops, s.office, s.calendar)),
    ProjectionEntry("case_timeline", lambda s: TimelineProjection()),
    ProjectionEntry("skm_responses", lambda s: SkmProjection(s.sops)),
    ProjectionEntry("case_access", lambda s: CaseAccessProjection(s.sops)),
    ProjectionEntry("work_queue", lambda s: WorkQueueProjection(s.sops, s.office, s.calendar)),
]


def build_projection(entry: ProjectionEntry, sources: Sources) -> Projection:
    projection = entry.build(sources)
    assert projection.name == entry.name, f"{entry.name} builds {projection.name}"
    return projection
