"""Who administers: an officer holding one of the office's `access.administrator_roles`, or the
head of office (`org_chart.head_of_office`). Only an administrator gives or takes an
administrator role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from fastapi import Depends, Request

from office import OfficeConfig
from officers import Accounts
from runtime.http.access import OFFICERS_ONLY, AccessPolicy
from runtime.http.auth import Authenticating, unauthorized
from runtime.http.dependencies import Office, provided
from runtime.http.errors import HttpError
from sop.actions import Officer

FORBIDDEN = "hanya administrator dan kepala kantor yang boleh membuka halaman ini"


def is_administrator(officer: Officer, office: OfficeConfig) -> bool:
    return bool(officer.roles & set(office.access.administrator_roles))


@dataclass(frozen=True)
class Administration(AccessPolicy):
    """An administrator or the head of office; 401/403 otherwise."""

    audience: ClassVar[str] = "administration"

    async def __call__(
        self, request: Request, authenticator: Authenticating, office: Office
    ) -> Officer:
        officer = await authenticator.officer(request)
        if officer is None:
            raise unauthorized(OFFICERS_ONLY)
        if not office.administers(officer.roles):
            raise HttpError(403, "forbidden", FORBIDDEN)
        return officer


AdministrationOnly = Annotated[Officer, Depends(Administration())]

OfficerAccounts = Annotated[Accounts, provided(Accounts)]
