"""Benchmarks, run by hand: each prints a table and writes JSON into ``--results DIR``."""
