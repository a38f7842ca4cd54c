"""Analytics: pure functions on DataFrames; no I/O."""
