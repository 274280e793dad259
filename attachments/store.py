"""Where attachments' files are kept: the `AttachmentFiles` port and its directory adapter.

A file is kept under its case and the SHA-256 of its cleaned bytes (`<case id>/<sha256>`), as
its sealed bytes (privacy: only its data subject's key opens them). Writes are atomic (a file
is written beside its place, then renamed), so a reader never sees half a file.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Protocol

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class AttachmentFiles(Protocol):
    async def put(self, case_id: uuid.UUID, sha256: str, sealed: bytes) -> None: ...

    async def get(self, case_id: uuid.UUID, sha256: str) -> bytes | None:
        """The sealed bytes; None when there is no such file (never kept, or deleted)."""
        ...

    async def delete_case(self, case_id: uuid.UUID) -> int:
        """Delete every file of the case; how many there were."""
        ...


class DirectoryFiles:
    """`AttachmentFiles` in a directory (`ALUR_ATTACHMENT_DIR`; a volume in compose.yaml)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, case_id: uuid.UUID, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise ValueError("not a SHA-256 in hexadecimal")
        return self.root / str(case_id) / sha256

    async def put(self, case_id: uuid.UUID, sha256: str, sealed: bytes) -> None:
        await asyncio.to_thread(self._write, self._path(case_id, sha256), sealed)

    async def get(self, case_id: uuid.UUID, sha256: str) -> bytes | None:
        path = self._path(case_id, sha256)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None

    async def delete_case(self, case_id: uuid.UUID) -> int:
        folder = self.root / str(case_id)
        if not folder.is_dir():
            return 0
        count = sum(1 for _ in folder.iterdir())
        await asyncio.to_thread(shutil.rmtree, folder, True)
        return count

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
