"""The SP4N-LAPOR! clocks of a complaint that came through LAPOR! (issue 4 §6, DOMAIN.md §4).

Three timers of their own kinds run next to the SOP steps' timers, on the office calendar,
with the durations of the office option `sla.lapor` (office/lapor_clocks.py):

- `lapor_verification` from `ComplaintReceived` (channel "lapor"): verify and forward within
  3 working days; ended by an event of `verification_done_by` (or of `follow_up_done_by`);
- `lapor_follow_up` from that verification: the agency's follow-up within 5 working days;
  ended by an event of `follow_up_done_by` (`ResponseDelivered`);
- `lapor_auto_close` from that follow-up: after 10 working days without `ReporterReplied`,
  the report closes by itself (`LaporReportClosed`). A reply ends the clock.

The first two warn and breach like a step's timer (`SlaWarningRaised`/`SlaBreached`, whose
`activity` names the LAPOR! clock); the auto-close raises `LaporReportClosed` instead. Only a
case whose verification clock was started gets the later clocks, and each clock starts once.
Closing the case ends the verification and follow-up clocks; the auto-close clock keeps
running (the report on LAPOR! still waits for the reporter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from events import CATALOG, ComplaintReceived, Envelope, Fact
from events.lapor import LaporReportClosed, ReporterReplied
from office import OfficeConfig
from office.lapor_clocks import LaporClock, LaporClocks
from services.sla import timers
from services.sla.changes import Change, CompleteTimers, Context, StartTimer, officer_roles
from services.sla.recording import StillRunning
from services.sla.timers import Timer
from sop.definition import SopDefinition
from sop.duration import Duration
from sop.progress import CLOSING

VERIFICATION: LaporClock = "lapor_verification"
FOLLOW_UP: LaporClock = "lapor_follow_up"
AUTO_CLOSE: LaporClock = "lapor_auto_close"
_ACTIVITIES: dict[str, str] = {
    VERIFICATION: "SP4N-LAPOR!: verifikasi dan penerusan laporan ({})",
    FOLLOW_UP: "SP4N-LAPOR!: tindak lanjut laporan oleh instansi ({})",
    AUTO_CLOSE: "SP4N-LAPOR!: laporan ditutup otomatis bila pelapor tidak menanggapi ({})",
}


def lapor_rules(office: OfficeConfig) -> LaporClocks:
    return getattr(office.sla, "lapor", None) or LaporClocks()


@dataclass(frozen=True)
class StartLaporClock(StartTimer):
    """Start a LAPOR! clock. The later ones (`follows_verification`) start only on a case
    whose verification clock started, i.e. a LAPOR! complaint, and only once per case."""

    follows_verification: bool = True

    async def apply(self, conn: asyncpg.Connection) -> None:
        if self.follows_verification:
            wanted = await conn.fetchval(
                """
                SELECT EXISTS (SELECT 1 FROM sla_timers WHERE case_id = $1 AND kind = $2)
                    AND NOT EXISTS (SELECT 1 FROM sla_timers WHERE case_id = $1 AND kind = $3)
                """,
                self.case_id,
                VERIFICATION,
                self.kind,
            )
            if not wanted:
                return
        await timers.start(conn, self)


@dataclass(frozen=True)
class EndLaporClocks(CompleteTimers):
    """End the case's running LAPOR! clocks of `kinds` (the work they wait for was done)."""


def lapor_clocks(envelope: Envelope, context: Context) -> list[Change]:
    """The planner: start, end and hand over the LAPOR! clocks of a case."""
    rules = lapor_rules(context.office)
    sop = context.sop
    if not rules.enabled or sop is None or envelope.sop is None:
        return []
    changes: list[Change] = []
    if envelope.type == ComplaintReceived.type:
        if CATALOG.payload(envelope, ComplaintReceived).channel == "lapor":
            changes.append(
                _start(envelope, context, sop, rules, VERIFICATION, follows_verification=False)
            )
        return changes
    ended = _ending(envelope, rules)
    if ended:
        changes.append(
            EndLaporClocks(envelope.case_id, ended, envelope.event_id, envelope.position)
        )
    if envelope.type in rules.follow_up_done_by:
        changes.append(_start(envelope, context, sop, rules, AUTO_CLOSE))
    elif envelope.type in rules.verification_done_by:
        changes.append(_start(envelope, context, sop, rules, FOLLOW_UP))
    return changes


