"""An in-memory reading store: the port's fake, for testing the code around a store."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

import pandas as pd

from gateway.stores.port import RAW_COLUMNS, WINDOW_COLUMNS, LatestValue, check_range, empty_raw, empty_windows
from sensors.quantities import QUANTITIES
from sensors.reading import Reading, epoch_ns


class MemoryReadingStore:
    """Keeps points in a dict keyed like the real stores, with the same merge semantics."""

    def __init__(self) -> None:
        """Start empty."""
        self._points: dict[tuple[str, str, str, int], dict[str, float]] = {}
        self._times: dict[int, datetime] = {}
        self._lock = threading.Lock()

    def write(self, readings: Sequence[Reading]) -> None:
        """Merge readings into the points."""
        with self._lock:
            for r in readings:
                key = (r.site, r.zone, r.device, epoch_ns(r.ts))
                self._points.setdefault(key, {}).update({k: float(v) for k, v in r.values.items()})
                self._times[key[3]] = r.ts

    def latest(self, site: str) -> list[LatestValue]:
        """Per zone and quantity, the most recent value."""
        best: dict[tuple[str, str], tuple[int, float, str]] = {}
        with self._lock:
            for (s, zone, device, ts_ns), values in self._points.items():
                if s != site:
                    continue
                for q, v in values.items():
                    seen = best.get((zone, q))
                    if seen is None or ts_ns >= seen[0]:
                        best[(zone, q)] = (ts_ns, v, device)
        return [
            LatestValue(z, q, v, pd.Timestamp(t, unit="ns", tz="UTC").to_pydatetime(), d)
            for (z, q), (t, v, d) in sorted(best.items())
        ]

    def _rows(
        self, site: str, quantity: str, start: datetime, stop: datetime, zones: Sequence[str] | None
    ) -> pd.DataFrame:
        if quantity not in QUANTITIES:
            raise ValueError(f"unknown quantity {quantity!r}")
        check_range(start, stop)
        lo, hi = epoch_ns(start), epoch_ns(stop)
        with self._lock:
            rows = [
                (ts_ns, zone, device, values[quantity])
                for (s, zone, device, ts_ns), values in self._points.items()
                if s == site and lo <= ts_ns < hi and quantity in values and (not zones or zone in zones)
            ]
        return pd.DataFrame(rows, columns=["ts_ns", "zone", "device", "value"])

    def series(
        self, site: str, quantity: str, start: datetime, stop: datetime, zones: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Raw values of one quantity in [start, stop), oldest first."""
        frame = self._rows(site, quantity, start, stop, zones)
        if frame.empty:
            return empty_raw()
        frame = frame.sort_values(["ts_ns", "zone", "device"], ignore_index=True)
        frame.insert(0, "ts", pd.to_datetime(frame.pop("ts_ns"), unit="ns", utc=True))
        return frame[RAW_COLUMNS]

    def windows(
        self,
        site: str,
        quantity: str,
        start: datetime,
        stop: datetime,
        window: timedelta,
        zones: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Per zone and epoch-aligned window: mean, min, max and count."""
        width = int(window.total_seconds() * 1e9)
        if width <= 0:
            raise ValueError("window must be positive")
        frame = self._rows(site, quantity, start, stop, zones)
        if frame.empty:
            return empty_windows()
        frame["bucket"] = (frame["ts_ns"] // width) * width
        out = frame.groupby(["bucket", "zone"], sort=True)["value"].agg(["mean", "min", "max", "count"]).reset_index()
        out.insert(0, "ts", pd.to_datetime(out.pop("bucket"), unit="ns", utc=True))
        out["count"] = out["count"].astype("int64")
        return out[WINDOW_COLUMNS]

    def count(self, site: str) -> int:
        """How many points the store holds for a site."""
        with self._lock:
            return sum(1 for key in self._points if key[0] == site)

    def close(self) -> None:
        """Nothing to release."""
