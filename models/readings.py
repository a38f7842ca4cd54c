"""Reading series as analytics need them: occupied hours only, and window statistics with percentiles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np
import pandas as pd

STAT_COLUMNS = ["ts", "zone", "mean", "min", "max", "count"]
PERCENTILE_SCALE = "percentiles lie between 0 and 100, exclusive, on one 0–100 scale: 0.5, 50, 95, 99.9"


def percentile_name(p: float) -> str:
    """The name of a percentile on the 0–100 scale: 95 -> "p95", 0.5 -> "p0.5", 99.9 -> "p99.9".

    Raises ValueError outside 0 < p < 100.
    """
    if not 0 < p < 100:
        raise ValueError(f"percentile {p:g}: {PERCENTILE_SCALE}")
    return "p" + np.format_float_positional(float(p), trim="-")


def window_stats(frame: pd.DataFrame, window: timedelta, percentiles: Sequence[float] = ()) -> pd.DataFrame:
    """Per zone and epoch-aligned window: mean, min, max, count and the asked percentiles (0–100 scale).

    `frame` is a raw series (ts, zone, value) as the reading stores return it; a percentile's column is
    named by `percentile_name` (95 -> "p95", 0.5 -> "p0.5").
    """
    names = [percentile_name(p) for p in percentiles]
    if frame.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in dict.fromkeys([*STAT_COLUMNS, *names])})
    width = pd.Timedelta(window)
    buckets = pd.Timestamp(0, tz="UTC") + ((frame["ts"] - pd.Timestamp(0, tz="UTC")) // width) * width
    grouped = frame.assign(window=buckets).groupby(["window", "zone"], sort=True)["value"]
    out = grouped.agg(["mean", "min", "max", "count"])
    for p, name in zip(percentiles, names, strict=True):
        out[name] = grouped.quantile(p / 100)
    out = out.reset_index().rename(columns={"window": "ts"})
    out["count"] = out["count"].astype("int64")
    return out[list(dict.fromkeys([*STAT_COLUMNS, *names]))]
