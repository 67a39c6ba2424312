"""Records made up for benchmarks and the demo, written through the real domain code."""
