"""Reads over Flux (`/api/v2/query`) for InfluxDB 2.x, through influxdb-client's query API.

NOT RUN AGAINST A REAL SERVER: no InfluxDB 2.x was available where this was written (only 1.6 and
VictoriaMetrics). The mapping from records to frames is unit-tested with a fake query API; the Flux
text itself is unverified. Every value (bucket, site, zones, times, field) travels as a Flux
parameter (`params.*`), never inside the query text.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from gateway.stores.frames import RawRow, RowSource, Selection, WindowRow
from gateway.stores.lineprotocol import MEASUREMENT
from gateway.stores.port import LatestValue
from gateway.stores.urls import InfluxV2Target
from sensors.reading import from_epoch_ns

# range() needs bounds; these cover every timestamp a reading can have.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)

_SOURCE = f"""from(bucket: params.bucket)
  |> range(start: params.start, stop: params.stop)
  |> filter(fn: (r) => r._measurement == "{MEASUREMENT}" and r.site == params.site)"""
_ONE_FIELD = "\n  |> filter(fn: (r) => r._field == params.field)"
_IN_ZONES = "\n  |> filter(fn: (r) => contains(value: r.zone, set: params.zones))"

LATEST_FLUX = (
    _SOURCE
    + """
  |> last()
  |> group(columns: ["zone", "_field"])
  |> sort(columns: ["_time"])
  |> last()
  |> map(fn: (r) => ({
      zone: r.zone, device: r.device, field: r._field, value: float(v: r._value), ts: int(v: r._time),
  }))"""
)
SERIES_TAIL = """
  |> map(fn: (r) => ({zone: r.zone, device: r.device, value: float(v: r._value), ts: int(v: r._time)}))"""
# Windows are aligned to the epoch (window()'s default); the first one starts at the range's start,
# so the window is identified by flooring its start, done in Python.
WINDOWS_TAIL = """
  |> group(columns: ["zone"])
  |> window(every: params.every, createEmpty: false)
  |> reduce(
      identity: {n: 0, total: 0.0, lo: 0.0, hi: 0.0},
      fn: (r, accumulator) => ({
        n: accumulator.n + 1,
        total: accumulator.total + float(v: r._value),
        lo: if accumulator.n == 0 or float(v: r._value) < accumulator.lo then float(v: r._value) else accumulator.lo,
        hi: if accumulator.n == 0 or float(v: r._value) > accumulator.hi then float(v: r._value) else accumulator.hi,
      }))
  |> map(fn: (r) => ({zone: r.zone, start: int(v: r._start), n: r.n, total: r.total, lo: r.lo, hi: r.hi}))"""
COUNT_TAIL = """
  |> group(columns: ["zone", "device"])
  |> distinct(column: "_time")
  |> count()
  |> group()
  |> sum()"""


class QueryApi(Protocol):
    """The part of influxdb_client's QueryApi used here."""

    def query(self, query: str, org: Any = ..., params: dict[Any, Any] = ...) -> Any:
        """Run Flux; return tables of records."""
        ...


class FluxReader(RowSource):
    """The read half of the influxdb2 store on InfluxDB 2.x."""

    def __init__(self, query_api: QueryApi, target: InfluxV2Target) -> None:
        """Use influxdb-client's query API for the target's org and bucket."""
        self._api = query_api
        self.target = target

    def latest(self, site: str) -> list[LatestValue]:
        """Per zone and quantity, the most recent value (`last()` per series, then per zone and field)."""
        found = [
            LatestValue(rec["zone"], rec["field"], float(rec["value"]), from_epoch_ns(int(rec["ts"])), rec["device"])
            for rec in self._query(LATEST_FLUX, site, EARLIEST, LATEST)
        ]
        return sorted(found, key=lambda lv: (lv.zone, lv.quantity))

    def raw_rows(self, selection: Selection) -> list[RawRow]:
        """The stored values of the selection (Flux ranges are half-open too)."""
        return [
            (int(rec["ts"]), rec["zone"], rec["device"], float(rec["value"]))
            for rec in self._selected(SERIES_TAIL, selection)
        ]

    def window_rows(self, selection: Selection, width_ns: int) -> list[WindowRow]:
        """Mean, min, max and count per zone and epoch-aligned window, aggregated by InfluxDB."""
        # The width is whole microseconds (window_ns), so this timedelta is exactly the window asked for.
        every = timedelta(microseconds=width_ns // 1000)
        return [
            (
                (int(rec["start"]) // width_ns) * width_ns,
                rec["zone"],
                float(rec["total"]) / int(rec["n"]),
                float(rec["lo"]),
                float(rec["hi"]),
                int(rec["n"]),
            )
            for rec in self._selected(WINDOWS_TAIL, selection, every=every)
            if int(rec["n"]) > 0
        ]

    def count(self, site: str) -> int:
        """Distinct zone/device/time of a site, whatever fields each point has."""
        return sum(int(rec["_value"]) for rec in self._query(_SOURCE + COUNT_TAIL, site, EARLIEST, LATEST))

    def _selected(self, tail: str, selection: Selection, **extra: Any) -> Iterator[dict[str, Any]]:
        """Records of the selection's quantity (and zones, if any) piped into `tail`."""
        flux = _SOURCE + _ONE_FIELD + (_IN_ZONES if selection.zones else "") + tail
        params = {"field": selection.quantity, **({"zones": list(selection.zones)} if selection.zones else {}), **extra}
        return self._query(flux, selection.site, selection.start, selection.stop, params)

    def _query(
        self, flux: str, site: str, start: datetime, stop: datetime, extra: dict[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        params = {"bucket": self.target.bucket, "site": site, "start": start, "stop": stop, **(extra or {})}
        for table in self._api.query(flux, org=self.target.org, params=params):
            for record in table.records:
                yield record.values
