"""The write side: cases as event-sourced aggregates, stored in PostgreSQL."""

from cases.case import Case
from cases.store import CaseConflict, CaseStore

__all__ = ["Case", "CaseConflict", "CaseStore"]
