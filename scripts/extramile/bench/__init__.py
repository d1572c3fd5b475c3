"""Benchmarks: synthetic collections and side-by-side builds that print figures (never timed tests)."""
