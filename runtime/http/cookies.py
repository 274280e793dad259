"""The cookies Alur gives browsers: an officer's session, and the anonymous form cookie CSRF
tokens are bound to (runtime/http/csrf.py).

Both are HttpOnly, SameSite=Lax, for the whole site, and Secure when the request came over
HTTPS (behind a proxy: when it says so, `--forwarded-allow-ips`) or when the deployment says
every request does (`ALUR_COOKIE_SECURE=true`). Neither has a Max-Age: the browser forgets
them when it closes; the server decides how long a session lives.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import Response
from starlette.types import Scope

SESSION_COOKIE = "alur_sesi"
FORM_COOKIE = "alur_csrf"


@dataclass(frozen=True)
class CookiePolicy:
    always_secure: bool = False

    def secure(self, scope: Scope) -> bool:
        return self.always_secure or scope.get("scheme") == "https"

    def header(self, scope: Scope, name: str, value: str) -> str:
        """A `Set-Cookie` value."""
        secure = "; Secure" if self.secure(scope) else ""
        return f"{name}={value}; HttpOnly; Path=/; SameSite=Lax{secure}"

    def give(self, response: Response, scope: Scope, name: str, value: str) -> None:
        response.headers.append("set-cookie", self.header(scope, name, value))

    def take_back(self, response: Response, scope: Scope, name: str) -> None:
        """Tell the browser to forget the cookie."""
        secure = "; Secure" if self.secure(scope) else ""
        response.headers.append(
            "set-cookie",
            f'{name}=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/;'
            f" SameSite=Lax{secure}",
        )
