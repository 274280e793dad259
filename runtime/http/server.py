"""How an ASGI app is served: uvicorn with the options every Alur HTTP process shares (the web,
and the bench's HTTP floor, so the floor runs on the same stack)."""

from __future__ import annotations

from typing import Any

import uvicorn


def serve(app: Any, host: str, port: int) -> None:
    """Serve `app` in the foreground until SIGTERM/SIGINT."""
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        timeout_graceful_shutdown=10,
    )
