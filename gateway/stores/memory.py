"""An in-memory reading store: the port's fake, for testing the code around a store."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence

from gateway.stores.batch import PointBatch
from gateway.stores.frames import RawRow, RowSource, Selection
from gateway.stores.port import LatestValue
from sensors.reading import Reading, epoch_ns, from_epoch_ns


class MemoryReadingStore(RowSource):
    """Keeps points in a dict keyed like the real stores, with the same merge semantics."""

    def __init__(self) -> None:
        """Start empty."""
        self._points: dict[tuple[str, str, str, int], dict[str, float]] = {}
        self._lock = threading.Lock()

    def write(self, readings: Sequence[Reading]) -> None:
        """Merge readings into the points."""
        with self._lock:
            for r in readings:
                key = (r.site, r.zone, r.device, epoch_ns(r.ts))
                self._points.setdefault(key, {}).update({k: float(v) for k, v in r.values.items()})

    atomic_batches = True  # write_batches applies the points only once every batch has arrived

    def write_batch(self, batch: PointBatch, progress: Callable[[int], None] | None = None) -> None:
        """Merge the batch's points, as `write` would."""
        self.write_batches([batch], progress)

    def write_batches(self, batches: Iterable[PointBatch], progress: Callable[[int], None] | None = None) -> None:
        """Merge the points of every batch; if `batches` raises, nothing is merged."""
        readings: list[Reading] = []
        for batch in batches:
            readings.extend(batch.readings())
            if progress is not None:
                progress(len(readings))
        self.write(readings)

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
        return [LatestValue(z, q, v, from_epoch_ns(t), d) for (z, q), (t, v, d) in sorted(best.items())]

    def raw_rows(self, selection: Selection) -> list[RawRow]:
        """The stored values of the selection; windows are aggregated from them by RowSource."""
        site, quantity, zones = selection.site, selection.quantity, selection.zones
        lo, hi = selection.start_ns, selection.stop_ns
        with self._lock:
            return [
                (ts_ns, zone, device, values[quantity])
                for (s, zone, device, ts_ns), values in self._points.items()
                if s == site and lo <= ts_ns < hi and quantity in values and (not zones or zone in zones)
            ]

    def count(self, site: str) -> int:
        """How many points the store holds for a site."""
        with self._lock:
            return sum(1 for key in self._points if key[0] == site)

    def close(self) -> None:
        """Nothing to release."""
