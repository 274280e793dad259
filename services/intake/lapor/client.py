"""The SP4N-LAPOR! web API, for an office that has LAPOR! developer access.

LAPOR! publishes no API description: an office gets its base URL, its token and its paths with
the access agreement. Set `ALUR_LAPOR_BASE_URL` and `ALUR_LAPOR_TOKEN` (and the paths, if they
differ from the defaults below) and `alur lapor sync --since DATE` fetches the reports made
since DATE and opens them as the sheet import does, then sends back the office's follow-ups
since DATE. Without a base URL the bridge stays on the spreadsheet (README, "SP4N-LAPOR!").

What is assumed of the API, and the one place to change it:
- `GET {base}{reports_path}?since=ISO8601` answers a JSON list of report objects, or an object
  with the list under `data`; the objects' keys are matched as the sheet's column headers are
  (services/intake/lapor/sheet.py `COLUMNS`);
- `POST {base}{follow_up_path}` (`{id}` is the LAPOR! id) takes
  `{"status", "content", "occurred_at", "reference"}`;
- both with `Authorization: Bearer TOKEN`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import httpx
from pydantic import Field

from runtime.settings import AlurSettings
from services.intake.lapor.follow_ups import FollowUp
from services.intake.lapor.sheet import LaporReport, SheetRefused, reports_in_records


class LaporSettings(AlurSettings):
    lapor_base_url: str | None = Field(None, validation_alias="ALUR_LAPOR_BASE_URL")
    lapor_token: str | None = Field(None, validation_alias="ALUR_LAPOR_TOKEN")
    lapor_reports_path: str = Field("/reports", validation_alias="ALUR_LAPOR_REPORTS_PATH")
    lapor_follow_up_path: str = Field(
        "/reports/{id}/follow-ups", validation_alias="ALUR_LAPOR_FOLLOW_UP_PATH"
    )
    lapor_timeout_seconds: float = Field(30.0, gt=0, validation_alias="ALUR_LAPOR_TIMEOUT_SECONDS")


class LaporUnavailable(Exception):
    """LAPOR! could not be reached, or answered what Alur cannot use (its message says which)."""


class LaporApi(Protocol):
    async def reports_since(self, since: datetime) -> list[LaporReport]: ...

    async def send_follow_up(self, follow_up: FollowUp) -> None: ...


class HttpLaporApi:
    def __init__(self, settings: LaporSettings, client: httpx.AsyncClient) -> None:
        assert settings.lapor_base_url, "the LAPOR! API needs ALUR_LAPOR_BASE_URL"
        self._settings = settings
        self._client = client
        self._base = settings.lapor_base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {settings.lapor_token or ''}"}

    async def reports_since(self, since: datetime) -> list[LaporReport]:
        url = self._base + self._settings.lapor_reports_path
        answer = await self._call("GET", url, params={"since": since.isoformat()})
        records: Any = answer.json()
        if isinstance(records, dict):
            records = records.get("data")
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise LaporUnavailable(f"GET {url}: jawaban bukan daftar laporan")
        if not records:
            return []
        try:
            return reports_in_records(records)
        except SheetRefused as refused:
            raise LaporUnavailable(f"GET {url}: {refused}") from None

    async def send_follow_up(self, follow_up: FollowUp) -> None:
        path = self._settings.lapor_follow_up_path.format(id=follow_up.lapor_id)
        body = {
            "status": follow_up.status,
            "content": follow_up.text or follow_up.kind,
            "occurred_at": follow_up.occurred_at.isoformat(),
            "reference": follow_up.tracking_number,
        }
        await self._call("POST", self._base + path, json=body)

    async def _call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            answer = await self._client.request(
                method,
                url,
                headers=self._headers,
                timeout=self._settings.lapor_timeout_seconds,
                **kwargs,
            )
        except httpx.HTTPError as error:
            raise LaporUnavailable(f"{method} {url}: {type(error).__name__}") from None
        if answer.status_code >= 400:
            raise LaporUnavailable(f"{method} {url}: HTTP {answer.status_code}")
        return answer
