"""Benchmarks: each prints its figures and their ratios measured side by side in one run."""
