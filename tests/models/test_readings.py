from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from models.occupancy import OccupiedHours
from models.readings import percentile_name, window_stats
from tests.conftest import UCI_DIR
from tests.support.uci import load_uci

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_occupied_hours_use_local_working_hours_and_days():
    ts = pd.Series(
        pd.to_datetime(
            [
                "2026-11-23T06:59:00Z",  # Monday 07:59 local: before opening
                "2026-11-23T07:00:00Z",  # Monday 08:00 local: open
                "2026-11-23T15:59:00Z",  # Monday 16:59 local: open
                "2026-11-23T16:00:00Z",  # Monday 17:00 local: closed
                "2026-11-28T10:00:00Z",  # Saturday
                "2026-07-06T06:30:00Z",  # Monday 08:30 summer time: open
            ],
            utc=True,
        )
    )
    mask = OccupiedHours(STOCKHOLM, time(8), time(17), (1, 2, 3, 4, 5), holidays_closed=False).at(ts)
    assert mask.tolist() == [False, True, True, False, False, True]


def test_window_stats_with_percentiles():
    t0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    frame = pd.DataFrame(
        {"ts": [t0 + timedelta(minutes=m) for m in range(120)], "zone": "z1", "value": [float(m) for m in range(120)]}
    )
    out = window_stats(frame, timedelta(hours=1), percentiles=(50, 95))
    assert out["count"].tolist() == [60, 60]
    assert out["mean"].tolist() == [29.5, 89.5]
    assert out["p50"].tolist() == [29.5, 89.5]
    assert out["p95"].tolist() == pytest.approx([56.05, 116.05])
    assert out["ts"].tolist() == [pd.Timestamp(t0), pd.Timestamp(t0 + timedelta(hours=1))]


@pytest.mark.parametrize(
    ("p", "name"), [(1, "p1"), (0.5, "p0.5"), (50, "p50"), (95, "p95"), (99.9, "p99.9"), (2.25, "p2.25")]
)
def test_percentiles_are_named_on_the_0_to_100_scale(p, name):
    assert percentile_name(p) == name


@pytest.mark.parametrize("p", [0, 100, -1, 100.5, float("nan")])
def test_percentiles_outside_0_to_100_are_refused(p):
    with pytest.raises(ValueError, match="0–100 scale"):
        percentile_name(p)
    with pytest.raises(ValueError, match="0–100 scale"):
        window_stats(pd.DataFrame({"ts": [], "zone": [], "value": []}), timedelta(hours=1), [p])


def test_window_percentiles_1_and_half_are_low_percentiles_not_the_maximum():
    t0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    values = [float(m) for m in range(1001)]
    frame = pd.DataFrame({"ts": [t0 + timedelta(seconds=m) for m in range(1001)], "zone": "z1", "value": values})
    out = window_stats(frame, timedelta(hours=1), percentiles=(1, 0.5, 50, 95, 99.9))
    assert list(out.columns[-5:]) == ["p1", "p0.5", "p50", "p95", "p99.9"]
    row = out.iloc[0]
    assert (row["p1"], row["p0.5"], row["p50"], row["p95"], row["p99.9"]) == pytest.approx((10, 5, 500, 950, 999))
    assert row["max"] == 1000


def test_uci_office_occupancy_is_mostly_in_working_hours():
    # The real office's own occupancy label against a 08:00-18:00 weekday filter in Belgian time.
    data = load_uci(UCI_DIR)
    brussels = OccupiedHours(ZoneInfo("Europe/Brussels"), time(8), time(18), (1, 2, 3, 4, 5), holidays_closed=False)
    mask = brussels.at(data["ts"])
    occupied_in_hours = data.loc[mask, "occupied"].mean()
    occupied_outside = data.loc[~mask, "occupied"].mean()
    assert occupied_in_hours > 0.5
    assert occupied_outside < 0.02
    # CO2 in occupied hours is clearly higher than outside them, as a working office's should be.
    assert data.loc[mask, "co2_ppm"].mean() > data.loc[~mask, "co2_ppm"].mean() + 150
