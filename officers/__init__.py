"""The office's officers: who they are, which SOP roles they hold, who their superior is, and
the API tokens they act with. The public reporter is not an officer."""

from officers.directory import OfficerDirectory, OfficerRefused

__all__ = ["OfficerDirectory", "OfficerRefused"]
