"""Benchmarks, run by hand: each prints a table and writes JSON under bench/results/."""
