"""Payloads of the retention schedule's decisions (JRA, DOMAIN.md §7; office/retention.py).

When a closed case's inactive period ends, the retention worker records exactly one decision on
it: its records destroyed (musnah: the personal data crypto-shredded), listed for review (nilai
kembali) or kept for good (permanen). The case, its steps and times stay in every case.
"""

from __future__ import annotations

from datetime import date

from events.payload import Payload


class _RetentionDecision(Payload):
    """What every retention decision names: the schedule's dates and the rule it applied."""

    record_type: str | None = None  # the schedule's name for the files, if it gives one
    closed_on: date  # the case closed (office date)
    active_until: date  # retensi aktif ended
    inactive_until: date  # retensi inaktif ended: the decision's day


class CaseRecordsDestroyed(
    _RetentionDecision, type="CaseRecordsDestroyed", version=1, label="Arsip dimusnahkan"
):
    """The case's records met their final disposition, musnah (v1): the keys of its data
    subjects were destroyed, so its personal data reads "[dihapus]" everywhere."""

    subjects: list[str]  # the data subjects' ids in the key store whose keys were destroyed


class CaseReviewDue(
    _RetentionDecision, type="CaseReviewDue", version=1, label="Arsip perlu dinilai kembali"
):
    """The case's records reached nilai kembali (v1): listed for the archivist's review
    (`alur archive due`); nothing is destroyed."""


class CaseRecordsKept(
    _RetentionDecision, type="CaseRecordsKept", version=1, label="Arsip disimpan permanen"
):
    """The case's records are kept for good, permanen (v1)."""
