"""What a command refuses to do, with the exit code it refuses with, and the input it reads
the same way in every command (an ISO 8601 moment)."""

from __future__ import annotations

from datetime import datetime, tzinfo

USAGE_ERROR = 2  # argparse's code for usage errors


class Refused(Exception):
    """A refusal: its message (Bahasa Indonesia, naming the option) and the exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def moment(text: str, option: str, time_zone: tzinfo) -> datetime:
    """The ISO 8601 moment `text` given as `option`; without an offset, in `time_zone`."""
    try:
        read = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Refused(
            f"{option} {text!r} bukan waktu ISO 8601 (contoh: 2026-03-17T09:00+07:00)",
            USAGE_ERROR,
        ) from None
    if read.tzinfo is None:  # read in the office's time zone
        read = read.replace(tzinfo=time_zone)
    return read
