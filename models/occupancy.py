"""When a site is occupied: its working hours on its working days, Swedish public holidays closed.

The comfort bands apply to occupied hours only (the standards evaluate them "over occupied working
hours only"): an empty room at night reads 0–3 lx and its heating is set back, which is no fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from models.holidays import WEEKDAYS, holidays_between


@dataclass(frozen=True)
class OccupiedHours:
    """Local working hours [start, end) on ISO weekdays `days` in time zone `tz`; holidays closed unless told."""

    tz: ZoneInfo
    start: time
    end: time
    days: Sequence[int] = WEEKDAYS
    holidays_closed: bool = True

    def at(self, ts: pd.Series) -> pd.Series:
        """True for the (tz-aware) instants inside occupied hours."""
        if ts.empty:
            return pd.Series([], index=ts.index, dtype=bool)
        local = ts.dt.tz_convert(self.tz)
        clock = local.dt.hour * 3600 + local.dt.minute * 60 + local.dt.second
        inside = (clock >= _seconds(self.start)) & (clock < _seconds(self.end))
        inside &= (local.dt.day_of_week + 1).isin(list(self.days))
        if self.holidays_closed:
            day = local.dt.tz_localize(None).dt.normalize()
            closed = pd.DatetimeIndex(list(self._holidays(day.min().date(), day.max().date())))
            inside &= ~day.isin(closed)
        return inside.astype(bool)

    def contains(self, instant: datetime) -> bool:
        """Whether one (tz-aware) instant lies in occupied hours (as `at`, without a frame: for a few values)."""
        local = instant.astimezone(self.tz)
        if local.isoweekday() not in self.days or not self.start <= local.time() < self.end:
            return False
        return not (self.holidays_closed and local.date() in _holidays_of(local.year))

    def periods(self, start: datetime, stop: datetime) -> list[tuple[datetime, datetime]]:
        """The occupied stretches that overlap [start, stop), in UTC, oldest first (not clipped)."""
        first = start.astimezone(self.tz).date() - timedelta(days=1)
        last = stop.astimezone(self.tz).date()
        closed = self._holidays(first, last)
        out = []
        day = first
        while day <= last:
            if day.isoweekday() in self.days and day not in closed:
                opens = datetime.combine(day, self.start, self.tz).astimezone(UTC)
                closes = datetime.combine(day, self.end, self.tz).astimezone(UTC)
                if opens < stop and closes > start:
                    out.append((opens, closes))
            day += timedelta(days=1)
        return out

    def overlapping(self, starts: pd.Series, width: timedelta) -> pd.Series:
        """True for the windows [t, t + width), t in `starts` (tz-aware), that overlap occupied hours."""
        if starts.empty:
            return pd.Series([], index=starts.index, dtype=bool)
        first, last = starts.min().to_pydatetime(), starts.max().to_pydatetime() + width
        periods = self.periods(first, last)
        if not periods:
            return pd.Series(False, index=starts.index)
        opens = np.array([_ns(p[0]) for p in periods], dtype=np.int64)
        closes = np.array([_ns(p[1]) for p in periods], dtype=np.int64)
        begin = pd.DatetimeIndex(starts).as_unit("ns").asi8
        # The first stretch that closes after the window begins overlaps it if it opens before the window ends.
        index = np.searchsorted(closes, begin, side="right")
        found = index < len(closes)
        overlap = np.zeros(len(begin), dtype=bool)
        overlap[found] = opens[index[found]] < begin[found] + pd.Timedelta(width).value
        return pd.Series(overlap, index=starts.index)

    def windows(self, start: datetime, stop: datetime, width: timedelta) -> pd.DatetimeIndex:
        """Every window start (UTC, epoch-aligned like the stores' windows) in [start, stop) inside occupied hours."""
        step = pd.Timedelta(width)
        first = pd.Timestamp(start).tz_convert("UTC").ceil(step)
        grid = pd.date_range(first, pd.Timestamp(stop).tz_convert("UTC"), freq=step, inclusive="left")
        return grid[self.at(pd.Series(grid)).to_numpy()]

    def _holidays(self, first: date, last: date) -> set[date]:
        if not self.holidays_closed:
            return set()
        days = set().union(*(_holidays_of(year) for year in range(first.year, last.year + 1)))
        return {d for d in days if first <= d <= last}


@cache
def _holidays_of(year: int) -> frozenset[date]:
    return frozenset(holidays_between(date(year, 1, 1), date(year, 12, 31)))


def _seconds(clock: time) -> int:
    return clock.hour * 3600 + clock.minute * 60 + clock.second


def _ns(instant: datetime) -> int:
    return int(pd.Timestamp(instant).value)
