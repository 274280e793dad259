"""The chaos soak (`make soak`): the whole system on servers of its own, a realistic office at a
steady rate, seeded faults, and every invariant checked at the end (README "Chaos soak")."""
