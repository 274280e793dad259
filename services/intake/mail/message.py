"""What a mail in the office's mailbox is, read from its raw bytes. Pure.

`read(raw)` answers one of:
- `Letter`: a person wrote (a new complaint, or a reply to one: the intake decides which from
  `thread` and the tracking number in `subject`), with the sender, the plain text (an HTML-only
  mail converted to text) and the attached files;
- `Automatic`: nobody wrote it — an auto-reply, a list or bulk mail, a loop, a mailer daemon's
  notice, or Alur's own notification (`X-Alur-Notification`): dropped, `reason` says why;
- `Bounce`: a delivery-failure report (multipart/report; report-type=delivery-status) with the
  Message-ID and References of the message that bounced, and the DSN status code;
- `Unreadable`: a mail that cannot be taken in (no usable sender, headers that do not parse):
  quarantined, `reason` says why.

Transfer encodings (quoted-printable, base64) and charsets are the stdlib `email` package's
work (policy.default); HTML is turned into text by BeautifulSoup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser, HeaderParser

from bs4 import BeautifulSoup

MAX_ATTACHMENTS = 10  # files taken from one mail; the rest are named as not received
MAX_TEXT = 10_000  # characters of a mail's text kept (a complaint's description at most)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_BLANK_LINES = re.compile(r"\n{3,}")
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DAEMONS = frozenset({"mailer-daemon", "postmaster"})
_BULK = frozenset({"bulk", "junk", "list"})
_DSN_STATUS = re.compile(r"^[245]\.\d{1,3}\.\d{1,3}$")


@dataclass(frozen=True)
class File:
    filename: str | None
    data: bytes


@dataclass(frozen=True)
class Letter:
    """A mail a person wrote."""

    sender: str  # the address, lower case
    name: str | None  # the display name, when the From header has one
    subject: str
    text: str
    message_id: str | None
    thread: tuple[str | None, ...]  # In-Reply-To, References
    files: tuple[File, ...] = ()
    files_left_out: int = 0  # beyond MAX_ATTACHMENTS


@dataclass(frozen=True)
class Automatic:
    reason: str
    message_id: str | None = None


@dataclass(frozen=True)
class Bounce:
    message_id: str | None  # the report's own
    bounced: tuple[str | None, ...] = field(default=())  # Message-ID, References of what bounced
    status: str | None = None


@dataclass(frozen=True)
class Unreadable:
    reason: str


Mail = Letter | Automatic | Bounce | Unreadable


def read(raw: bytes) -> Mail:
    """What the raw mail is (never raises)."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        return _what(message)  # type: ignore[arg-type]  (policy.default gives EmailMessage)
    except Exception as error:  # noqa: BLE001  a mail that breaks the parser is quarantined
        return Unreadable(f"unparseable:{type(error).__name__}")


def _what(message: EmailMessage) -> Mail:
    if not message.keys():
        return Unreadable("no_headers")
    message_id = _header(message, "Message-ID")
    if message.get("X-Alur-Notification") is not None:
        return Automatic("own_notification", message_id)
    if _is_delivery_report(message):
        return _bounce(message, message_id)
    auto = (_header(message, "Auto-Submitted") or "no").lower()
    if auto != "no":
        return Automatic("auto_submitted", message_id)
    if (_header(message, "Precedence") or "").lower() in _BULK:
        return Automatic("precedence", message_id)
    if message.get("X-Loop") is not None:
        return Automatic("x_loop", message_id)
    sender = _sender(message)
    if sender is None:
        return Unreadable("no_sender")
    address, name = sender
    if address.split("@")[0] in _DAEMONS:
        return Automatic("mailer_daemon", message_id)
    files = [
        _file(part)
        for part in message.iter_attachments()
        if isinstance(part, EmailMessage) and not part.is_multipart()
    ]
    return Letter(
        sender=address,
        name=name,
        subject=_one_line(_header(message, "Subject") or "")[:200].strip(),
        text=_text(message),
        message_id=message_id,
        thread=(_header(message, "In-Reply-To"), _header(message, "References")),
        files=tuple(files[:MAX_ATTACHMENTS]),
        files_left_out=max(len(files) - MAX_ATTACHMENTS, 0),
    )


def _file(part: EmailMessage) -> File:
    content = part.get_content()
    data = content.encode() if isinstance(content, str) else bytes(content)
    return File(part.get_filename(), data)


def _header(message: Message, name: str) -> str | None:
    value = message.get(name)
    return None if value is None else str(value).strip() or None


def _sender(message: EmailMessage) -> tuple[str, str | None] | None:
    header = message.get("From")
    addresses: tuple[Address, ...] = getattr(header, "addresses", ()) if header else ()
    if not addresses:
        return None
    address = addresses[0].addr_spec.strip().lower()
    if not _ADDRESS.match(address) or len(address) > 254:
        return None
    name = _one_line(addresses[0].display_name or "").strip()[:200]
    return address, name or None


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = body.get_content()
    if not isinstance(content, str):
        return ""
    if body.get_content_subtype() == "html":
        page = BeautifulSoup(content, "html.parser")
        for hidden in page(["script", "style", "head", "template"]):
            hidden.decompose()
        content = page.get_text("\n")
    text = _CONTROL.sub("", content.replace("\r\n", "\n").replace("\r", "\n"))
    lines = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", lines).strip()[:MAX_TEXT]


def _one_line(value: str) -> str:
    return " ".join(_LINE_CONTROL.sub(" ", value).split())


def _is_delivery_report(message: EmailMessage) -> bool:
    return (
        message.get_content_type() == "multipart/report"
        and (message.get_param("report-type") or "").lower() == "delivery-status"
    )


def _bounce(message: EmailMessage, message_id: str | None) -> Bounce:
    bounced: tuple[str | None, ...] = ()
    status: str | None = None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status" and status is None:
            status = _status(part)
        elif kind == "message/rfc822" and not bounced:
            inner = part.get_payload(0) if part.is_multipart() else None
            if isinstance(inner, Message):
                bounced = (_header(inner, "Message-ID"), _header(inner, "References"))
        elif kind == "text/rfc822-headers" and not bounced:
            headers = HeaderParser(policy=policy.default).parsestr(str(part.get_content()))
            bounced = (_header(headers, "Message-ID"), _header(headers, "References"))
    return Bounce(message_id, bounced, status)


def _status(part: Message) -> str | None:
    """The first per-recipient `Status:` of a delivery-status part (RFC 3464)."""
    blocks = part.get_payload()
    for block in blocks if isinstance(blocks, list) else ():
        value = _header(block, "Status") if isinstance(block, Message) else None
        if value:
            code = value.split()[0]
            return code if _DSN_STATUS.match(code) else None
    return None
