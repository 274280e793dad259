"""The shared runtime below the services: settings, database pools, Kafka, the consumer
framework, logs, the clock and the HTTP edge. It imports the core (events, cases, sop, office,
officers), never `services/` and never the entry points in `alur/`. One module sits below
the core instead and imports nothing of Alur: `runtime.listening` (a PostgreSQL LISTEN that
outlives its connection), used by the core's PostgreSQL adapters as well."""
