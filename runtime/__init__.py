"""The shared runtime below the services: settings, database pools, Kafka, the consumer
framework, logs, the clock and the HTTP edge. It imports the core (events, cases, sop, office,
officers), never `services/` and never the entry points in `alur/`. Two modules sit below
the core instead and import nothing of Alur, so the core's PostgreSQL adapters use them too:
`runtime.listening` (a LISTEN that outlives its connection) and `runtime.outages` (how asyncpg
says PostgreSQL is away)."""