def _ending(envelope: Envelope, rules: LaporClocks) -> list[str]:
    if envelope.type == ReporterReplied.type:
        return [AUTO_CLOSE]
    if envelope.type in rules.follow_up_done_by:
        return [VERIFICATION, FOLLOW_UP]
    if envelope.type in rules.verification_done_by:
        return [VERIFICATION]
    if _closes_case(envelope):
        return [VERIFICATION, FOLLOW_UP]
    return []


def _closes_case(fact: Fact) -> bool:
    return fact.sop is not None and fact.sop.step is not None and fact.sop.next_step is None


def _start(
    envelope: Envelope,
    context: Context,
    sop: SopDefinition,
    rules: LaporClocks,
    clock: LaporClock,
    *,
    follows_verification: bool = True,
) -> StartLaporClock:
    assert envelope.sop is not None
    waiting = envelope.sop.next_step
    duration = rules.duration(clock)
    return StartLaporClock.at(
        envelope,
        context,
        sop,
        step=waiting or envelope.sop.step or CLOSING,
        kind=clock,
        activity=_ACTIVITIES[clock].format(duration),
        roles=_roles(sop, waiting),
        duration=duration,
        warns=clock != AUTO_CLOSE,  # a closing report warns nobody
        follows_verification=follows_verification,
    )


def _roles(sop: SopDefinition, waiting: str | None) -> list[str]:
    """The officer roles answerable for the clock: those of the step the case waits at."""
    if waiting is None:
        return []
    if waiting == CLOSING:
        return list(sop.closing.roles) if sop.closing else []
    return officer_roles(sop, sop.step(int(waiting)))


# -- firing -------------------------------------------------------------------------------------


def report_closed(timer: Timer) -> LaporReportClosed:
    """What the auto-close clock raises when it runs out."""
    return LaporReportClosed(
        followed_up_at=timer.started_at,
        reason=(
            "Pelapor tidak menanggapi tindak lanjut dalam"
            f" {_duration_text(timer)} (SP4N-LAPOR!); laporan ditutup otomatis"
        ),
    )


def still_running(rules: LaporClocks) -> dict[str, StillRunning]:
    """Whether each LAPOR! clock still counts when it fires, from the case's history: the
    SLA worker may fire before it has read the event that ended the clock."""
    verified = set(rules.verification_done_by) | set(rules.follow_up_done_by)
    followed_up = set(rules.follow_up_done_by)

    def verification(timer: Timer, history: Sequence[Fact]) -> bool:
        return not any(f.type in verified or _closes_case(f) for f in _since(timer, history))

    def follow_up(timer: Timer, history: Sequence[Fact]) -> bool:
        return not any(f.type in followed_up or _closes_case(f) for f in _since(timer, history))

    def auto_close(timer: Timer, history: Sequence[Fact]) -> bool:
        return not any(f.type == ReporterReplied.type for f in _since(timer, history))

    return {VERIFICATION: verification, FOLLOW_UP: follow_up, AUTO_CLOSE: auto_close}


def _since(timer: Timer, history: Sequence[Fact]) -> Sequence[Fact]:
    for index, fact in enumerate(history):
        if fact.event_id == timer.started_event_id:
            return history[index + 1 :]
    return ()


def _duration_text(timer: Timer) -> str:
    value = timer.duration_value
    if value is not None and float(value).is_integer():
        value = int(value)
    return str(Duration(value=value, unit=timer.duration_unit))  # type: ignore[arg-type]
