"""Invariants of the effects outside the log: every planned notification reached the SMTP sink
or the webhook gateway once, and every SLA timer that came due fired once."""

from __future__ import annotations

from collections import Counter

from services.sla.lapor import AUTO_CLOSE
from soak.evidence import Evidence
from soak.report import INFO, Row

# What each stage of a timer has raised (services/sla/firing.py causation ids).
RAISED_BY_STAGE = {
    "pending": (),
    "warned": ("warning",),
    "breached": ("breach",),
    "escalated": ("breach", "escalation"),
}


def notifications(evidence: Evidence) -> list[Row]:
    rows = []
    statuses = Counter(r["status"] for r in evidence.notifications)
    for channel, received, word in (
        ("email", evidence.emails, "emails at the SMTP sink"),
        ("webhook", evidence.webhooks, "calls at the webhook gateway"),
    ):
        planned = [r for r in evidence.notifications if r["channel"] == channel]
        due = [r for r in planned if r["status"] != "skipped"]
        ids = {str(r["notification_id"]) for r in due}
        missing = [r for r in due if received[str(r["notification_id"])] == 0]
        not_sent = [r for r in due if r["status"] != "sent"]
        if channel == "email":
            doubled = [n for n, count in received.items() if count > 1]
            repeats = 0
        else:  # at least once by design: the gateway drops a repeated X-Alur-Delivery
            doubled = []
            repeats = sum(count - 1 for count in received.values() if count > 1)
        strangers = [n for n in received if n not in ids]
        first = missing[0] if missing else not_sent[0] if not_sent else None
        rows.append(
            Row.check(
                f"notifications planned → {word}",
                f"{len(due)} planned ({len(planned) - len(due)} skipped): missing 0, doubled 0",
                f"received {sum(received.values())}; missing {len(missing)}, not sent"
                f" {len(not_sent)}, doubled {len(doubled)}, not planned {len(strangers)}"
                + (f"; repeated deliveries {repeats}" if channel == "webhook" else ""),
                not missing and not not_sent and not doubled and not strangers,
                f"case {first['case_id']} notification {first['notification_id']}"
                f" ({first['status']}: {first['last_error']})"
                if first
                else f"notification {(doubled or strangers or [''])[0]}",
            )
        )
    rows.append(
        Row(
            "notifications by status",
            "sent or skipped",
            ", ".join(f"{s} {n}" for s, n in sorted(statuses.items())),
            INFO,
        )
    )
    return rows


def timers(evidence: Evidence) -> list[Row]:
    raised: Counter[str] = Counter(
        e.causation_id
        for e in evidence.stored
        if e.causation_id and e.causation_id.startswith("sla:")
    )
    doubled = [c for c, n in raised.items() if n > 1]
    overdue = [
        t
        for t in evidence.timers
        if t["status"] == "open"
        and t["next_fire_at"] is not None
        and t["next_fire_at"] < evidence.sla_cutoff
    ]
    known = {str(t["id"]) for t in evidence.timers}
    without_event = []
    for timer in evidence.timers:
        for what in RAISED_BY_STAGE[timer["stage"]]:
            if timer["kind"] == AUTO_CLOSE and what == "breach":
                what = "auto_close"  # the LAPOR! report closes itself instead
            if not raised[f"sla:{timer['id']}:{what}"]:
                without_event.append(f"case {timer['case_id']} timer {timer['id']} {what}")
    orphans = [c for c in raised if c.split(":")[1] not in known]
    fired = sum(1 for t in evidence.timers if t["stage"] != "pending")
    overdue_text = [f"case {t['case_id']} timer {t['id']} due {t['next_fire_at']}" for t in overdue]
    causes = [f"sla cause {c}" for c in doubled + orphans]
    first = next(iter(causes[:1] + overdue_text[:1] + without_event[:1]), "")
    return [
        Row.check(
            "SLA timers fired once",
            "every due timer fired; doubled 0",
            f"{len(evidence.timers)} timers, {fired} fired ({sum(raised.values())} events);"
            f" doubled {len(doubled)}, due but not fired {len(overdue)},"
            f" stage without its event {len(without_event)}, events without a timer {len(orphans)}",
            not (doubled or overdue or without_event or orphans),
            first,
        )
    ]
