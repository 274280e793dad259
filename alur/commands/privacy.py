"""`alur privacy erase --case ID | --subject EMAIL_OR_PHONE --requested-by … --legal-basis …
--reason … [--by OFFICER]`: erase personal data by crypto-shredding (services/erasure/request.py).

Exit codes: 0 erased (or erased before: nothing recorded again); 1 nothing to erase (an unknown
case, a case or contact without sealed personal data) or the database cannot be used; 2 bad
input (both or neither of --case/--subject, a malformed id, email or phone, an empty or overlong
text). Nothing is recorded unless the input is good. Messages go to stderr, in Bahasa Indonesia,
naming the option.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import unicodedata
import uuid
from zoneinfo import ZoneInfo

from alur.commands.refusals import USAGE_ERROR, Refused
from attachments import DirectoryFiles
from cases import PostgresEventStore, StoreUnavailable
from events import Actor
from office.config import OfficeConfigError
from officers.directory import officer_id
from privacy import PersonalDataKeys, normal_phone
from runtime.clock import start_clock
from runtime.database import DatabaseUnreachable, connect_pool
from runtime.settings import AlurSettings
from services.erasure.request import Erased, Erasure, NothingToErase, Request

FAILED = 1
ROLE = "pelindungan_data"  # the role the erasure's events are recorded under
_LIMITS = {"--requested-by": 200, "--legal-basis": 200, "--reason": 1000, "--by": 200}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def erase(args: argparse.Namespace) -> int:
    try:
        target = _target(args.case, args.subject)
        request = Request(
            requested_by=_text(args.requested_by, "--requested-by"),
            legal_basis=_text(args.legal_basis, "--legal-basis"),
            reason=_text(args.reason, "--reason"),
            actor=_actor(args.by),
        )
        erased = asyncio.run(_erase(AlurSettings(), target, request))
    except Refused as refused:
        print(f"alur privacy erase: {refused}", file=sys.stderr)
        return refused.code
    except NothingToErase as nothing:
        print(f"alur privacy erase: {nothing}", file=sys.stderr)
        return FAILED
    except (DatabaseUnreachable, StoreUnavailable, OfficeConfigError) as error:
        print(f"alur privacy erase: {error}", file=sys.stderr)
        return FAILED
    for item in erased:
        print(_line(item))
    return 0


Target = uuid.UUID | tuple[str | None, str | None]  # a case, or (email, phone)


def _target(case: str | None, subject: str | None) -> Target:
    if (case is None) == (subject is None):
        raise Refused(
            "sebutkan tepat satu: --case ID atau --subject EMAIL_ATAU_TELEPON", USAGE_ERROR
        )
    if case is not None:
        try:
            return uuid.UUID(case.strip())
        except ValueError:
            raise Refused(f"--case {case!r} bukan id kasus (UUID)", USAGE_ERROR) from None
    assert subject is not None
    text = subject.strip()
    if "@" in text:
        if not _EMAIL.match(text) or len(text) > 254:
            raise Refused(f"--subject {subject!r} bukan alamat email yang sah", USAGE_ERROR)
        return (text, None)
    if re.fullmatch(r"[+\d\s().-]+", text) and 8 <= len(normal_phone(text)) <= 15:
        return (None, text)
    raise Refused(
        f"--subject {subject!r} bukan email atau nomor telepon (contoh: +62 812 3456 7890)",
        USAGE_ERROR,
    )


def _text(value: str | None, option: str) -> str:
    text = (value or "").strip()
    if not text:
        raise Refused(f"{option} wajib diisi", USAGE_ERROR)
    if len(text) > _LIMITS[option]:
        raise Refused(f"{option} lebih dari {_LIMITS[option]} karakter", USAGE_ERROR)
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        raise Refused(f"{option} memuat karakter kendali", USAGE_ERROR)
    return text


def _actor(by: str | None) -> Actor:
    if by is None:
        return Actor(id="operator", role=ROLE)
    name = _text(by, "--by")
    if not officer_id(name):
        raise Refused(f"--by {by!r} bukan nama petugas", USAGE_ERROR)
    return Actor(id=officer_id(name), role=ROLE)


async def _erase(settings: AlurSettings, target: Target, request: Request) -> list[Erased]:
    office = settings.office()
    pool = await connect_pool(settings.database_url)
    try:
        keys = PersonalDataKeys.over(pool, settings.secret_key_bytes())
        await keys.create()
        clock = await start_clock(
            settings.checked_clock(), settings.database_url, ZoneInfo(office.time_zone)
        )
        store = await PostgresEventStore.connect(settings.database_url, pool_size=1)
        try:
            erasure = Erasure(store, keys, DirectoryFiles(settings.attachment_dir))
            if isinstance(target, uuid.UUID):
                return [await erasure.case(target, request, clock.now())]
            email, phone = target
            return await erasure.person(request, clock.now(), email=email, phone=phone)
        finally:
            await store.close()
            await clock.close()
    finally:
        await pool.close()


def _line(erased: Erased) -> str:
    if erased.event_id is None:
        return f"kasus {erased.case_id}: sudah dihapus sebelumnya; tidak ada yang dicatat lagi"
    return (
        f"kasus {erased.case_id}: data pribadi dihapus ({len(erased.subjects)} subjek data,"
        f" {erased.keys_destroyed} kunci dimusnahkan; kejadian {erased.event_id})"
    )
