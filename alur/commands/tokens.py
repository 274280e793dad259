"""`alur tokens …`: officers' API tokens for scripts (README "Officer accounts").

- `create NAME [--expires-days N] [--label L]`: a new token for the officer; the last line is
  the token (shown once). N defaults to ALUR_TOKEN_DAYS (365) and may be a fraction of a day.
- `revoke TOKEN_ID_OR_PREFIX`: the token stops working at once; name it by its id (`tok_…`),
  its first characters (at least 9, as `list` shows them) or the whole token.
- `list [NAME]`: the tokens (never their secret part), with expiry and revocation.

Exit codes: 0 done; 1 the database cannot be reached, the officer or token is unknown, or the
prefix names several tokens; 2 bad input.
"""

from __future__ import annotations

import argparse
from datetime import timedelta

from alur.commands.refusals import USAGE_ERROR, Refused
from alur.commands.users import known, opened_accounts, run, when
from officers import TokenRefused
from runtime.settings import AlurSettings


def create_token(args: argparse.Namespace) -> int:
    async def work(settings: AlurSettings) -> int:
        days = settings.token_days if args.expires_days is None else args.expires_days
        if days <= 0:
            raise Refused("--expires-days must be more than 0", USAGE_ERROR)
        async with opened_accounts(settings) as accounts:
            officer = await known(accounts, args.name)
            if await accounts.directory.disabled(officer.id):
                raise Refused(f"{officer.name} is disabled: `alur users enable` them first", 1)
            issued = await accounts.tokens.issue(officer.id, timedelta(days=days), args.label or "")
        print(f"API token {issued.id} for {officer.name} (id {officer.id})")
        print(f"valid until {when(issued.expires_at)}; shown once:")
        print(issued.token)
        return 0

    return run(work)


def revoke_token(args: argparse.Namespace) -> int:
    async def work(settings: AlurSettings) -> int:
        async with opened_accounts(settings) as accounts:
            try:
                record = await accounts.tokens.revoke(args.token)
            except TokenRefused as refused:
                raise Refused(str(refused), 1) from None
        label = f" ({record.label})" if record.label else ""
        print(f"revoked {record.id}{label} of officer {record.officer_id}")
        return 0

    return run(work)


def list_tokens(args: argparse.Namespace) -> int:
    async def work(settings: AlurSettings) -> int:
        async with opened_accounts(settings) as accounts:
            officer = await known(accounts, args.name) if args.name else None
            records = await accounts.tokens.of_officer(officer.id if officer else None)
        for r in records:
            state = f"revoked {when(r.revoked_at)}" if r.revoked_at else "active"
            print(
                f"{r.id}  {r.officer_id}  {r.prefix or '(from before issue 12)'}…"
                f"  until {when(r.expires_at)}  {state}  {r.label}"
            )
        return 0

    return run(work)
