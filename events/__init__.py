"""The contract between Alur's services: the event envelope and every event payload.

Services share nothing else at run time (besides the SOP engine). A payload type is
versioned; an old version is never edited, it gets an upcaster to the next one.
"""

from events.catalog import CATALOG, EventCatalog, UnknownEvent
from events.complaint import ComplaintReceived, Reporter
from events.envelope import Actor, Envelope, Fact, SopRef
from events.steps import STEP_EVENTS, StepRecorded
from events.topics import Topics

__all__ = [
    "CATALOG",
    "STEP_EVENTS",
    "Actor",
    "ComplaintReceived",
    "Envelope",
    "EventCatalog",
    "Fact",
    "Reporter",
    "SopRef",
    "StepRecorded",
    "Topics",
    "UnknownEvent",
]
