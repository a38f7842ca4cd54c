"""The one frame-building path of every reading-store adapter: checked selections in, the port's frames out.

An adapter fetches rows (`RowSource.raw_rows`, and `window_rows` when its server aggregates exactly);
`RowSource.series` and `RowSource.windows` check the request and build the frames here, so that every
store refuses the same requests with the same errors and returns the same columns, types and order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from gateway.errors import StoreQueryError
from gateway.stores.port import RAW_COLUMNS, WINDOW_COLUMNS, Zones
from sensors.quantities import QUANTITY_KEYS
from sensors.reading import epoch_ns

RawRow = tuple[int, str, str, float]  # ts_ns, zone, device, value
WindowRow = tuple[int, str, float, float, float, int]  # bucket_ns (window start), zone, mean, min, max, count


def check_quantity(quantity: str) -> str:
    """The quantity key itself, or StoreQueryError: only keys of the quantity table reach a query."""
    if quantity not in QUANTITY_KEYS:
        raise StoreQueryError(f"unknown quantity {quantity!r}; known: {', '.join(QUANTITY_KEYS)}")
    return quantity


def check_range(start: datetime, stop: datetime) -> None:
    """Refuse naive or reversed time ranges with StoreQueryError."""
    if start.utcoffset() is None or stop.utcoffset() is None:
        raise StoreQueryError("start and stop must be timezone-aware")
    if stop < start:
        raise StoreQueryError(f"stop {stop.isoformat()} is before start {start.isoformat()}")


def window_ns(window: timedelta) -> int:
    """A window's width in integer nanoseconds (exact: timedelta counts microseconds); StoreQueryError if not > 0."""
    width = (window // timedelta(microseconds=1)) * 1000
    if width <= 0:
        raise StoreQueryError(f"window must be positive, got {window}")
    return width


@dataclass(frozen=True)
class Selection:
    """The points a series or windows request asks for: one quantity of a site in [start, stop), in some zones.

    Checked when made, so an adapter may put `quantity` into query text: it is a key of the quantity table.
    """

    site: str
    quantity: str
    start: datetime
    stop: datetime
    zones: tuple[str, ...] = ()  # empty: every zone

    def __post_init__(self) -> None:
        """Refuse, with StoreQueryError, an unknown quantity (it may become a column name) or a bad range."""
        check_quantity(self.quantity)
        check_range(self.start, self.stop)

    @classmethod
    def of(cls, site: str, quantity: str, start: datetime, stop: datetime, zones: Zones = None) -> Selection:
        """The selection of the port's arguments (`zones` None or empty: every zone)."""
        return cls(site, quantity, start, stop, tuple(zones or ()))

    @property
    def start_ns(self) -> int:
        """The inclusive start as integer nanoseconds since the epoch."""
        return epoch_ns(self.start)

    @property
    def stop_ns(self) -> int:
        """The exclusive stop as integer nanoseconds since the epoch."""
        return epoch_ns(self.stop)


def raw_frame(rows: Iterable[RawRow]) -> pd.DataFrame:
    """RAW_COLUMNS, sorted by time, zone, device; `ts` tz-aware UTC."""
    frame = pd.DataFrame(list(rows), columns=["ts_ns", "zone", "device", "value"])
    if frame.empty:
        return _empty({"ts": "datetime64[ns, UTC]", "zone": object, "device": object, "value": float})
    frame["value"] = frame["value"].astype(float)
    frame = frame.sort_values(["ts_ns", "zone", "device"], ignore_index=True)
    frame.insert(0, "ts", pd.to_datetime(frame.pop("ts_ns"), unit="ns", utc=True))
    return frame[RAW_COLUMNS]


def window_frame(rows: Iterable[WindowRow]) -> pd.DataFrame:
    """WINDOW_COLUMNS, sorted by window start and zone; `ts` tz-aware UTC, `count` int64."""
    frame = pd.DataFrame(list(rows), columns=["bucket", "zone", "mean", "min", "max", "count"])
    if frame.empty:
        return _empty(
            {"ts": "datetime64[ns, UTC]", "zone": object, "mean": float, "min": float, "max": float, "count": "int64"}
        )
    frame = frame.sort_values(["bucket", "zone"], ignore_index=True)
    frame.insert(0, "ts", pd.to_datetime(frame.pop("bucket"), unit="ns", utc=True))
    for column in ("mean", "min", "max"):
        frame[column] = frame[column].astype(float)
    frame["count"] = frame["count"].astype("int64")
    return frame[WINDOW_COLUMNS]


def aggregate(rows: Iterable[RawRow], width_ns: int) -> list[WindowRow]:
    """Epoch-aligned window rows computed here from raw rows (for stores that cannot aggregate exactly)."""
    frame = pd.DataFrame(list(rows), columns=["ts_ns", "zone", "device", "value"])
    if frame.empty:
        return []
    frame["bucket"] = (frame["ts_ns"] // width_ns) * width_ns
    out = frame.groupby(["bucket", "zone"], sort=True)["value"].agg(["mean", "min", "max", "count"]).reset_index()
    return list(out.itertuples(index=False, name=None))


def _empty(dtypes: dict[str, Any]) -> pd.DataFrame:
    """A frame without rows, with the port's columns and types."""
    return pd.DataFrame({column: pd.Series([], dtype=dtype) for column, dtype in dtypes.items()})


class RowSource(ABC):
    """The read half of a store as rows; `series` and `windows` of the port are built from them, here only."""

    def series(self, site: str, quantity: str, start: datetime, stop: datetime, zones: Zones = None) -> pd.DataFrame:
        """Raw values of one quantity in [start, stop): columns RAW_COLUMNS, `ts` tz-aware UTC, sorted."""
        return raw_frame(self.raw_rows(Selection.of(site, quantity, start, stop, zones)))

    def windows(
        self, site: str, quantity: str, start: datetime, stop: datetime, window: timedelta, zones: Zones = None
    ) -> pd.DataFrame:
        """Per zone and window (aligned to the epoch, labelled by its start), mean/min/max/count: WINDOW_COLUMNS."""
        selection = Selection.of(site, quantity, start, stop, zones)
        return window_frame(self.window_rows(selection, window_ns(window)))

    @abstractmethod
    def raw_rows(self, selection: Selection) -> Iterable[RawRow]:
        """Every stored value of the selection, in any order."""

    def window_rows(self, selection: Selection, width_ns: int) -> Iterable[WindowRow]:
        """Per zone and epoch-aligned window of `width_ns`, in any order; by default aggregated here from raw rows."""
        return aggregate(self.raw_rows(selection), width_ns)
