"""One contract suite that every reading-store adapter must pass.

`store` runs each test against the in-memory fake, SQLite, InfluxDB 1.x (real `influxd`, HTTP v1
API) and the influxdb2 store on a real VictoriaMetrics (v2 write API; reads via its export API).
The servers start once per session (tests/services.py); each test gets a fresh database, and
VictoriaMetrics (which ignores buckets) is emptied before each test.
"""

import functools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from gateway.errors import StoreQueryError, StoreRejectedError, StoreURLError
from gateway.stores import MemoryReadingStore, ReadingStore, SQLiteReadingStore, open_store
from gateway.stores.port import RAW_COLUMNS, WINDOW_COLUMNS
from sensors.reading import Reading
from tests.services import (  # noqa: F401  (session fixtures, requested by name below)
    FlushAfterWrite,
    fresh_name,
    influxdb_server,
    victoria_metrics,
)

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
STORE_KINDS = ["memory", "sqlite", "influxdb", "influxdb2"]


@pytest.fixture(params=STORE_KINDS)
def store(request, tmp_path) -> Iterator[ReadingStore]:
    kind = request.param
    cleanup = None
    if kind == "memory":
        s: ReadingStore = MemoryReadingStore()
    elif kind == "sqlite":
        s = SQLiteReadingStore(tmp_path / "r.db")
    elif kind == "influxdb":
        server = request.getfixturevalue("influxdb_server")
        database = fresh_name()
        s = open_store(server.url(database))
        cleanup = functools.partial(server.drop, database)
    else:
        vm = request.getfixturevalue("victoria_metrics")
        vm.delete_all()
        s = FlushAfterWrite(open_store(vm.url(fresh_name()), influx_token=vm.token), vm)  # type: ignore[assignment]
    yield s
    s.close()
    if cleanup is not None:
        cleanup()


def on_victoria_metrics(request) -> bool:
    return request.node.callspec.params.get("store") == "influxdb2"


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


def test_nanosecond_precision_keeps_close_readings_apart(store, request):
    if on_victoria_metrics(request):
        # A limit of the server, kept visible: strict, so that a server that starts keeping
        # sub-millisecond timestamps turns this into a failure to look at.
        request.applymarker(pytest.mark.xfail(strict=True, reason="VictoriaMetrics stores millisecond timestamps"))
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
    with pytest.raises(StoreQueryError, match="unknown quantity"):
        store.series("kc-main", "co2; DROP TABLE environment", T0, T0 + timedelta(hours=1))
    with pytest.raises(StoreQueryError, match="timezone-aware"):
        store.series("kc-main", "co2_ppm", T0.replace(tzinfo=None), T0 + timedelta(hours=1))


def test_reversed_ranges_and_empty_windows_are_refused_alike(store):
    with pytest.raises(StoreQueryError, match="is before start"):
        store.series("kc-main", "co2_ppm", T0 + timedelta(hours=1), T0)
    with pytest.raises(StoreQueryError, match="is before start"):
        store.windows("kc-main", "co2_ppm", T0 + timedelta(hours=1), T0, timedelta(minutes=5))
    with pytest.raises(StoreQueryError, match="window must be positive"):
        store.windows("kc-main", "co2_ppm", T0, T0 + timedelta(hours=1), timedelta(0))


def test_open_store_by_url(tmp_path):
    s = open_store(f"sqlite:///{tmp_path}/x/readings.db")
    assert isinstance(s, SQLiteReadingStore)
    s.close()
    with pytest.raises(StoreURLError, match="unknown store kind 'postgres'"):
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


def test_count_counts_points_not_fields(store):
    store.write(
        [
            r(0, co2_ppm=600),
            r(1, temperature_c=21.0),  # same device, another time, another field
            r(0, device="aq-02", temperature_c=22.0),  # same time, another device
            r(2, co2_ppm=610, temperature_c=21.5, humidity_pct=40.0),  # one point, three fields
        ]
    )
    assert store.count("kc-main") == 4
    assert store.count("nowhere") == 0


def test_windows_are_aligned_to_the_epoch_not_to_start(store):
    store.write([r(m, co2_ppm=600 + m) for m in range(10)])
    frame = store.windows(
        "kc-main", "co2_ppm", T0 + timedelta(minutes=2), T0 + timedelta(minutes=8), timedelta(minutes=5)
    )
    assert frame["ts"].tolist() == [pd.Timestamp(T0), pd.Timestamp(T0 + timedelta(minutes=5))]
    assert frame["count"].tolist() == [3, 3]
    assert frame["min"].tolist() == [602.0, 605.0]


@pytest.mark.parametrize(
    "name",
    ["with space", "comma,and=equals", 'it\'s "quoted"', "' OR '1'='1", "Zon ä/ö", "dollar ${x} {brace}"],
)
def test_names_with_special_characters_round_trip(store, name):
    store.write([r(0, site=name, zone=name, device=name, co2_ppm=700)])
    assert store.count(name) == 1
    frame = store.series(name, "co2_ppm", T0, T0 + timedelta(minutes=1), zones=[name])
    assert frame[["zone", "device", "value"]].values.tolist() == [[name, name, 700.0]]
    assert [(lv.zone, lv.device) for lv in store.latest(name)] == [(name, name)]
    assert store.count("kc-main") == 0


