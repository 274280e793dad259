"""`alur users …`: officers' accounts (README "Officer accounts").

- `add NAME --role ROLE … [--unit U] [--superior S] [--email E] [--phone P] [--password-stdin]`:
  the password is read from standard input, or a one-time activation link is printed; the last
  line is always a new API token (scripts read it).
- `disable NAME` / `enable NAME`: a disabled officer's sessions and tokens are refused at once.
- `reset-password NAME [--password-stdin]`: the old password stops working and the sessions end;
  a new activation link is printed (or the password is read from standard input).
- `totp NAME [--remove]`: enrol the TOTP second factor; prints the secret and the otpauth:// URI.

Exit codes: 0 done; 1 the database cannot be reached, or the officer is unknown or refused;
2 bad input (a password too short).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from alur.commands.refusals import USAGE_ERROR, Refused
from officers import Accounts, OfficerRefused, PasswordRefused, SessionLimits
from officers.activation import PATH as ACTIVATION_PATH
from officers.passwords import LONGEST, SHORTEST, check_new_password
from runtime.database import DatabaseUnreachable, connect_pool
from runtime.settings import AlurSettings
from sop.actions import Officer
from sop.registry import SopRegistry

NOT_FOUND = 1


@asynccontextmanager
async def opened_accounts(settings: AlurSettings) -> AsyncIterator[Accounts]:
    """The officers' accounts on the configured database, their tables made if missing."""
    pool = await connect_pool(settings.database_url)
    try:
        accounts = Accounts.over(pool, settings.secret_key_bytes(), SessionLimits())
        await accounts.directory.create()
        yield accounts
    finally:
        await pool.close()


def run(work: Callable[[AlurSettings], Awaitable[int]]) -> int:
    """Run a command's work, printing a refusal on stderr with its exit code."""
    try:
        return asyncio.run(work(AlurSettings()))
    except Refused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return refused.code
    except (DatabaseUnreachable, OfficerRefused) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


async def known(accounts: Accounts, name: str) -> Officer:
    officer = await accounts.directory.find(name)
    if officer is None:
        raise Refused(f"no officer named {name!r} (alur users add NAME …)", NOT_FOUND)
    return officer


def when(moment: datetime) -> str:
    return moment.astimezone().isoformat(timespec="minutes")


def add_user(args: argparse.Namespace) -> int:
    roles = [r.strip() for value in args.role for r in value.split(",") if r.strip()]

    async def work(settings: AlurSettings) -> int:
        password = _stdin_password() if args.password_stdin else None
        async with opened_accounts(settings) as accounts:
            registry = SopRegistry(accounts.directory.pool)
            await registry.create()
            await registry.load_shipped()
            added = await accounts.directory.enlist(
                args.name,
                roles,
                known_roles=[*await registry.roles(), *settings.office().access.roles()],
                unit=args.unit,
                superior=args.superior,
                email=args.email,
                phone=args.phone,
                password_hash=await accounts.passwords.hash(password) if password else None,
                token_life=timedelta(days=settings.token_days),
            )
            officer = added.officer
            _describe(officer)
            if password:
                print("password: set")
            else:
                await _print_activation(accounts, settings, officer)
        token = added.token
        print(
            f"API token {token.id}, valid until {when(token.expires_at)} (shown once; send it as"
            " `Authorization: Bearer TOKEN`):"
        )
        print(token.token)
        return 0

    return run(work)


def disable_user(args: argparse.Namespace) -> int:
    return run(_switch(args.name, disabled=True))


def enable_user(args: argparse.Namespace) -> int:
    return run(_switch(args.name, disabled=False))


def _switch(name: str, *, disabled: bool) -> Callable[[AlurSettings], Awaitable[int]]:
    async def work(settings: AlurSettings) -> int:
        async with opened_accounts(settings) as accounts:
            officer = await known(accounts, name)
            await accounts.directory.set_disabled(officer.id, disabled)
        if disabled:
            print(f"{officer.name} (id {officer.id}) disabled: sessions ended, tokens refused")
        else:
            print(f"{officer.name} (id {officer.id}) enabled")
        return 0

    return work


def reset_password(args: argparse.Namespace) -> int:
    async def work(settings: AlurSettings) -> int:
        password = _stdin_password() if args.password_stdin else None
        async with opened_accounts(settings) as accounts:
            officer = await known(accounts, args.name)
            if password:
                hashed = await accounts.passwords.hash(password)
                await accounts.directory.set_password(officer.id, hashed)
                print(f"password of {officer.name} (id {officer.id}) set; sessions ended")
                return 0
            await accounts.directory.clear_password(officer.id)
            print(f"password of {officer.name} (id {officer.id}) cleared; sessions ended")
            await _print_activation(accounts, settings, officer)
        return 0

    return run(work)


def totp(args: argparse.Namespace) -> int:
    async def work(settings: AlurSettings) -> int:
        async with opened_accounts(settings) as accounts:
            officer = await known(accounts, args.name)
            if args.remove:
                await accounts.second_factor.remove(officer.id)
                print(f"TOTP of {officer.name} (id {officer.id}) removed")
                return 0
            enrolment = await accounts.second_factor.enrol(officer.id)
        print(f"TOTP for {officer.name} (id {officer.id}); earlier codes no longer work.")
        print("Add it to an authenticator app (Aegis, FreeOTP, Google Authenticator):")
        print(f"secret: {enrolment.secret}")
        print(enrolment.uri)
        return 0

    return run(work)


def _describe(officer: Officer) -> None:
    print(f"officer: {officer.name} (id {officer.id})")
    print(f"roles: {', '.join(sorted(officer.roles))}")
    if officer.unit:
        print(f"unit: {officer.unit}")
    if officer.superior:
        print(f"superior: {officer.superior}")
    for label, contact in (("email", officer.email), ("phone", officer.phone)):
        if contact:
            print(f"{label}: {contact}")


async def _print_activation(accounts: Accounts, settings: AlurSettings, officer: Officer) -> None:
    token, expires_at = await accounts.activations.issue(
        officer.id, timedelta(hours=settings.activation_hours)
    )
    url = f"{settings.public_url.rstrip('/')}{ACTIVATION_PATH}{token}"
    print(f"activation link (works once, until {when(expires_at)}): {url}")


def _stdin_password() -> str:
    """The password on standard input (one trailing newline is not part of it)."""
    text = sys.stdin.read()
    password = text.removesuffix("\n").removesuffix("\r")
    if len(password) < SHORTEST:
        raise Refused(
            f"the password on standard input has {len(password)} characters;"
            f" it needs at least {SHORTEST}: nothing was changed",
            USAGE_ERROR,
        )
    try:
        check_new_password(password)
    except PasswordRefused:
        raise Refused(
            f"the password on standard input is refused: at most {LONGEST} characters and no"
            " control characters: nothing was changed",
            USAGE_ERROR,
        ) from None
    return password
