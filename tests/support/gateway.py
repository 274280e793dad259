"""A webhook gateway on loopback that records every request, and fails for chosen numbers."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Delivery:
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def document(self) -> dict[str, Any]:
        return json.loads(self.body)


class Gateway:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deliveries: list[Delivery] = []
        self._failing: set[str] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self.secret = "test-webhook-secret"

    def fail_for(self, phone: str) -> None:
        """Answer 500 to every message sent to `phone`."""
        with self._lock:
            self._failing.add(phone)

    def deliveries(self) -> list[Delivery]:
        with self._lock:
            return list(self._deliveries)

    def for_case(self, case_id: str) -> list[Delivery]:
        return [d for d in self.deliveries() if d.document.get("case_id") == case_id]

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    to = json.loads(body).get("to")
                except ValueError:
                    to = None
                with gateway._lock:
                    status = 500 if to in gateway._failing else 200
                    gateway._deliveries.append(Delivery(dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        return Handler
