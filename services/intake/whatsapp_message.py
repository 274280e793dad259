"""What a WhatsApp gateway sends (`POST /api/channels/whatsapp`), checked, and its media.

The body (JSON, `extra` members refused):

    {"message_id": "wamid.HBgM…",           # the gateway's id of the message (1–200 chars)
     "from": "+6281234567890",              # the sender's number: +62…, 62… or 08…
     "name": "Siti Aminah",                 # optional: the sender's profile name
     "text": "Obat di Puskesmas habis …",   # optional if there is media
     "media": [{"url": "https://media.gateway.example/abc.jpg"},
               {"data": "<base64>", "mime_type": "image/jpeg", "filename": "foto.jpg"}],
     "timestamp": 1767225600}               # optional: when it was sent (unix seconds)

Media become attachments through the attachment store (attachments/: checked by content and
cleaned). Inline media (`data`) are decoded here; a `url` is fetched only from a host named in
`ALUR_WHATSAPP_MEDIA_HOSTS` (anything else is refused, 422 naming the item), without following
redirects, within `ALUR_WHATSAPP_MEDIA_TIMEOUT_SECONDS` and the attachment size limit; when the
host cannot be reached the answer is 503 (nothing recorded: the gateway delivers it again).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from attachments import Upload
from privacy import normal_phone
from runtime.http.errors import FieldRefused, HttpError
from runtime.settings import AlurSettings
from services.intake.submission import SHAPES, Line, Text

MAX_MEDIA = 5
SUBJECT_CHARS = 60
NO_TEXT = "Pesan WhatsApp tanpa teks (lihat lampiran)."


class WhatsAppSettings(AlurSettings):
    # The gateway's secret: its messages are signed with it (runtime/signatures.py, the scheme
    # of the outgoing webhooks); unset, the one of the outgoing webhooks. Neither: the channel
    # is off (404).
    whatsapp_secret: str | None = Field(
        None, validation_alias=AliasChoices("ALUR_WHATSAPP_SECRET", "ALUR_WEBHOOK_SECRET")
    )
    # Hosts media URLs are fetched from (comma-separated); empty: no URL is fetched.
    whatsapp_media_hosts: str = Field("", validation_alias="ALUR_WHATSAPP_MEDIA_HOSTS")
    whatsapp_media_timeout_seconds: float = Field(
        10.0, gt=0, validation_alias="ALUR_WHATSAPP_MEDIA_TIMEOUT_SECONDS"
    )

    def media_hosts(self) -> frozenset[str]:
        return frozenset(
            h.strip().lower() for h in self.whatsapp_media_hosts.split(",") if h.strip()
        )


class Media(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: Line | None = Field(None, max_length=2_000)
    data: str | None = None  # base64
    mime_type: Line | None = Field(None, max_length=100)  # what the gateway says; not trusted
    filename: Line | None = Field(None, max_length=200)

    @model_validator(mode="after")
    def url_or_data(self) -> Media:
        if (self.url is None) == (self.data is None):
            raise ValueError("isi tepat satu dari url atau data")
        return self


class GatewayMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    message_id: Line = Field(min_length=1, max_length=200)
    sender: Line = Field(alias="from", max_length=30)
    name: Line | None = Field(None, max_length=200)
    text: Text | None = Field(None, max_length=10_000)
    media: list[Media] = Field(default_factory=list, max_length=MAX_MEDIA)
    timestamp: int | None = Field(None, ge=0)

    @field_validator("sender")
    @classmethod
    def phone_shape(cls, value: str) -> str:
        pattern, reason = SHAPES["phone"]
        if not pattern.match(value):
            raise ValueError(reason)
        return value

    @field_validator("name", "text", mode="before")
    @classmethod
    def blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def says_something(self) -> GatewayMessage:
        if self.text is None and not self.media:
            raise ValueError("pesan harus berisi teks atau media")
        return self

    @property
    def phone(self) -> str:
        """The sender's number in its international form: +6281234567890."""
        return f"+{normal_phone(self.sender)}"

    @property
    def subject(self) -> str:
        """A new complaint's subject: the text's first line, cut at about 60 characters."""
        first = (self.text or "").strip().splitlines()[0] if self.text else ""
        if len(first) > SUBJECT_CHARS:
            first = first[:SUBJECT_CHARS].rsplit(" ", 1)[0].rstrip() + " …"
        return first if len(first) >= 3 else "Pengaduan melalui WhatsApp"

    @property
    def description(self) -> str:
        """A new complaint's description: the text (at least 10 characters, as every one)."""
        if self.text is None:
            return NO_TEXT
        return self.text if len(self.text) >= 10 else f"Pesan WhatsApp: {self.text}"


@dataclass(frozen=True)
class MediaSource:
    """Where a message's media come from: inline, or fetched from the allowed hosts."""

    client: httpx.AsyncClient
    hosts: frozenset[str]
    max_bytes: int

    async def uploads(self, media: Sequence[Media]) -> list[Upload]:
        """Each item's bytes; FieldRefused naming the item (`media.N.…`) that cannot be read."""
        return [await self._upload(item, f"media.{n}") for n, item in enumerate(media)]

    async def _upload(self, item: Media, field: str) -> Upload:
        if item.data is not None:
            try:
                data = base64.b64decode(item.data, validate=True)
            except (binascii.Error, ValueError):
                raise FieldRefused(f"{field}.data", "bukan base64 yang valid") from None
            return Upload(data, item.filename)
        assert item.url is not None
        return Upload(await self._fetched(item.url, f"{field}.url"), item.filename)

    async def _fetched(self, url: str, field: str) -> bytes:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FieldRefused(field, "harus URL http(s)")
        if parts.hostname.lower() not in self.hosts:
            raise FieldRefused(
                field,
                "host media tidak diizinkan (ALUR_WHATSAPP_MEDIA_HOSTS); kirim media sebagai data",
            )
        data = bytearray()
        try:
            async with self.client.stream("GET", url, follow_redirects=False) as response:
                if response.status_code != 200:
                    raise FieldRefused(
                        field, f"media tidak dapat diambil (HTTP {response.status_code})"
                    )
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) > self.max_bytes:
                        raise FieldRefused(
                            field, f"media terlalu besar (maksimal {self.max_bytes} bita)"
                        )
        except httpx.HTTPError as error:
            # The gateway's media host is away: nothing is recorded, and the gateway may deliver
            # the message again later.
            raise HttpError(
                503,
                "media_unavailable",
                f"media tidak dapat diambil ({type(error).__name__})",
                field,
            ) from None
        return bytes(data)
