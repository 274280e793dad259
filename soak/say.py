"""Progress lines while the soak runs (the table comes at the end)."""

from __future__ import annotations

import time


def say(line: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {line}", flush=True)
