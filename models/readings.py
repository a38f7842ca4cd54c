"""Reading series as analytics need them: occupied hours only, and window statistics with percentiles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

STAT_COLUMNS = ["ts", "zone", "mean", "min", "max", "count"]


def occupied_mask(ts: pd.Series, tz: ZoneInfo, start: time, end: time, days: Sequence[int]) -> pd.Series:
    """True for instants inside working hours: local time in [start, end) on ISO weekdays `days`."""
    local = ts.dt.tz_convert(tz)
    clock = local.dt.hour * 60 + local.dt.minute
    in_hours = (clock >= start.hour * 60 + start.minute) & (clock < end.hour * 60 + end.minute)
    return in_hours & (local.dt.day_of_week + 1).isin(list(days))


def window_stats(frame: pd.DataFrame, window: timedelta, percentiles: Sequence[float] = ()) -> pd.DataFrame:
    """Per zone and epoch-aligned window: mean, min, max, count and the asked percentiles (p95 -> "p95").

    `frame` is a raw series (ts, zone, value) as the reading stores return it.
    """
    names = [f"p{round(p * 100):d}" if p < 1 else f"p{p:g}" for p in percentiles]
    if frame.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in [*STAT_COLUMNS, *names]})
    width = pd.Timedelta(window)
    buckets = pd.Timestamp(0, tz="UTC") + ((frame["ts"] - pd.Timestamp(0, tz="UTC")) // width) * width
    grouped = frame.assign(window=buckets).groupby(["window", "zone"], sort=True)["value"]
    out = grouped.agg(["mean", "min", "max", "count"])
    for p, name in zip(percentiles, names, strict=True):
        out[name] = grouped.quantile(p / 100 if p > 1 else p)
    out = out.reset_index().rename(columns={"window": "ts"})
    out["count"] = out["count"].astype("int64")
    return out[[*STAT_COLUMNS, *names]]
