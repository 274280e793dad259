"""SLA timers: durable step deadlines on the office calendar; warnings, breaches, escalations."""
