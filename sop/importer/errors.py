"""The one error the importer raises: a document it cannot read, named by file and line."""

from __future__ import annotations


class UnreadableDocument(ValueError):
    """A document the importer cannot read.

    `str()` gives "SOURCE:LINE: reason", the form editors and compilers use, so a person can
    jump to the line that needs fixing.
    """

    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(f"{source}:{line}: {reason}")
        self.source = source
        self.line = line
        self.reason = reason
