"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepted."""

from __future__ import annotations

import email
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return body.get_content().replace("\r\n", "\n")


class Mailbox:
    """The handler of the test SMTP server and what it received."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[Received] = []
        self._refuse_once: set[str] = set()
        self.host = "127.0.0.1"
        self.port = 0

    def refuse_once(self, address: str) -> None:
        """Answer 451 to the first finished message for `address`."""
        with self._lock:
            self._refuse_once.add(address)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            refused = set(envelope.rcpt_tos) & self._refuse_once
            if refused:
                self._refuse_once -= refused
                return "451 4.3.0 try again later"
            message = email.message_from_bytes(envelope.original_content, policy=default)
            assert isinstance(message, EmailMessage)
            self._messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 accepted"

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages() if address in m.rcpt_tos]

    def with_id(self, message_id: str) -> list[Received]:
        return [m for m in self.messages() if m.message_id == message_id]


def start() -> tuple[Mailbox, Controller]:
    mailbox = Mailbox()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        mailbox.port = s.getsockname()[1]
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    controller.start()
    return mailbox, controller
