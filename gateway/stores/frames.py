"""Frames in the port's exact layout, built from rows that any adapter fetched."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pandas as pd

from gateway.stores.port import RAW_COLUMNS, WINDOW_COLUMNS, empty_raw, empty_windows
from sensors.quantities import QUANTITY_KEYS

RawRow = tuple[int, str, str, float]  # ts_ns, zone, device, value
WindowRow = tuple[int, str, float, float, float, int]  # bucket_ns, zone, mean, min, max, count


def check_quantity(quantity: str) -> str:
    """The quantity key itself, or ValueError: only keys of the quantity table reach a query."""
    if quantity not in QUANTITY_KEYS:
        raise ValueError(f"unknown quantity {quantity!r}; known: {', '.join(QUANTITY_KEYS)}")
    return quantity


def window_ns(window: timedelta) -> int:
    """A window's width in integer nanoseconds (exact: timedelta counts microseconds)."""
    width = (window // timedelta(microseconds=1)) * 1000
    if width <= 0:
        raise ValueError("window must be positive")
    return width


def raw_frame(rows: Iterable[RawRow]) -> pd.DataFrame:
    """RAW_COLUMNS, sorted by time, zone, device; `ts` tz-aware UTC."""
    frame = pd.DataFrame(list(rows), columns=["ts_ns", "zone", "device", "value"])
    if frame.empty:
        return empty_raw()
    frame["value"] = frame["value"].astype(float)
    frame = frame.sort_values(["ts_ns", "zone", "device"], ignore_index=True)
    frame.insert(0, "ts", pd.to_datetime(frame.pop("ts_ns"), unit="ns", utc=True))
    return frame[RAW_COLUMNS]


def window_frame(rows: Iterable[WindowRow]) -> pd.DataFrame:
    """WINDOW_COLUMNS, sorted by window start and zone; `count` int64."""
    frame = pd.DataFrame(list(rows), columns=["bucket", "zone", "mean", "min", "max", "count"])
    if frame.empty:
        return empty_windows()
    frame = frame.sort_values(["bucket", "zone"], ignore_index=True)
    frame.insert(0, "ts", pd.to_datetime(frame.pop("bucket"), unit="ns", utc=True))
    for column in ("mean", "min", "max"):
        frame[column] = frame[column].astype(float)
    frame["count"] = frame["count"].astype("int64")
    return frame[WINDOW_COLUMNS]


def aggregate(rows: Iterable[RawRow], width_ns: int) -> pd.DataFrame:
    """Epoch-aligned windows computed here from raw rows (for servers that cannot aggregate exactly)."""
    frame = pd.DataFrame(list(rows), columns=["ts_ns", "zone", "device", "value"])
    if frame.empty:
        return empty_windows()
    frame["bucket"] = (frame["ts_ns"] // width_ns) * width_ns
    out = frame.groupby(["bucket", "zone"], sort=True)["value"].agg(["mean", "min", "max", "count"]).reset_index()
    return window_frame(out.itertuples(index=False, name=None))


def from_ns(ts_ns: int) -> datetime:
    """An aware UTC datetime from integer nanoseconds (microseconds kept, like the other stores)."""
    seconds, ns = divmod(ts_ns, 1_000_000_000)
    return datetime.fromtimestamp(seconds, tz=UTC) + timedelta(microseconds=ns // 1000)
