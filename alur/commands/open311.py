"""`alur open311 keys create NAME`: an Open311 API key for a client (README "Open311 GeoReport
v2"); the last line is the key (shown once; only its SHA-256 is kept).

Exit codes: 0 done; 1 the database cannot be reached; 2 bad input (an empty name).
"""

from __future__ import annotations

import argparse

from alur.commands.refusals import USAGE_ERROR, Refused
from alur.commands.users import run
from runtime.database import connect_pool
from runtime.settings import AlurSettings
from services.intake.open311.keys import Open311Keys

LONGEST_NAME = 200


def create_key(args: argparse.Namespace) -> int:
    name = " ".join(args.name.split())

    async def work(settings: AlurSettings) -> int:
        if not name or len(name) > LONGEST_NAME:
            raise Refused(f"NAME must be 1-{LONGEST_NAME} characters", USAGE_ERROR)
        pool = await connect_pool(settings.database_url)
        try:
            keys = Open311Keys(pool)
            await keys.create()
            issued = await keys.issue(name)
        finally:
            await pool.close()
        print(f"Open311 API key {issued.id} for {issued.name}; shown once:")
        print(issued.key)
        return 0

    return run(work)
