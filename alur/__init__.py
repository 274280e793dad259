"""Alur: runs Indonesian public-service SOPs as event-sourced cases.

This package holds what every worker shares at run time: settings, logging,
the Kafka consumption policy, the HTTP composition root and the `alur` CLI.
"""
