"""The one frame-building path of the reading stores: checked selections, exact windows, the port's frames."""

from datetime import UTC, datetime, timedelta, tzinfo

import pandas as pd
import pytest

from gateway.errors import GatewayError, StoreQueryError
from gateway.stores.frames import Selection, aggregate, raw_frame, window_frame, window_ns
from gateway.stores.port import RAW_COLUMNS, WINDOW_COLUMNS

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
MIN_NS = 60_000_000_000


class NoOffset(tzinfo):
    """A tzinfo that does not know its offset: as naive as no tzinfo at all."""

    def utcoffset(self, dt):
        return None


def test_a_selection_refuses_unknown_quantities_with_the_gateways_error():
    with pytest.raises(StoreQueryError, match=r"unknown quantity 'co2'; known: co2_ppm, ") as caught:
        Selection.of("kc-main", "co2", T0, T0 + timedelta(hours=1))
    assert isinstance(caught.value, GatewayError)
    with pytest.raises(StoreQueryError, match="unknown quantity"):
        Selection("kc-main", "co2_ppm) --", T0, T0 + timedelta(hours=1))  # made directly: still checked


@pytest.mark.parametrize(
    ("start", "stop", "reason"),
    [
        (T0.replace(tzinfo=None), T0, "timezone-aware"),
        (T0, T0.replace(tzinfo=NoOffset()), "timezone-aware"),
        (T0 + timedelta(seconds=1), T0, "is before start"),
    ],
)
def test_a_selection_refuses_naive_and_reversed_ranges(start, stop, reason):
    with pytest.raises(StoreQueryError, match=reason):
        Selection.of("kc-main", "co2_ppm", start, stop)


def test_a_selection_keeps_the_range_in_nanoseconds_and_the_zones_as_a_tuple():
    selection = Selection.of("kc-main", "co2_ppm", T0, T0 + timedelta(microseconds=1), ["z1", "z2"])
    assert (selection.start_ns, selection.stop_ns - selection.start_ns) == (1_795_507_200_000_000_000, 1000)
    assert selection.zones == ("z1", "z2")
    assert Selection.of("kc-main", "co2_ppm", T0, T0, None).zones == ()


def test_window_widths_are_exact_and_positive():
    long = timedelta(days=100_000, microseconds=1)
    assert window_ns(long) == (100_000 * 86_400 * 1_000_000 + 1) * 1000
    assert int(long.total_seconds() * 1e9) != window_ns(long)  # what the float arithmetic it replaces gave
    assert window_ns(timedelta(microseconds=1)) == 1000
    for width in (timedelta(0), timedelta(seconds=-60)):
        with pytest.raises(StoreQueryError, match="window must be positive"):
            window_ns(width)


def test_empty_frames_have_the_ports_columns_and_types():
    raw, windows = raw_frame([]), window_frame([])
    assert list(raw.columns) == RAW_COLUMNS
    assert list(windows.columns) == WINDOW_COLUMNS
    assert str(raw["ts"].dtype) == str(windows["ts"].dtype) == "datetime64[ns, UTC]"
    assert (raw["value"].dtype, windows["count"].dtype) == ("float64", "int64")


def test_frames_are_sorted_whatever_order_the_rows_came_in():
    raw = raw_frame([(2, "z1", "b", 1), (1, "z2", "a", 2.5), (1, "z1", "b", 3)])
    assert raw[["zone", "device", "value"]].values.tolist() == [["z1", "b", 3.0], ["z2", "a", 2.5], ["z1", "b", 1.0]]
    assert raw["ts"].iloc[0] == pd.Timestamp(1, unit="ns", tz="UTC")
    windows = window_frame([(MIN_NS, "z1", 2, 1, 3, 2), (0, "z2", 5, 5, 5, 1)])
    assert windows["zone"].tolist() == ["z2", "z1"]
    assert windows["mean"].dtype == "float64"


def test_windows_aggregated_here_are_aligned_to_the_epoch_before_1970_too():
    rows = [(-1, "z1", "a", 10.0), (-MIN_NS, "z1", "a", 20.0), (0, "z1", "a", 30.0)]
    assert aggregate(rows, MIN_NS) == [(-MIN_NS, "z1", 15.0, 10.0, 20.0, 2), (0, "z1", 30.0, 30.0, 30.0, 1)]
    assert aggregate([], MIN_NS) == []
