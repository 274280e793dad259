"""Routing worker: gives the steps of an SOP's disposition chain to an officer by the office's
routing rules (office/routing_rules.py), and records why (`CaseRouted`)."""
