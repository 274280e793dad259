"""`GET /static/alur.css`: the pages' one stylesheet, served by Alur itself (the
Content-Security-Policy allows styles from here only; runtime/http/headers.py)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from runtime.http.access import PUBLIC
from sop.chart import page_stylesheet

STATIC = Path(__file__).resolve().parent.parent / "static"
# The pages' styles, then the SOP-AP chart's (drawn inline on the SOP library and case pages).
STYLESHEET = (STATIC / "alur.css").read_bytes() + page_stylesheet().encode()

router = APIRouter()


@router.get("/static/alur.css", include_in_schema=False, dependencies=[PUBLIC])
async def stylesheet() -> Response:
    return Response(
        STYLESHEET,
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )
