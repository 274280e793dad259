"""The data subjects of a case, read from its own events.

A sealed value names its subject (`alur:v1:<subject id>:…`, privacy/envelope.py), so the
events themselves say whose keys a case's personal data depends on, whether or not those keys
still exist.
"""

from __future__ import annotations

from collections.abc import Iterable

from events import Fact
from privacy.envelope import parse, sealed_in


def subjects_of(history: Iterable[Fact]) -> list[str]:
    """The ids of every data subject whose sealed values the facts hold, in order found."""
    found: dict[str, None] = {}
    for fact in history:
        for text in sealed_in(fact.payload):
            sealed = parse(text)
            if sealed is not None:
                found.setdefault(str(sealed.subject_id), None)
    return list(found)
