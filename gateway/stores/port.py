"""The reading-store port: what the gateway, the API and the analytics need of a time-series store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal, Protocol

import pandas as pd

from sensors.reading import Reading

if TYPE_CHECKING:
    from gateway.stores.batch import PointBatch

Aggregate = Literal["mean", "min", "max", "count"]
Zones = Sequence[str] | None  # the zone ids a read keeps; None or empty keeps every zone

# Column layout of every frame the port returns; adapters must match it exactly.
RAW_COLUMNS = ["ts", "zone", "device", "value"]
WINDOW_COLUMNS = ["ts", "zone", "mean", "min", "max", "count"]


@dataclass(frozen=True)
class LatestValue:
    """The most recent value of one quantity in one zone."""

    zone: str
    quantity: str
    value: float
    ts: datetime
    device: str


class ReadingStore(Protocol):
    """A store of readings (contracts §3). The same reading written twice is one point."""

    def write(self, readings: Sequence[Reading]) -> None:
        """Store readings: all or none; raise StoreUnavailableError (retry) or StoreRejectedError (refused).

        InfluxDB has no transactions: a failed batch may be partly stored, which is harmless because
        writing a point again is idempotent.
        """
        ...

    # Whether write_batches is all or nothing (the embedded store: one transaction; InfluxDB: no).
    atomic_batches: bool

    def write_batch(self, batch: PointBatch, progress: Callable[[int], None] | None = None) -> None:
        """Store many points at once (history imports); the same semantics as `write`.

        The embedded store writes the whole batch in one transaction; InfluxDB in requests of
        CHUNK points. `progress(n)` is told how many points have been written so far.
        """
        ...

    def write_batches(self, batches: Iterable[PointBatch], progress: Callable[[int], None] | None = None) -> None:
        """Store batches as they arrive from `batches`; with atomic_batches, an exception from it stores nothing."""
        ...

    def latest(self, site: str) -> list[LatestValue]:
        """Per zone and quantity, the most recent value."""
        ...

    def series(self, site: str, quantity: str, start: datetime, stop: datetime, zones: Zones = None) -> pd.DataFrame:
        """Raw values of one quantity in [start, stop): columns RAW_COLUMNS, `ts` tz-aware UTC, sorted."""
        ...

    def windows(
        self, site: str, quantity: str, start: datetime, stop: datetime, window: timedelta, zones: Zones = None
    ) -> pd.DataFrame:
        """Per zone and window (aligned to the epoch), mean/min/max/count: columns WINDOW_COLUMNS."""
        ...

    def count(self, site: str) -> int:
        """How many points (distinct site/zone/device/ts) the store holds for a site."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...
