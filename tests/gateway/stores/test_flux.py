"""The Flux read path, against a fake query API (no InfluxDB 2.x is available to test against)."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest

from gateway.errors import StoreQueryError
from gateway.stores.flux import FluxReader
from gateway.stores.port import RAW_COLUMNS, WINDOW_COLUMNS, LatestValue
from gateway.stores.urls import InfluxV2Target

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
T0_NS = 1795507200000000000
MIN = 60_000_000_000


@dataclass
class Record:
    values: dict[str, Any]


@dataclass
class Table:
    records: list[Record]


@dataclass
class FakeQueryApi:
    answer: list[dict[str, Any]]
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def query(self, query: str, org: Any = None, params: Any = None) -> list[Table]:
        self.calls.append((query, org, params))
        return [Table([Record(v) for v in self.answer])]


def reader(answer: list[dict[str, Any]]) -> tuple[FluxReader, FakeQueryApi]:
    api = FakeQueryApi(answer)
    return FluxReader(api, InfluxV2Target("http://x:8086", "my-bucket", "my-org")), api


def test_values_travel_as_parameters_never_inside_the_query():
    site = 'x") |> drop() |> yield(name: "${pwned}'
    flux, api = reader([])
    flux.series(site, "co2_ppm", T0, T0 + timedelta(hours=1), zones=["z'1", 'z"2'])
    query, org, params = api.calls[0]
    assert org == "my-org"
    assert params == {
        "bucket": "my-bucket",
        "site": site,
        "start": T0,
        "stop": T0 + timedelta(hours=1),
        "field": "co2_ppm",
        "zones": ["z'1", 'z"2'],
    }
    for value in ("pwned", "z'1", "my-bucket"):
        assert value not in query
    assert "contains(value: r.zone, set: params.zones)" in query


def test_zones_filter_is_left_out_when_not_asked_for():
    flux, api = reader([])
    flux.series("s", "co2_ppm", T0, T0 + timedelta(hours=1))
    assert "params.zones" not in api.calls[0][0]
    assert "zones" not in api.calls[0][2]


def test_series_records_become_the_raw_frame():
    flux, _ = reader(
        [
            {"zone": "z2", "device": "b", "value": 900.0, "ts": T0_NS + MIN},
            {"zone": "z1", "device": "a", "value": 600.0, "ts": T0_NS + 7},
        ]
    )
    frame = flux.series("s", "co2_ppm", T0, T0 + timedelta(hours=1))
    assert list(frame.columns) == RAW_COLUMNS
    assert frame["value"].tolist() == [600.0, 900.0]
    assert frame["ts"].iloc[0].value == T0_NS + 7
    assert str(frame["ts"].dt.tz) == "UTC"


def test_window_starts_clipped_by_the_range_are_floored_to_the_epoch_grid():
    flux, api = reader([{"zone": "z1", "start": T0_NS + 2 * MIN, "n": 3, "total": 1806.0, "lo": 601.0, "hi": 603.0}])
    frame = flux.windows("s", "co2_ppm", T0 + timedelta(minutes=2), T0 + timedelta(hours=1), timedelta(minutes=5))
    assert list(frame.columns) == WINDOW_COLUMNS
    assert frame.iloc[0].to_dict() == {
        "ts": pd.Timestamp(T0),
        "zone": "z1",
        "mean": 602.0,
        "min": 601.0,
        "max": 603.0,
        "count": 3,
    }
    assert api.calls[0][2]["every"] == timedelta(minutes=5)


def test_latest_and_count():
    flux, _ = reader([{"zone": "z1", "device": "a", "field": "co2_ppm", "value": 700.0, "ts": T0_NS}])
    assert flux.latest("s") == [LatestValue("z1", "co2_ppm", 700.0, T0, "a")]
    flux, _ = reader([{"_value": 42}])
    assert flux.count("s") == 42


def test_unknown_quantities_and_naive_times_are_refused_before_querying():
    flux, api = reader([])
    with pytest.raises(StoreQueryError, match="unknown quantity"):
        flux.series("s", "co2; drop", T0, T0 + timedelta(hours=1))
    with pytest.raises(StoreQueryError, match="timezone-aware"):
        flux.windows("s", "co2_ppm", T0.replace(tzinfo=None), T0, timedelta(minutes=5))
    assert api.calls == []