def test_results_equal_the_reference_store(store):
    """Frames match the in-memory fake's exactly: columns, dtypes, order and values."""
    readings = [
        r(m, zone=f"z{m % 3}", device=f"d{m % 4}", co2_ppm=500.0 + 7 * m, temperature_c=20 + m / 8)
        for m in range(0, 90, 2)
    ] + [r(m, zone="z1", device="d9", humidity_pct=30.0 + m) for m in range(0, 90, 5)]
    reference = MemoryReadingStore()
    reference.write(readings)
    store.write(readings[:30])
    store.write(readings[30:])
    start, stop = T0 + timedelta(minutes=3), T0 + timedelta(minutes=77)
    for quantity in ("co2_ppm", "temperature_c", "humidity_pct"):
        for zones in (None, ["z1"], ["z0", "z2"]):
            pd.testing.assert_frame_equal(
                store.series("kc-main", quantity, start, stop, zones),
                reference.series("kc-main", quantity, start, stop, zones),
            )
            pd.testing.assert_frame_equal(
                store.windows("kc-main", quantity, start, stop, timedelta(minutes=15), zones),
                reference.windows("kc-main", quantity, start, stop, timedelta(minutes=15), zones),
            )
    assert store.latest("kc-main") == reference.latest("kc-main")
    assert store.count("kc-main") == reference.count("kc-main")


def test_a_batch_is_stored_like_the_same_readings(store):
    import numpy as np

    from gateway.stores.batch import PointBatch

    n = 120
    ts = np.array([epoch(T0 + timedelta(minutes=m)) for m in range(n)], dtype=np.int64)
    co2 = np.array([600.0 + m for m in range(n)])
    temperature = np.where(np.arange(n) % 3 == 0, np.nan, 21.5)  # a missing value is no value
    batch = PointBatch(
        "kc-main",
        ts,
        np.array(["z1" if m % 2 else "z2" for m in range(n)], dtype=object),
        np.array(["aq-01" if m % 2 else "aq-02" for m in range(n)], dtype=object),
        {"co2_ppm": co2, "temperature_c": temperature},
    )
    told: list[int] = []
    store.write_batch(batch, progress=told.append)
    assert told[-1] == n
    stop = T0 + timedelta(hours=3)
    assert store.series("kc-main", "co2_ppm", T0, stop)["value"].tolist() == co2.tolist()
    assert len(store.series("kc-main", "temperature_c", T0, stop)) == n - 40
    store.write_batch(batch)  # again: the same points, nothing doubled
    assert store.count("kc-main") == n
    latest = {(lv.zone, lv.quantity): lv.value for lv in store.latest("kc-main")}
    assert latest[("z1", "co2_ppm")] == 719.0
    assert latest[("z2", "co2_ppm")] == 718.0


def epoch(ts: datetime) -> int:
    from sensors.reading import epoch_ns

    return epoch_ns(ts)


def test_batches_interrupted_midway_store_nothing_where_the_store_is_atomic(store):
    import numpy as np

    from gateway.stores.batch import PointBatch

    first = PointBatch(
        "kc-main",
        np.array([epoch(T0 + timedelta(minutes=m)) for m in range(10)], dtype=np.int64),
        np.array(["z1"] * 10, dtype=object),
        np.array(["aq-01"] * 10, dtype=object),
        {"co2_ppm": np.full(10, 700.0)},
    )

    def batches():
        yield first
        raise RuntimeError("a problem found after the first batch")

    with pytest.raises(RuntimeError, match="after the first batch"):
        store.write_batches(batches())
    # The embedded store rolls its transaction back; InfluxDB has none and says so in atomic_batches.
    assert store.count("kc-main") == (0 if store.atomic_batches else 10)


