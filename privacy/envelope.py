"""The sealed form of one personal value, as it is stored in events and read models.

    alur:v1:<subject uuid>:<base64url(nonce ‖ AES-256-GCM ciphertext ‖ tag)>

The subject's data key encrypts the UTF-8 text; the associated data is the prefix
`alur:v1:<subject uuid>`, so a sealed value cannot be passed off as another subject's. Pure: the
key is given (privacy/store.py finds it).
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from privacy.master import NONCE_BYTES

PREFIX = "alur:v1:"
# What a reader sees where a value was sealed with a key that has been destroyed (erasure,
# retention), and where it cannot be opened at all (an unknown subject, another master key).
ERASED = "[dihapus]"
UNREADABLE = "[tidak terbaca]"


@dataclass(frozen=True)
class Sealed:
    subject_id: uuid.UUID
    aad: bytes
    blob: bytes  # nonce ‖ ciphertext ‖ tag


def is_sealed(text: object) -> bool:
    return isinstance(text, str) and text.startswith(PREFIX)


def sealed_in(value: Any) -> Iterator[str]:
    """Every sealed text in `value` (a payload, a row, a list of them), in order found."""
    if isinstance(value, str):
        if is_sealed(value):
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from sealed_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from sealed_in(item)


def seal_with(key: bytes, subject_id: uuid.UUID, plaintext: str) -> str:
    head = f"{PREFIX}{subject_id}"
    nonce = os.urandom(NONCE_BYTES)
    blob = nonce + AESGCM(key).encrypt(nonce, plaintext.encode(), head.encode())
    return f"{head}:{base64.urlsafe_b64encode(blob).decode().rstrip('=')}"


def seal_bytes_with(key: bytes, subject_id: uuid.UUID, data: bytes) -> bytes:
    """A file's sealed form: `alur:v1:<subject uuid>:` then nonce ‖ ciphertext ‖ tag, the head
    being the associated data (as a sealed text's)."""
    head = f"{PREFIX}{subject_id}:".encode()
    nonce = os.urandom(NONCE_BYTES)
    return head + nonce + AESGCM(key).encrypt(nonce, data, head)


def parse_bytes(blob: bytes) -> Sealed | None:
    """The parts of a sealed file; None when `blob` is not one."""
    size = len(PREFIX) + 36 + 1  # the prefix, a UUID's text, ":"
    head = blob[:size]
    if not head.startswith(PREFIX.encode()) or head[-1:] != b":":
        return None
    try:
        subject_id = uuid.UUID(head[len(PREFIX) : -1].decode())
    except (ValueError, UnicodeDecodeError):
        return None
    return Sealed(subject_id, head, blob[size:])


def open_bytes_with(key: bytes, sealed: Sealed) -> bytes:
    """The file's bytes; `cryptography.exceptions.InvalidTag` if it was altered."""
    blob = sealed.blob
    return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], sealed.aad)


def parse(text: str) -> Sealed | None:
    """The parts of a sealed value; None when `text` is not one (a legacy plaintext)."""
    if not is_sealed(text):
        return None
    head, _, body = text.rpartition(":")
    try:
        subject_id = uuid.UUID(head[len(PREFIX) :])
        blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        return None
    return Sealed(subject_id, head.encode(), blob)


def open_with(key: bytes, sealed: Sealed) -> str:
    """The plaintext; `cryptography.exceptions.InvalidTag` if the value was altered."""
    blob = sealed.blob
    return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], sealed.aad).decode()
