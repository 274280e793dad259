"""What the accounts' pages receive (built once by the web bootstrap)."""

from __future__ import annotations

from typing import Annotated

from officers import Accounts
from runtime.http.cookies import CookiePolicy
from runtime.http.dependencies import provided
from services.accounts.login import LoginDesk

Login = Annotated[LoginDesk, provided(LoginDesk)]
OfficerAccounts = Annotated[Accounts, provided(Accounts)]
Cookies = Annotated[CookiePolicy, provided(CookiePolicy)]
