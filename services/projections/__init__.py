"""Projections: read models (registers, …) built from the event stream with asyncpg."""
