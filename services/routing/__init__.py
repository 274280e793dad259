"""Routing worker: routing rules as data and SLA timers on the office calendar.

Lands with the routing/SLA issue; nothing runs here yet.
"""