def test_whole_quarter_hour_windows_follow_every_kind_of_write(store, request):
    """Merged fields, rewritten points, late arrivals and bulk batches over stored and fresh quarter hours.

    Windows of whole quarter hours over whole quarter hours (what the analysis reads; the embedded store
    serves them from its 15-minute rollup) must equal the in-memory fake's after each kind of write.
    VictoriaMetrics keeps both values of a point written twice with different values (its duplicates are
    merged later, not overwritten), so there the points are not rewritten.
    """
    rewrites = not on_victoria_metrics(request)
    import numpy as np

    from gateway.stores.batch import PointBatch

    reference = MemoryReadingStore()

    def both(write) -> None:
        write(store)
        write(reference)

    def batch(minutes, zone, device, **values):
        ts = np.array([epoch(T0 + timedelta(minutes=m)) for m in minutes], dtype=np.int64)
        n = len(minutes)
        return PointBatch("kc-main", ts, np.full(n, zone, dtype=object), np.full(n, device, dtype=object),
                          {k: np.asarray(v, dtype=float) for k, v in values.items()})  # fmt: skip

    both(lambda s: s.write([r(m, co2_ppm=500.0 + m) for m in range(0, 40)]))
    both(lambda s: s.write([r(m, temperature_c=21.0 + m / 10) for m in range(0, 40, 3)]))  # merged into points
    if rewrites:
        both(lambda s: s.write([r(5, co2_ppm=900.0), r(7, co2_ppm=950.0)]))  # rewritten values
    both(lambda s: s.write([r(200, co2_ppm=610.0), r(2, zone="z2", device="b", co2_ppm=1200.0)]))  # late, apart
    # A bulk batch over stored quarter hours (minutes 30–44) and fresh ones (45–89), with a gap in its values;
    # where the points are not rewritten, it adds a humidity sensor to them instead.
    minutes = range(30, 90) if rewrites else range(40, 90)
    co2 = np.where(np.arange(minutes.start, 90) % 4 == 0, np.nan, 700.0 + np.arange(minutes.start, 90))
    humidity = np.full(len(minutes), 33.0)
    both(lambda s: s.write_batch(batch(minutes, "z1", "aq-01", co2_ppm=co2, humidity_pct=humidity)))
    # A batch that names one point twice: the store keeps one (the later values), counted once.
    repeated = [120, 121, 121] if rewrites else [120, 121, 122]
    both(lambda s: s.write_batch(batch(repeated, "z1", "aq-09", co2_ppm=[800.0, 810.0, 820.0])))
    start, stop = T0 - timedelta(hours=1), T0 + timedelta(hours=5)
    for quantity in ("co2_ppm", "temperature_c", "humidity_pct"):
        for width in (timedelta(minutes=15), timedelta(hours=1), timedelta(days=1)):
            for zones in (None, ["z2"]):
                got = store.windows("kc-main", quantity, start, stop, width, zones)
                want = reference.windows("kc-main", quantity, start, stop, width, zones)
                pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12)
    hourly = store.windows("kc-main", "co2_ppm", start, stop, timedelta(hours=1))
    # 40 points, 2 late ones, the batch's 37 new values (minutes 40–89 less every fourth), 2 from the
    # repeating batch: a point written again, or merged into, is still one value.
    assert hourly["count"].sum() == 40 + 2 + 37 + (2 if rewrites else 3)


def test_an_embedded_store_from_before_the_rollup_gets_one(tmp_path):
    import sqlite3

    path = tmp_path / "r.db"
    first = SQLiteReadingStore(path)
    first.write([r(m, co2_ppm=600.0 + m) for m in range(0, 120)])
    first.close()
    with sqlite3.connect(path) as conn:  # as a store file written before the rollup existed
        conn.execute("DROP TABLE environment_15m")
    again = SQLiteReadingStore(path)
    hourly = again.windows("kc-main", "co2_ppm", T0, T0 + timedelta(hours=2), timedelta(hours=1))
    assert hourly["count"].tolist() == [60, 60]
    assert hourly["mean"].tolist() == [629.5, 689.5]
    again.close()


def test_a_rollup_build_cut_short_is_built_again_on_the_next_open(tmp_path, monkeypatch):
    """The first build runs in one transaction with the table's creation: a crash leaves no empty rollup."""
    import sqlite3

    from gateway.stores import sqlite_rollup

    path = tmp_path / "r.db"
    first = SQLiteReadingStore(path)
    first.write([r(m, co2_ppm=600.0 + m) for m in range(0, 120)])
    first.close()
    with sqlite3.connect(path) as conn:  # as a store file written before the rollup existed
        conn.execute("DROP TABLE environment_15m")
    real_rebuild = sqlite_rollup.rebuild

    def cut_short(conn):
        real_rebuild(conn)
        raise KeyboardInterrupt("stopped during the rebuild")

    monkeypatch.setattr(sqlite_rollup, "rebuild", cut_short)
    with pytest.raises(KeyboardInterrupt):
        SQLiteReadingStore(path)
    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "environment_15m" not in tables  # rolled back with the build
    monkeypatch.setattr(sqlite_rollup, "rebuild", real_rebuild)
    again = SQLiteReadingStore(path)
    hourly = again.windows("kc-main", "co2_ppm", T0, T0 + timedelta(hours=2), timedelta(hours=1))
    assert hourly["count"].tolist() == [60, 60]
    again.close()


def test_a_nan_value_is_no_value_in_the_windows_too(store, request):
    """NaN written directly (the gateway drops it before) is stored as no value, and not counted in windows.

    Line protocol cannot carry NaN: the HTTP stores refuse the write instead, and store nothing.
    """
    if on_victoria_metrics(request) or request.node.callspec.params.get("store") == "influxdb":
        with pytest.raises(StoreRejectedError, match="not a finite number"):
            store.write([r(1, co2_ppm=float("nan"))])
        assert store.count("kc-main") == 0
        return
    store.write([r(0, co2_ppm=600.0), r(1, co2_ppm=float("nan"), temperature_c=21.0), r(2, co2_ppm=700.0)])
    hourly = store.windows("kc-main", "co2_ppm", T0, T0 + timedelta(hours=1), timedelta(hours=1))
    assert hourly["count"].tolist() == [2]
    assert hourly["mean"].tolist() == [650.0]
