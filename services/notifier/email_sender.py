"""Email over SMTP (aiosmtplib) with the record written at the one safe moment.

A message is accepted by the server when it reads the final "<CRLF>.<CRLF>" of DATA; a
connection dropped before that makes the server discard the message (RFC 5321 §4.1.1.4).
So the sender writes the whole message, lets the caller record it sent (`commit`), and only
then writes the terminator and reads the reply:
- a crash (or a failed commit) before the record drops the connection: nothing is delivered,
  and the retry sends the message once;
- a refusal after the terminator is reported (`Refused`) so the caller can retry;
- what remains is the time between the commit and one 3-byte write: a crash exactly there
  loses the message instead of doubling it. The attempt stays `committed` in the log.

Every message threads back (issue 18): its Message-ID names the case with a keyed tag
(runtime/mail_thread.py), so a reply's `In-Reply-To`/`References` find the case; `Reply-To` is
the office's intake mailbox (`ALUR_MAIL_REPLY_TO`) when set; `Auto-Submitted: auto-generated`
keeps auto-responders quiet (RFC 3834); `X-Alur-Notification` marks it as Alur's own. The
subject carries the tracking number in brackets (the planner puts it there).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, parseaddr

import aiosmtplib

from runtime.mail_thread import OWN_HEADER, MailThread
from services.notifier.notification_log import Claimed

LINE_ENDINGS = re.compile(rb"\r\n|\n|\r")
LEADING_PERIOD = re.compile(rb"(?m)^\.")


class Refused(Exception):
    """The server did not take the message; `permanent` for a 5xx answer."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class NotRecorded(Exception):
    """The caller could not record the message sent (its lease ran out): not delivered."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    sender: str  # the From header, e.g. "Dinas Kesehatan <pengaduan@dinkes.example.id>"
    username: str | None = None
    password: str | None = None
    timeout: float = 15.0
    reply_to: str | None = None  # the office's intake mailbox, where replies are read


def build_message(
    claimed: Claimed, sender: str, thread: MailThread, reply_to: str | None = None
) -> EmailMessage:
    """The email of a notification, the same bytes-for-bytes content on every retry."""
    message = EmailMessage(policy=SMTP_POLICY)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "alur"
    message["Message-ID"] = thread.message_id(claimed.case_id, claimed.notification_id, domain)
    message["Date"] = format_datetime(claimed.created_at)
    message["From"] = sender
    message["To"] = claimed.recipient
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = claimed.subject
    message["Auto-Submitted"] = "auto-generated"
    message[OWN_HEADER] = str(claimed.notification_id)
    message.set_content(claimed.body_text)
    message.add_alternative(claimed.body_html, subtype="html")
    return message


def data_content(message: EmailMessage) -> bytes:
    """The message as DATA carries it: CRLF lines, leading periods doubled, ends with CRLF."""
    raw = LINE_ENDINGS.sub(b"\r\n", message.as_bytes())
    if not raw.endswith(b"\r\n"):
        raw += b"\r\n"
    return LEADING_PERIOD.sub(b"..", raw)


class EmailSender:
    def __init__(self, server: SmtpServer, thread: MailThread) -> None:
        self._server = server
        self._thread = thread

    async def send(self, claimed: Claimed, commit: Callable[[], Awaitable[bool]]) -> None:
        """Send one notification; `commit` records it sent and says whether it could.

        Raises `Refused` if the server refuses it (before or after the record) and
        `NotRecorded` if `commit` answered False; connection problems raise aiosmtplib's
        errors (or OSError) before anything is recorded.
        """
        server = self._server
        sender_address = parseaddr(server.sender)[1]
        content = data_content(build_message(claimed, server.sender, self._thread, server.reply_to))
        smtp = aiosmtplib.SMTP(hostname=server.host, port=server.port, timeout=server.timeout)
        await smtp.connect()
        try:
            if server.username and server.password:
                await smtp.login(server.username, server.password)
            try:
                await smtp.mail(sender_address)
                await smtp.rcpt(claimed.recipient)
            except aiosmtplib.SMTPResponseException as error:
                raise Refused(str(error), permanent=500 <= error.code < 600) from error
            start = await smtp.execute_command(b"DATA")
            if start.code != 354:
                raise Refused(f"DATA answered {start.code} {start.message}")
            assert smtp.protocol is not None
            smtp.protocol.write(content)
            # The message is on the wire but unfinished: the server keeps nothing yet.
            if not await commit():
                raise NotRecorded(str(claimed.notification_id))
            done = await smtp.execute_command(b".")  # writes the terminator "<CRLF>.<CRLF>"
            if done.code != 250:
                raise Refused(f"{done.code} {done.message}", permanent=500 <= done.code < 600)
        except BaseException:
            smtp.close()  # drop the connection: an unfinished DATA is discarded
            raise
        try:
            await smtp.quit()
        except aiosmtplib.SMTPException:
            smtp.close()
