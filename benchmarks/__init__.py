"""Benchmarks for graphsvc; run ``python -m benchmarks.import_bench`` (see BENCHMARKS.md)."""
