"""Outbox relay: publishes every stored event to Kafka, in position order, at least once."""
