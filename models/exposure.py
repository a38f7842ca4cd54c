"""Exposure: what a zone's people breathed, heard and saw over occupied hours, per ISO week or per day.

Input are the reading store's windows (ts = window start in UTC, zone, mean, min, max, count), typically
one hour wide, so two years of 1-minute data arrive as some 17 000 rows per zone and quantity. A window
is occupied when it starts inside the site's working hours (local time) on a working weekday that is
not a Swedish public holiday (models.holidays); only occupied windows count, as the comfort standards
ask (standards.md: "evaluated over occupied working hours only").

Per zone and period:
- `expected_hours`: occupied hours in the period (from the calendar, not from the data);
- `hours_with_data`, `completeness` = hours_with_data / expected_hours;
- `mean`: the mean of every reading in occupied hours (window means weighted by their counts);
- `p95`: the 95th percentile of the occupied hours' means (hourly values, not single readings);
- `hours_good`, `hours_acceptable`, `hours_act`: occupied hours whose mean lies in each band of the
  quantity table in that local month (`hours_act`: beyond the acceptable band, i.e. above the action
  level for CO₂ and sound, outside it for temperature and humidity, below it for light);
- `status`: "ok", or "missing" when completeness is below `min_completeness` — such a period has no
  mean, percentile or band hours, so that too little data is never counted as a good week.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Literal

import numpy as np
import pandas as pd

from models.errors import ModelInputError
from models.occupancy import OccupiedHours
from sensors.quantities import QUANTITIES, Band

Period = Literal["week", "day"]
EXPOSURE_COLUMNS = [
    "zone",
    "period_start",
    "period",
    "expected_hours",
    "hours_with_data",
    "completeness",
    "mean",
    "p95",
    "hours_good",
    "hours_acceptable",
    "hours_act",
    "status",
]
MIN_COMPLETENESS = 0.5  # below half of the occupied hours a week (or day) is missing, not judged


def exposure(
    windows: pd.DataFrame,
    quantity: str,
    hours: OccupiedHours,
    start: datetime,
    stop: datetime,
    *,
    zones: Collection[str],
    period: Period = "week",
    width: timedelta = timedelta(hours=1),
    min_completeness: float = MIN_COMPLETENESS,
) -> pd.DataFrame:
    """Per zone and ISO week (or day) in [start, stop): occupied-hours mean, p95, band hours and completeness.

    `windows` are the store's windows of `width` for `quantity`; `zones` lists every zone to report,
    so a zone without any data shows as missing rather than vanishing.
    """
    if quantity not in QUANTITIES:
        raise ModelInputError(f"unknown quantity {quantity!r}")
    missing = [c for c in ("ts", "zone", "mean", "count") if c not in windows.columns]
    if missing:
        raise ModelInputError(f"windows lack columns {missing}")
    if not 0 <= min_completeness <= 1:
        raise ModelInputError(f"min_completeness is a share between 0 and 1, got {min_completeness}")
    hour_share = width / timedelta(hours=1)
    expected = _expected(hours, start, stop, width, list(zones), period)
    data = windows[windows["count"] > 0]
    data = data[(data["ts"] >= pd.Timestamp(start)) & (data["ts"] < pd.Timestamp(stop))]
    data = data[data["zone"].isin(list(zones))]
    data = data[hours.at(data["ts"]).to_numpy()] if len(data) else data
    local = pd.DatetimeIndex(data["ts"]).tz_convert(hours.tz)
    frame = pd.DataFrame(
        {
            "zone": data["zone"].to_numpy(),
            "period_start": _period_start(local, period),
            "mean": data["mean"].to_numpy(dtype=np.float64),
            "count": data["count"].to_numpy(dtype=np.int64),
            "band": _bands(quantity, data["mean"].to_numpy(dtype=np.float64), local.month.to_numpy()),
        }
    )
    frame["weighted"] = frame["mean"] * frame["count"]
    grouped = frame.groupby(["zone", "period_start"])
    stats = pd.DataFrame(
        {
            "hours_with_data": grouped.size() * hour_share,
            "sum": grouped["weighted"].sum(),
            "n": grouped["count"].sum(),
            "p95": grouped["mean"].quantile(0.95),
        }
    )
    for band in Band:
        stats[f"hours_{band.value}"] = frame[frame["band"] == band.value].groupby(["zone", "period_start"]).size()
    out = expected.join(stats, how="left").reset_index()
    out["hours_with_data"] = out["hours_with_data"].fillna(0.0)
    out["completeness"] = (out["hours_with_data"] / out["expected_hours"].where(out["expected_hours"] > 0)).clip(
        upper=1
    )
    out["mean"] = out["sum"] / out["n"].where(out["n"] > 0)
    ok = out["completeness"] >= min_completeness
    out["status"] = np.where(ok, "ok", "missing")
    has_bands = bool(QUANTITIES[quantity].bands)
    for band in Band:
        column = f"hours_{band.value}"
        out[column] = (out[column].fillna(0.0) * hour_share).where(ok & has_bands)
    out["mean"] = out["mean"].where(ok)
    out["p95"] = out["p95"].where(ok)
    out["period"] = _labels(out["period_start"], period)
    out = out.sort_values(["zone", "period_start"], kind="stable", key=_natural).reset_index(drop=True)
    return out[EXPOSURE_COLUMNS]


def _expected(
    hours: OccupiedHours, start: datetime, stop: datetime, width: timedelta, zones: list[str], period: Period
) -> pd.DataFrame:
    """Expected occupied hours per zone and period (every period of the range, even one without open hours)."""
    grid = hours.windows(start, stop, width)
    local = grid.tz_convert(hours.tz)
    per_period = pd.Series(width / timedelta(hours=1), index=_period_start(local, period)).groupby(level=0).sum()
    days = pd.date_range(
        pd.Timestamp(start).tz_convert(hours.tz).normalize(), pd.Timestamp(stop).tz_convert(hours.tz), freq="D",
        inclusive="left",
    )  # fmt: skip
    all_periods = pd.DatetimeIndex(sorted(set(_period_start(days, period))))
    per_period = per_period.reindex(all_periods, fill_value=0.0)
    index = pd.MultiIndex.from_product([zones, all_periods], names=["zone", "period_start"])
    values = np.tile(per_period.to_numpy(), len(zones))
    return pd.DataFrame({"expected_hours": values}, index=index)


def _period_start(local: pd.DatetimeIndex, period: Period) -> np.ndarray:
    """The local date (as a naive midnight timestamp) of each instant's ISO week's Monday, or of its day."""
    day = local.tz_localize(None).normalize()
    if period == "day":
        return np.asarray(day.to_numpy())
    if period != "week":
        raise ModelInputError(f"period is 'week' or 'day', got {period!r}")
    return np.asarray((day - pd.to_timedelta(day.day_of_week, unit="D")).to_numpy())


def _labels(starts: pd.Series, period: Period) -> pd.Series:
    if period == "day":
        return starts.dt.strftime("%Y-%m-%d")
    iso = starts.dt.isocalendar()
    return iso["year"].astype(str) + "-W" + iso["week"].astype(int).map("{:02d}".format)


def _bands(quantity: str, values: np.ndarray, months: np.ndarray) -> np.ndarray:
    """The band of each value in its local month, by the quantity table ("" where the quantity has none)."""
    spec = QUANTITIES[quantity]
    out = np.full(len(values), "", dtype=object)
    if not spec.bands:
        return out
    for month in np.unique(months).tolist():
        rows = months == month
        labels = [spec.band(v, int(month)) for v in values[rows].tolist()]
        out[rows] = [b.value if b is not None else "" for b in labels]
    return out


def _natural(values: pd.Series) -> pd.Series:
    from models.absence import team_sort_key

    return values.map(team_sort_key) if values.name == "zone" else values
