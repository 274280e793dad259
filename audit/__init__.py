"""The audit trail: a hash chain over every stored event, history replays and verification."""
