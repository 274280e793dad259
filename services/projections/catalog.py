"""Every read model the projections worker keeps, and how to build each.

Each entry: its name (also `alur replay --projection NAME`) and how to build it from the shared
sources. A projection implements `projector.Projection`; it is given every case event and skips
those it does not care about. All are fed by one consumer group, `GROUP`
(alur/workers/projections.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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

# The consumer group (inside the namespace) of every projection. Until 2026-12 each projection
# had its own (`projections.register`, `projections.NAME`): an upgraded installation's new group
# starts at the earliest offset once, and the watermarks skip what each projection holds.
GROUP = "projections"


@dataclass(frozen=True)
class ProjectionEntry:
    name: str
    build: Callable[[Sources], Projection]
    # Seconds its replay of the bench's 1,000,000 events took (`make bench`, 2026-12): how a
    # replay shares the projections between its two lanes (alur/commands/replay_lane.py).
    replay_cost: float = 10.0


PROJECTIONS: list[ProjectionEntry] = [
    ProjectionEntry("complaint_register", lambda s: RegisterProjection(s.sops), 23.6),
    ProjectionEntry("guest_book", lambda s: GuestBookProjection(), 8.3),
    ProjectionEntry("case_archive", lambda s: ArchiveProjection(s.office), 14.7),
    ProjectionEntry(
        "step_times", lambda s: StepTimesProjection(s.sops, s.office, s.calendar), 61.2
    ),
    ProjectionEntry("case_timeline", lambda s: TimelineProjection(), 23.2),
    ProjectionEntry("skm_responses", lambda s: SkmProjection(s.sops), 8.0),
    ProjectionEntry("case_access", lambda s: CaseAccessProjection(s.sops), 40.7),
    ProjectionEntry(
        "work_queue", lambda s: WorkQueueProjection(s.sops, s.office, s.calendar), 53.3
    ),
]


def build_projection(entry: ProjectionEntry, sources: Sources) -> Projection:
    projection = entry.build(sources)
    assert projection.name == entry.name, f"{entry.name} builds {projection.name}"
    return projection
