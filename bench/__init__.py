"""Benchmarks: each compares a measured value with a raw limit measured in the same run."""
