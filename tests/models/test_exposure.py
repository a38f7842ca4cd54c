"""Exposure per zone and week: the store's hourly windows against pandas on the raw points."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from gateway.stores import MemoryReadingStore
from models.errors import ModelInputError
from models.exposure import exposure
from models.holidays import holidays_between
from models.occupancy import OccupiedHours
from sensors.quantities import QUANTITIES
from sensors.site import Site
from synthetic.office import OfficeSimulator

# Three ISO weeks around Ascension Day 2026 (Thursday 14 May): a holiday inside a week. Local midnights.
START = datetime(2026, 5, 4, tzinfo=ZoneInfo("Europe/Stockholm"))
STOP = datetime(2026, 5, 25, tzinfo=ZoneInfo("Europe/Stockholm"))
ZONES = ["z1", "z3", "z7"]


@pytest.fixture(scope="module")
def filled(example_site: Site) -> MemoryReadingStore:
    """Three weeks of simulated minutes for three zones; z7's sensor is down from Monday to Thursday of week 2."""
    sim = OfficeSimulator(example_site, seed=11, drifting_device=None)
    store = MemoryReadingStore()
    down = (datetime(2026, 5, 11, tzinfo=UTC), datetime(2026, 5, 14, 23, tzinfo=UTC))
    for chunk in sim.readings(START, STOP):
        keep = [r for r in chunk if r.zone in ZONES and not (r.zone == "z7" and down[0] <= r.ts < down[1])]
        store.write(keep)
    return store


def hours_of(site: Site) -> OccupiedHours:
    wh = site.site.working_hours
    return OccupiedHours(site.site.tz, wh.start, wh.end, tuple(wh.days))


def pandas_exposure(raw: pd.DataFrame, site: Site, quantity: str) -> pd.DataFrame:
    """The same figures straight from the raw points, by pandas, with the rules written out again."""
    tz = site.site.tz
    local = raw["ts"].dt.tz_convert(tz)
    minutes = local.dt.hour * 60 + local.dt.minute
    holidays = set(holidays_between(date(2026, 5, 1), date(2026, 5, 31)))
    occupied = (minutes >= 8 * 60) & (minutes < 17 * 60) & (local.dt.day_of_week < 5) & ~local.dt.date.isin(holidays)
    frame = raw[occupied.to_numpy()].assign(local=local[occupied.to_numpy()])
    frame = frame.assign(
        hour=frame["local"].dt.floor("h"),
        week=(frame["local"].dt.tz_localize(None).dt.normalize() - pd.to_timedelta(frame["local"].dt.day_of_week, "D")),
    )
    hourly = frame.groupby(["zone", "week", "hour"])["value"].mean().reset_index()
    spec = QUANTITIES[quantity]
    hourly["band"] = [spec.band(v, h.month).value for v, h in zip(hourly["value"], hourly["hour"], strict=True)]
    out = frame.groupby(["zone", "week"])["value"].mean().to_frame("mean")
    out["hours_with_data"] = hourly.groupby(["zone", "week"]).size()
    out["p95"] = hourly.groupby(["zone", "week"])["value"].quantile(0.95)
    for band in ("good", "acceptable", "act"):
        out[f"hours_{band}"] = hourly[hourly["band"] == band].groupby(["zone", "week"]).size()
    return out.fillna({"hours_good": 0, "hours_acceptable": 0, "hours_act": 0})


@pytest.mark.parametrize("quantity", ["co2_ppm", "temperature_c", "sound_dba", "illuminance_lux"])
def test_weekly_exposure_matches_pandas_on_the_raw_points(filled, example_site, quantity):
    windows = filled.windows("kc-main", quantity, START, STOP, timedelta(hours=1))
    ours = exposure(windows, quantity, hours_of(example_site), START, STOP, zones=ZONES).set_index(
        ["zone", "period_start"]
    )
    truth = pandas_exposure(filled.series("kc-main", quantity, START, STOP), example_site, quantity)
    ok = ours[ours["status"] == "ok"]
    assert len(ok) == 8, "z7's second week is missing; every other zone-week is judged"
    for key, row in ok.iterrows():
        expected = truth.loc[key]
        assert row["mean"] == pytest.approx(expected["mean"], rel=1e-9), key
        assert row["p95"] == pytest.approx(expected["p95"], rel=1e-9), key
        assert row["hours_with_data"] == expected["hours_with_data"], key
        for band in ("good", "acceptable", "act"):
            assert row[f"hours_{band}"] == expected[f"hours_{band}"], (key, band)
        assert row["hours_good"] + row["hours_acceptable"] + row["hours_act"] == row["hours_with_data"]


def test_holidays_sensor_gaps_and_completeness(filled, example_site):
    windows = filled.windows("kc-main", "co2_ppm", START, STOP, timedelta(hours=1))
    out = exposure(windows, "co2_ppm", hours_of(example_site), START, STOP, zones=[*ZONES, "z12"])
    week = out.set_index(["zone", "period"])
    assert week.loc[("z1", "2026-W19"), "expected_hours"] == 45
    assert week.loc[("z1", "2026-W20"), "expected_hours"] == 36, "Ascension Day is closed"
    z7 = week.loc[("z7", "2026-W20")]
    assert z7["hours_with_data"] == 9  # only the Friday: the sensor was down Monday to Thursday
    assert z7["completeness"] == pytest.approx(9 / 36)
    assert z7["status"] == "missing"
    assert np.isnan(z7["mean"])
    assert np.isnan(z7["hours_act"]), "a missing week is never counted as a good one"
    z12 = out[out["zone"] == "z12"]
    assert (z12["status"] == "missing").all()
    assert (z12["completeness"] == 0).all(), "a zone without data is reported, not dropped"


def test_days_and_bad_input(filled, example_site):
    windows = filled.windows("kc-main", "co2_ppm", START, STOP, timedelta(hours=1))
    days = exposure(windows, "co2_ppm", hours_of(example_site), START, STOP, zones=["z1"], period="day")
    assert len(days) == 21
    assert days.set_index("period").loc["2026-05-09", "expected_hours"] == 0  # a Saturday
    assert days.set_index("period").loc["2026-05-14", "status"] == "missing"  # Ascension Day: nothing expected
    with pytest.raises(ModelInputError, match="unknown quantity"):
        exposure(windows, "radon", hours_of(example_site), START, STOP, zones=["z1"])
    with pytest.raises(ModelInputError, match="lack columns"):
        exposure(windows.drop(columns="count"), "co2_ppm", hours_of(example_site), START, STOP, zones=["z1"])


def test_working_hours_that_do_not_start_on_the_hour():
    hours = OccupiedHours(ZoneInfo("Europe/Stockholm"), time(8, 30), time(16, 30))
    grid = hours.windows(datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC), timedelta(minutes=15))
    local = grid.tz_convert("Europe/Stockholm")
    assert (local[0].hour, local[0].minute) == (8, 30)
    assert (local[-1].hour, local[-1].minute) == (16, 15)
    assert len(grid) == 32
