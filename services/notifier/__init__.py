"""Notifier worker: email and webhook notifications, exactly one per event and recipient.

Lands with the notifier issue; nothing runs here yet.
"""
