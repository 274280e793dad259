"""The web process's bootstrap: everything its routers need, built once at start.

`WebDependencies` is the typed container; routers ask for its fields by type through
`runtime.http.dependencies.provided` and never learn where they are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import structlog

from attachments import AttachmentIntake, DirectoryFiles
from cases import EventStore, GroupCommit, PostgresEventStore
from office import OfficeConfig
from officers import Accounts, SessionLimits
from privacy import PersonalDataKeys
from runtime.clock import Clock, start_clock
from runtime.database import no_session_reset
from runtime.http.auth import Authenticator, BearerTokens, SessionsAndTokens
from runtime.http.case_scope import CaseScope
from runtime.http.cookies import CookiePolicy
from runtime.http.csrf import CsrfTokens
from runtime.http.navigation import WorkCounts
from runtime.listening import ChannelListener
from runtime.settings import AlurSettings
from runtime.throttle import FailureLimit, Throttle
from services.accounts.login import LoginDesk
from services.intake.casework import CaseWork
from services.intake.intake import ComplaintIntake
from services.intake.open311.keys import Open311Keys
from services.intake.survey_desk import SurveyDesk
from services.intake.tracking import TrackingNumbers
from services.intake.whatsapp import WhatsAppGateway
from services.intake.whatsapp_channel import WhatsAppChannel
from services.intake.whatsapp_message import MediaSource, WhatsAppSettings
from services.projections.queues import QueueCounts
from sop.engine import SopEngine
from sop.registry import SopRegistry, UnknownSop

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class WebDependencies:
    settings: AlurSettings
    office: OfficeConfig
    time_zone: ZoneInfo
    clock: Clock
    pool: asyncpg.Pool
    store: EventStore
    writer: GroupCommit
    registry: SopRegistry
    authenticator: Authenticator
    accounts: Accounts
    login: LoginDesk
    csrf: CsrfTokens
    cookies: CookiePolicy
    throttle: Throttle
    scope: CaseScope
    tracking: TrackingNumbers
    intake: ComplaintIntake
    casework: CaseWork
    survey_desk: SurveyDesk
    keys: PersonalDataKeys
    work_counts: WorkCounts  # the navigation's counts (Tugas Saya)
    key_listener: ChannelListener
    attachments: AttachmentIntake
    open311_keys: Open311Keys
    whatsapp: WhatsAppGateway
    http: httpx.AsyncClient  # fetches a WhatsApp message's media from the allowed hosts

    async def close(self) -> None:
        await self.http.aclose()
        await self.key_listener.close()
        await self.writer.close()
        await self.registry.close()
        await self.clock.close()
        await self.pool.close()
        await self.store.close()


async def start_web(settings: AlurSettings) -> WebDependencies:
    """Connect, create what is missing, load the shipped SOPs and check the complaint SOP."""
    office = settings.office()
    time_zone = ZoneInfo(office.time_zone)
    store = await PostgresEventStore.connect(settings.database_url, pool_size=8)
    pool = await asyncpg.create_pool(
        settings.database_url, min_size=2, max_size=10, reset=no_session_reset
    )
    secret = settings.secret_key_bytes()
    tracking = TrackingNumbers(store, secret)
    registry = SopRegistry(pool)
    await registry.create()
    await registry.watch_imports(settings.database_url)
    for saved in await registry.load_shipped():
        if saved.created:
            log.info("sop_loaded", sop=saved.definition.id, version=saved.definition.version)
    await _check_complaint_sop(registry, office.complaint_sop)
    limits = SessionLimits(
        idle=timedelta(minutes=settings.session_idle_minutes),
        longest=timedelta(hours=settings.session_max_hours),
    )
    accounts = Accounts.over(pool, secret, limits)
    directory = accounts.directory
    await directory.create()
    writer = GroupCommit(store, max_fact_bytes=settings.max_event_bytes)
    clock = await start_clock(settings.checked_clock(), settings.database_url, time_zone)
    engine = SopEngine(clock.now)
    throttle = Throttle(pool, secret, clock.now)
    await throttle.create()
    csrf = CsrfTokens.from_secret(secret)
    keys = PersonalDataKeys.over(pool, secret, settings.key_cache_seconds)
    await keys.create()
    key_listener = await keys.listen(settings.database_url)
    attachments = AttachmentIntake(
        DirectoryFiles(settings.attachment_dir),
        keys,
        settings.attachment_max_bytes,
        store,
        writer,
        clock.now,
    )
    open311_keys = Open311Keys(pool)
    await open311_keys.create()
    intake = ComplaintIntake(
        writer, tracking, registry, office.complaint_sop, engine, keys, attachments
    )
    channels = WhatsAppSettings()
    http = httpx.AsyncClient(timeout=channels.whatsapp_media_timeout_seconds)
    whatsapp = WhatsAppGateway(
        channels.whatsapp_secret,
        MediaSource(http, channels.media_hosts(), settings.attachment_max_bytes),
        WhatsAppChannel(intake, store, registry, keys, attachments, clock.now, pool),
    )
    return WebDependencies(
        settings=settings,
        office=office,
        time_zone=time_zone,
        clock=clock,
        pool=pool,
        store=store,
        writer=writer,
        registry=registry,
        authenticator=SessionsAndTokens(BearerTokens(directory), accounts.sessions, csrf),
        accounts=accounts,
        login=LoginDesk(
            accounts,
            throttle,
            frozenset(office.access.second_factor_roles),
            FailureLimit(failures=settings.login_failures),
            FailureLimit(failures=settings.login_address_failures),
        ),
        csrf=csrf,
        cookies=CookiePolicy(always_secure=settings.cookie_secure),
        throttle=throttle,
        scope=CaseScope(store, registry, pool, office),
        tracking=tracking,
        intake=intake,
        casework=CaseWork(store, writer, registry, directory, engine, keys),
        survey_desk=SurveyDesk(store, registry, secret, clock.now),
        keys=keys,
        work_counts=QueueCounts(pool, office, clock.now),
        key_listener=key_listener,
        attachments=attachments,
        open311_keys=open311_keys,
        whatsapp=whatsapp,
        http=http,
    )


async def _check_complaint_sop(registry: SopRegistry, sop_id: str) -> None:
    """The office's complaint SOP must exist and start with the public's own step."""
    try:
        sop = await registry.latest(sop_id)
    except UnknownSop:
        raise SystemExit(f"the office's complaint_sop {sop_id!r} is not a loaded SOP") from None
    if SopEngine(datetime.now).may_open(sop, None) is not None:
        raise SystemExit(f"the first step of complaint_sop {sop_id!r} is not the reporter's")
