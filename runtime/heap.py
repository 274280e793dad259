"""The garbage collector of a long-running process, once it has started.

What a process builds at start (modules, SOP definitions, templates, the office calendar,
its clients) lives as long as the process. Left in the collector's oldest generation, every
full collection walks all of it again: 160-270 ms in the projections and SLA workers under
load, during which the process does nothing else (the HTTP→register p99 at 100/s showed
those pauses). `freeze_started` moves what exists at start out of the collector's sight;
later collections walk only what was made since.
"""

from __future__ import annotations

import gc


def freeze_started() -> None:
    """Collect once, then keep every object alive now out of later collections (call it
    when the process has finished starting)."""
    gc.collect()
    gc.freeze()
