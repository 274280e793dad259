"""How an ASGI app is served: uvicorn with the options every Alur HTTP process shares (the web,
and the bench's HTTP floor, so the floor runs on the same stack).

uvloop's event loop and the httptools HTTP/1.1 parser, named rather than left to `auto`: a
missing one stops the start instead of silently costing about a third more CPU per request."""

from __future__ import annotations

from typing import Any

import uvicorn


def serve(app: Any, host: str, port: int) -> None:
    """Serve `app` in the foreground until SIGTERM/SIGINT."""
    uvicorn.run(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        log_config=None,
        timeout_graceful_shutdown=10,
    )
