"""The respondent's access: whoever holds a case's survey link (its token, `t`) answers its
questionnaire, and only they.

`Respondent` is the access policy of audience "respondent" (runtime/http/access.py) of the
survey routes. It refuses a link whose token does not belong to the case (404, one message
for every bad link) and, on the routes that record answers (`answering`), any request that
carries an officer's credentials — an `Authorization` header, or whatever the office's
`Authenticator` recognises as an officer (a session) — with 403: an officer may hand a
visitor the link at the desk, never answer for them.

On a page route (`page`) the refusal is returned for the page to show instead of raised.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

from fastapi import Depends, Request

from runtime.http.access import AccessPolicy
from runtime.http.auth import Authenticating
from runtime.http.errors import HttpError
from runtime.http.requests import uuid_or_none
from services.intake.dependencies import Desk
from services.intake.survey_desk import NOT_FOUND, SurveyRefused

OFFICERS_DO_NOT_ANSWER = SurveyRefused(
    403,
    "forbidden",
    "survei hanya diisi sendiri oleh pengguna layanan melalui tautannya, tidak dengan akun petugas",
)


@dataclass(frozen=True)
class SurveyLink:
    """The case whose questionnaire the request may open (or answer), and its token."""

    case_id: uuid.UUID
    token: str


@dataclass(frozen=True)
class Respondent(AccessPolicy):
    audience: ClassVar[str] = "respondent"

    link_in: Literal["query", "form"] = "query"  # where the link's `t` comes
    answering: bool = False  # the route records answers: officers are refused
    page: bool = False  # return the refusal (an HTML page shows it) instead of raising

    async def __call__(
        self, request: Request, case_id: str, desk: Desk, authenticator: Authenticating
    ) -> SurveyLink | SurveyRefused:
        found = await self._link(request, case_id, desk, authenticator)
        if isinstance(found, SurveyRefused) and not self.page:
            raise HttpError(found.status, found.code, found.message)
        return found

    async def _link(
        self, request: Request, case_id: str, desk: Desk, authenticator: Authenticating
    ) -> SurveyLink | SurveyRefused:
        if self.answering and (
            "authorization" in request.headers or await authenticator.officer(request) is not None
        ):
            return OFFICERS_DO_NOT_ANSWER
        if self.link_in == "form":
            token = str((await request.form()).get("t", ""))
        else:
            token = request.query_params.get("t", "")
        parsed = uuid_or_none(case_id)
        if parsed is None or not desk.valid(parsed, token):
            return NOT_FOUND
        return SurveyLink(parsed, token)


Answering = Annotated[SurveyLink, Depends(Respondent(answering=True))]
ViewingPage = Annotated[SurveyLink | SurveyRefused, Depends(Respondent(page=True))]
AnsweringPage = Annotated[
    SurveyLink | SurveyRefused, Depends(Respondent(link_in="form", answering=True, page=True))
]
