"""Benchmarks: `make bench` prints latency percentiles and query counts next to a baseline."""
