"""The office's mailbox on its IMAP server (imapclient; blocking: the reader runs it in a thread).

One connection, one folder selected (`ALUR_IMAP_FOLDER`). Mails are read with BODY.PEEK (no
\\Seen flag set) and leave the folder only by `move`, to the processed or quarantine folder, which
are created when missing. `idle` waits for a change with IDLE, when the server's CAPABILITY
offers it (`idles`); the reader polls the others.

One command at a time on the connection (`_talking`): a stopping reader closes the mailbox
while its thread may still be inside a command (an IDLE slice), and a LOGOUT sent in the middle
of IDLE left both threads waiting on each other's answers until the socket timed out.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from imapclient import IMAPClient

from services.intake.mail.settings import MailSettings


@dataclass(frozen=True)
class Fetched:
    uid: int
    raw: bytes


class ImapMailbox:
    def __init__(self, settings: MailSettings) -> None:
        self._settings = settings
        self._client: IMAPClient | None = None
        self.uidvalidity = 0
        self.idles = False
        self._talking = threading.Lock()

    def open(self) -> None:
        """Connect, log in, create the folders the intake moves to, select the inbox."""
        settings = self._settings
        context = ssl.create_default_context(
            cafile=str(settings.imap_ca_file) if settings.imap_ca_file else None
        )
        assert settings.imap_host is not None
        client = IMAPClient(
            settings.imap_host,
            port=settings.port(),
            ssl=settings.imap_security == "tls",
            ssl_context=context,
            timeout=settings.imap_timeout_seconds,
        )
        try:
            if settings.imap_security == "starttls":
                client.starttls(context)
            client.login(settings.imap_username or "", settings.imap_password or "")
            for folder in (settings.imap_processed_folder, settings.imap_quarantine_folder):
                if not client.folder_exists(folder):
                    client.create_folder(folder)
            selected = client.select_folder(settings.imap_folder)
            self.uidvalidity = int(selected[b"UIDVALIDITY"])
            self.idles = b"IDLE" in client.capabilities()
        except BaseException:
            _quietly_close(client)
            raise
        self._client = client

    @property
    def client(self) -> IMAPClient:
        assert self._client is not None, "open the mailbox first"
        return self._client

    def waiting(self) -> list[tuple[int, int]]:
        """The UID and size (bytes) of each mail in the folder, oldest first."""
        with self._talking:
            return self._waiting()

    def _waiting(self) -> list[tuple[int, int]]:
        uids = self.client.search("ALL")
        if not uids:
            return []
        sizes = self.client.fetch(uids, ["RFC822.SIZE"])
        return sorted(
            (uid, int(data[b"RFC822.SIZE"]))
            for uid, data in sizes.items()
            if b"RFC822.SIZE" in data  # gone meanwhile otherwise
        )

    def fetch(self, uid: int) -> Fetched | None:
        """The raw mail (None when it left the folder meanwhile)."""
        with self._talking:
            answer = self.client.fetch([uid], ["BODY.PEEK[]"])
        data = answer.get(uid, {}).get(b"BODY[]")
        return None if data is None else Fetched(uid, bytes(data))

    def move(self, uids: Sequence[int], folder: str) -> None:
        with self._talking:
            self._move(uids, folder)

    def _move(self, uids: Sequence[int], folder: str) -> None:
        if self.client.has_capability("MOVE"):
            self.client.move(list(uids), folder)
            return
        self.client.copy(list(uids), folder)
        self.client.delete_messages(list(uids))
        if self.client.has_capability("UIDPLUS"):
            self.client.uid_expunge(list(uids))
        else:
            self.client.expunge()

    def check(self) -> None:
        """Ask the server whether it is still there (and what changed): NOOP."""
        with self._talking:
            self.client.noop()

    def idle(self, seconds: float) -> bool:
        """Wait until the server says something (the folder changed) or `seconds` passed
        (IDLE servers only); whether it said something."""
        with self._talking:
            self.client.idle()
            try:
                heard = self.client.idle_check(timeout=seconds)
            finally:
                self.client.idle_done()
        return bool(heard)

    def close(self) -> None:
        """Log out, once the command in flight (at most one IDLE slice) has ended."""
        with self._talking:
            if self._client is not None:
                _quietly_close(self._client)
                self._client = None


def _quietly_close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001  a connection already lost needs no goodbye
        with contextlib.suppress(Exception):
            client.shutdown()
