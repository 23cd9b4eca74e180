"""Benchmarks: speed is measured here, never in a timed test."""
