"""How asyncpg says that PostgreSQL is away, one list for every caller that waits it out.

Below the core like `runtime.listening` (imports nothing of Alur). Callers add what else means
"away" for them: OSError (refused, reset, unreachable) for workers; the HTTP edge only
ConnectionError, since an OSError of a file must not read as a database outage.
"""

from __future__ import annotations

import asyncpg

POSTGRES_AWAY: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,  # refused, lost
    asyncpg.CannotConnectNowError,  # starting up or shutting down
    asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError,  # shutting down under a transaction (a restart)
    asyncpg.InterfaceError,  # includes a closed pool or connection
    asyncpg.InternalClientError,  # the client's view of a connection cut in the middle of a query
)
