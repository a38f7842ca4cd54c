"""The 1-minute time grid of one local day at the site (23, 24 or 25 hours long across DST)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

MINUTES_PER_DAY = 1440.0


@dataclass(frozen=True, eq=False)
class DayGrid:
    """One row per real minute of a local day.

    `index` holds the UTC start of each minute; `tod` the local wall-clock time of that minute in
    minutes since midnight, so schedules written in wall-clock time (arrive 08:00) stay right on
    DST days, where the wall clock skips or repeats an hour while the rows stay one minute apart.
    """

    day: date
    index: pd.DatetimeIndex
    tod: FloatArray

    def __len__(self) -> int:
        """How many minutes the local day has."""
        return len(self.index)


def day_grid(day: date, tz: ZoneInfo) -> DayGrid:
    """The grid of the local day `day` in time zone `tz`."""
    # Localising through pandas copes with zones whose midnight does not exist on a DST day.
    start = pd.Timestamp(day).tz_localize(tz, nonexistent="shift_forward", ambiguous=True)
    stop = pd.Timestamp(day + timedelta(days=1)).tz_localize(tz, nonexistent="shift_forward", ambiguous=True)
    minutes = int((stop - start) // pd.Timedelta(minutes=1))
    index = pd.date_range(start.tz_convert("UTC"), periods=minutes, freq="min", name="ts")
    local = index.tz_convert(tz)
    tod = (local.hour * 60 + local.minute).to_numpy(dtype=np.float64)
    return DayGrid(day, index, tod)


def between_days(tod: FloatArray, previous: float, current: float, following: float) -> FloatArray:
    """Interpolate a once-a-day value anchored at local noon, so it is continuous across midnight.

    Before noon the value moves from the previous day's anchor to today's, after noon towards
    tomorrow's; at midnight both neighbouring days therefore give the same value.
    """
    half = MINUTES_PER_DAY / 2
    morning = previous + (current - previous) * (tod + half) / MINUTES_PER_DAY
    afternoon = current + (following - current) * (tod - half) / MINUTES_PER_DAY
    return np.where(tod < half, morning, afternoon)
