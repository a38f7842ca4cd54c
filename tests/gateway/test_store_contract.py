"""One contract suite that every reading-store adapter must pass."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from gateway.stores import MemoryReadingStore, ReadingStore, SQLiteReadingStore, open_store
from gateway.stores.port import RAW_COLUMNS, WINDOW_COLUMNS
from sensors.reading import Reading

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path) -> Iterator[ReadingStore]:
    s: ReadingStore = MemoryReadingStore() if request.param == "memory" else SQLiteReadingStore(tmp_path / "r.db")
    yield s
    s.close()


def r(minute: int, zone: str = "z1", device: str = "aq-01", site: str = "kc-main", **values: float) -> Reading:
    return Reading(site, zone, device, T0 + timedelta(minutes=minute), values)


def test_written_readings_come_back(store):
    store.write([r(0, co2_ppm=600, temperature_c=22.0), r(1, co2_ppm=650)])
    frame = store.series("kc-main", "co2_ppm", T0, T0 + timedelta(hours=1))
    assert list(frame.columns) == RAW_COLUMNS
    assert frame["value"].tolist() == [600.0, 650.0]
    assert frame["ts"].tolist() == [pd.Timestamp(T0), pd.Timestamp(T0 + timedelta(minutes=1))]
    assert str(frame["ts"].dt.tz) == "UTC"
    assert store.series("kc-main", "temperature_c", T0, T0 + timedelta(hours=1))["value"].tolist() == [22.0]


def test_the_same_reading_twice_is_one_point(store):
    store.write([r(0, co2_ppm=600)])
    store.write([r(0, co2_ppm=600)])
    assert store.count("kc-main") == 1
    assert len(store.series("kc-main", "co2_ppm", T0, T0 + timedelta(minutes=5))) == 1


def test_a_second_write_merges_fields_like_influxdb(store):
    store.write([r(0, co2_ppm=600)])
    store.write([r(0, temperature_c=21.5)])
    store.write([r(0, co2_ppm=610)])
    assert store.count("kc-main") == 1
    assert store.series("kc-main", "co2_ppm", T0, T0 + timedelta(minutes=1))["value"].tolist() == [610.0]
    assert store.series("kc-main", "temperature_c", T0, T0 + timedelta(minutes=1))["value"].tolist() == [21.5]


def test_nanosecond_precision_keeps_close_readings_apart(store):
    a = Reading("kc-main", "z1", "aq-01", T0, {"co2_ppm": 1})
    b = Reading("kc-main", "z1", "aq-01", T0 + timedelta(microseconds=1), {"co2_ppm": 300})
    store.write([a, b])
    assert store.count("kc-main") == 2


def test_range_is_half_open_and_filters_zone_and_site(store):
    store.write(
        [
            r(0, co2_ppm=500),
            r(10, co2_ppm=510),
            r(10, zone="z2", device="aq-02", co2_ppm=900),
            r(5, site="other", co2_ppm=999),
        ]
    )
    frame = store.series("kc-main", "co2_ppm", T0, T0 + timedelta(minutes=10))
    assert frame["value"].tolist() == [500.0]
    z2 = store.series("kc-main", "co2_ppm", T0, T0 + timedelta(hours=1), zones=["z2"])
    assert z2["zone"].tolist() == ["z2"]
    assert store.count("other") == 1


def test_windows_aggregate_per_zone(store):
    store.write(
        [r(m, co2_ppm=600 + m) for m in range(10)] + [r(m, zone="z2", device="x", co2_ppm=1000) for m in range(3)]
    )
    frame = store.windows("kc-main", "co2_ppm", T0, T0 + timedelta(hours=1), timedelta(minutes=5))
    assert list(frame.columns) == WINDOW_COLUMNS
    z1 = frame[frame["zone"] == "z1"]
    assert z1["mean"].tolist() == [602.0, 607.0]
    assert z1["min"].tolist() == [600.0, 605.0]
    assert z1["max"].tolist() == [604.0, 609.0]
    assert z1["count"].tolist() == [5, 5]
    assert frame[frame["zone"] == "z2"]["count"].tolist() == [3]
    assert frame["ts"].iloc[0] == pd.Timestamp(T0)


def test_latest_is_per_zone_and_quantity(store):
    store.write([r(0, co2_ppm=600, temperature_c=21), r(5, co2_ppm=700), r(3, zone="z2", device="b", co2_ppm=900)])
    store.write([r(1, co2_ppm=650)])  # late arrival must not replace the newer value
    latest = {(lv.zone, lv.quantity): (lv.value, lv.ts) for lv in store.latest("kc-main")}
    assert latest == {
        ("z1", "co2_ppm"): (700.0, T0 + timedelta(minutes=5)),
        ("z1", "temperature_c"): (21.0, T0),
        ("z2", "co2_ppm"): (900.0, T0 + timedelta(minutes=3)),
    }


def test_empty_results_have_the_right_columns(store):
    assert list(store.series("kc-main", "co2_ppm", T0, T0 + timedelta(hours=1)).columns) == RAW_COLUMNS
    w = store.windows("kc-main", "co2_ppm", T0, T0 + timedelta(hours=1), timedelta(hours=1))
    assert list(w.columns) == WINDOW_COLUMNS
    assert store.latest("kc-main") == []


def test_unknown_quantity_and_naive_times_are_refused(store):
    with pytest.raises(ValueError, match="unknown quantity"):
        store.series("kc-main", "co2; DROP TABLE environment", T0, T0 + timedelta(hours=1))
    with pytest.raises(ValueError, match="timezone-aware"):
        store.series("kc-main", "co2_ppm", T0.replace(tzinfo=None), T0 + timedelta(hours=1))


def test_open_store_by_url(tmp_path):
    s = open_store(f"sqlite:///{tmp_path}/x/readings.db")
    assert isinstance(s, SQLiteReadingStore)
    s.close()
    with pytest.raises(ValueError, match="unknown store kind 'postgres'"):
        open_store("postgres://localhost/db")


def test_sqlite_store_survives_reopening(tmp_path):
    path = tmp_path / "r.db"
    s = SQLiteReadingStore(path)
    s.write([r(0, co2_ppm=600)])
    s.close()
    again = SQLiteReadingStore(path)
    assert again.count("kc-main") == 1
    assert again.latest("kc-main")[0].value == 600.0
    again.close()
