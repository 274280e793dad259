"""Personal data protection by crypto-shredding (DOMAIN.md §6, README "Personal data").

Personal values are sealed with their data subject's own key before they enter an event or a read
model, and revealed only when an authorised reader sees them or a message is sent. Destroying the
key erases every copy at once: the event log, Kafka, the dead letters and the read models.
"""

from privacy.envelope import ERASED, PREFIX, UNREADABLE, is_sealed
from privacy.master import MasterKey, normal_email, normal_phone
from privacy.store import Destroyed, PersonalDataKeys, Subject

__all__ = [
    "ERASED",
    "PREFIX",
    "UNREADABLE",
    "Destroyed",
    "MasterKey",
    "PersonalDataKeys",
    "Subject",
    "is_sealed",
    "normal_email",
    "normal_phone",
]
