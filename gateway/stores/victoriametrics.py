"""Reads of InfluxDB-written readings back from VictoriaMetrics, which serves no Flux and no InfluxQL.

VictoriaMetrics stores each line-protocol field as its own series `environment_<field>` with the
tags as labels (and `db` = the database, when the writer named one). Exact raw samples come from
`/api/v1/export` (JSON lines); `series`, `windows` and `count` are computed here from them, so window
boundaries are exactly the other stores' ([start, start + width), epoch-aligned) rather than
PromQL's (t - width, t]. `latest` uses one MetricsQL instant query (`last_over_time` and
`tlast_over_time` over a ten-year lookback) so that it does not transfer history.

Limits of the server, not of this code (see also influx_v2's docstring):
- timestamps are milliseconds: readings less than 1 ms apart from one device become one sample;
- the same timestamp written twice is kept once only with `-dedup.minScrapeInterval=1ms` (the reader
  also collapses duplicates); which value wins when they differ is not documented by the server;
- fresh writes become searchable after about a second (`/internal/force_flush` makes it immediate);
- v1.79's `/api/v2/write` ignores the bucket: all buckets of one VictoriaMetrics share one namespace.
  Series labelled with another `db` are ignored, series without one are read.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx

from gateway.errors import StoreUnavailableError
from gateway.stores.frames import RawRow, RowSource, Selection
from gateway.stores.httpcall import call, reason_of
from gateway.stores.lineprotocol import MEASUREMENT
from gateway.stores.port import LatestValue
from gateway.stores.urls import InfluxV2Target
from sensors.quantities import QUANTITY_KEYS
from sensors.reading import from_epoch_ns

LATEST_LOOKBACK = "3650d"  # a window reaching back to 1970 makes VictoriaMetrics 1.79 answer nothing
_EXPORT_END_S = 4_102_444_800  # 2100-01-01: "until the end of data" for export
_NS_PER_MS = 1_000_000


def metric_name(quantity: str) -> str:
    """The series name VictoriaMetrics gives a field: `environment_<field>` (default separator `_`)."""
    return f"{MEASUREMENT}_{quantity}"


def label_value(value: str) -> str:
    """A MetricsQL string literal (JSON's escapes are a subset of the Go escapes MetricsQL reads)."""
    return json.dumps(value, ensure_ascii=False)


def selector(name: str | None, labels: dict[str, str]) -> str:
    """`name{k="v",…}` with every value escaped; name None selects every quantity field."""
    matchers = [f"{key}={label_value(value)}" for key, value in labels.items()]
    if name is None:
        names = "|".join(metric_name(key) for key in QUANTITY_KEYS)  # keys are [a-z0-9_]: safe in a regex
        matchers.insert(0, f'__name__=~"{names}"')
        return "{" + ",".join(matchers) + "}"
    return name + "{" + ",".join(matchers) + "}"


class VictoriaMetricsReader(RowSource):
    """The read half of the influxdb2 store when the server is VictoriaMetrics; windows are aggregated here."""

    def __init__(self, http: httpx.Client, target: InfluxV2Target) -> None:
        """Use the store's HTTP client; `target` names the server and the bucket."""
        self._http = http
        self.target = target

    def latest(self, site: str) -> list[LatestValue]:
        """Per zone and quantity, the most recent value within the last ten years."""
        sel = selector(None, {"site": site})
        query = (
            f'union(label_set(last_over_time({sel}[{LATEST_LOOKBACK}]) keep_metric_names, "officewell_part", "value"), '
            f'label_set(tlast_over_time({sel}[{LATEST_LOOKBACK}]) keep_metric_names, "officewell_part", "ts"))'
        )
        body = self._get_json("/api/v1/query", {"query": query, "time": f"{time.time():.3f}", "nocache": "1"})
        parts: dict[tuple[str, str, str], dict[str, float]] = {}
        for item in body.get("data", {}).get("result", []):
            metric = item["metric"]
            if not self._ours(metric):
                continue
            series = (metric.get("zone", ""), metric.get("device", ""), metric["__name__"])
            parts.setdefault(series, {})[metric["officewell_part"]] = float(item["value"][1])
        best: dict[tuple[str, str], tuple[int, str, float]] = {}
        for (zone, device, name), part in parts.items():
            if "value" not in part or "ts" not in part:
                continue
            quantity = name.removeprefix(f"{MEASUREMENT}_")
            ts_ns = round(part["ts"] * 1000) * _NS_PER_MS
            candidate = (ts_ns, device, part["value"])
            if candidate > best.get((zone, quantity), (-(2**63), "", 0.0)):
                best[(zone, quantity)] = candidate
        return [LatestValue(z, q, v, from_epoch_ns(t), d) for (z, q), (t, d, v) in sorted(best.items())]

    def count(self, site: str) -> int:
        """Distinct zone/device/time over every quantity field of a site."""
        points = {
            (metric.get("zone"), metric.get("device"), ts_ms)
            for metric, timestamps, _ in self._export([selector(None, {"site": site})], 0, _EXPORT_END_S * 1000)
            for ts_ms in timestamps
        }
        return len(points)

    def raw_rows(self, selection: Selection) -> list[RawRow]:
        """The exact raw samples of the selection, a duplicate sample counted once."""
        name = metric_name(selection.quantity)
        site, lo, hi = selection.site, selection.start_ns, selection.stop_ns
        if selection.zones:
            matchers = [selector(name, {"site": site, "zone": zone}) for zone in selection.zones]
        else:
            matchers = [selector(name, {"site": site})]
        rows: dict[tuple[str, str, int], float] = {}
        for metric, timestamps, values in self._export(matchers, lo // _NS_PER_MS, -(-hi // _NS_PER_MS)):
            for ts_ms, value in zip(timestamps, values, strict=True):
                ts_ns = ts_ms * _NS_PER_MS
                if lo <= ts_ns < hi:
                    # Keyed by point: a duplicate sample (dedup off, or not merged yet) counts once.
                    rows[(metric.get("zone", ""), metric.get("device", ""), ts_ns)] = float(value)
        return [(ts, zone, device, value) for (zone, device, ts), value in rows.items()]

    def _export(
        self, matchers: list[str], start_ms: int, end_ms: int
    ) -> Iterator[tuple[dict[str, str], list[int], list[Any]]]:
        """Exact raw samples of the matching series of this bucket, one series at a time."""
        form = {"match[]": matchers, "start": _seconds(start_ms), "end": _seconds(end_ms)}
        response = call(self._http, "POST", f"{self.target.base_url}/api/v1/export", where=self.target.where, data=form)
        if response.status_code != 200:
            raise StoreUnavailableError(
                f"{self.target.where}: export answered {response.status_code}: {reason_of(response)}"
            )
        for line in response.text.splitlines():
            if line.strip():
                item = json.loads(line)
                if self._ours(item["metric"]):
                    yield item["metric"], item["timestamps"], item["values"]

    def _get_json(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        response = call(self._http, "POST", f"{self.target.base_url}{path}", where=self.target.where, data=params)
        if response.status_code != 200:
            raise StoreUnavailableError(
                f"{self.target.where}: {path} answered {response.status_code}: {reason_of(response)}"
            )
        body: dict[str, Any] = response.json()
        if body.get("status") != "success":
            raise StoreUnavailableError(f"{self.target.where}: {path} failed: {body.get('error', body)}")
        return body

    def _ours(self, metric: dict[str, str]) -> bool:
        # Series written with another bucket's `db` label belong to that bucket (on servers that set it).
        return metric.get("db", self.target.bucket) == self.target.bucket


def _seconds(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    return f"{seconds}.{millis:03d}"
