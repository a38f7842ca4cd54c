"""Available agents: rostered FTE minus absence, per team and day or per call interval.

Forecasts use how many agents are available, never why someone is away (standards.md "Privacy"):
absence of every reason counts, weighted by its extent, and no output carries a reason.

A person's absence counts against the team of their employment (staff), weighted by their FTE:
a 50 % employee off sick 100 % removes 0.5 FTE, a full-timer off 50 % removes 0.5 FTE too. Absence
rows of people not employed that day are ignored. The staff file has no training information, so
rostered FTE counts a new hire in training as a whole agent (the generator's truth does not).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, time, timedelta

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from models.absence import absence_days, team_sort_key
from models.errors import ModelInputError
from models.holidays import WEEKDAYS

DAILY_COLUMNS = ["date", "team", "people", "rostered_fte", "absent_fte", "available_fte"]
TRAINING_DAYS = 91  # three months of supervised training (standards.md "Staffing")
TRAINING_START = 0.5  # a new hire starts at half an agent ...
INTERVAL_COLUMNS = [
    "interval_start",
    "team",
    "rostered_hours",
    "absent_hours",
    "available_hours",
    "available_agents",
]


def available_agents_daily(
    staff: pd.DataFrame, absences: pd.DataFrame, days: Iterable[date] | pd.DatetimeIndex
) -> pd.DataFrame:
    """Per day and team: people employed, rostered FTE, absent FTE (all reasons) and available FTE."""
    day_index = pd.DatetimeIndex(pd.to_datetime(list(days))).normalize().unique().sort_values()
    teams = sorted(set(staff["team"].astype(str)), key=team_sort_key)
    if len(day_index) == 0 or not teams:
        return pd.DataFrame({c: pd.Series(dtype=_DAILY_DTYPES[c]) for c in DAILY_COLUMNS})
    roster = _roster_days(staff, day_index)
    away = absence_days(absences)[["employee", "date", "extent"]]
    roster = roster.merge(away, on=["employee", "date"], how="left")
    roster["absent_fte"] = roster["fte"] * roster["extent"].fillna(0.0)
    grouped = roster.groupby(["date", "team"])
    frame = pd.DataFrame(
        {
            "people": grouped["employee"].nunique(),
            "rostered_fte": grouped["fte"].sum(),
            "absent_fte": grouped["absent_fte"].sum(),
        }
    )
    grid = pd.MultiIndex.from_product([day_index, teams], names=["date", "team"])
    frame = frame.reindex(grid).fillna(0.0).reset_index()
    frame["people"] = frame["people"].astype(np.int64)
    frame["available_fte"] = (frame["rostered_fte"] - frame["absent_fte"]).clip(lower=0.0)
    return frame[DAILY_COLUMNS]


def opening_intervals(
    start: date,
    end: date,
    teams: Sequence[str],
    tz: str = "Europe/Stockholm",
    open_time: time = time(8, 0),
    close_time: time = time(17, 0),
    weekdays: Collection[int] = WEEKDAYS,
    closed: Collection[date] = (),
    interval_minutes: int = 15,
) -> pd.DataFrame:
    """The site's open intervals from start to end (inclusive) per team: interval_start (UTC), team.

    Pass the site file's working_hours and time zone, and the holidays in `closed`; an interval is
    open when it fits wholly between open_time and close_time (local wall clock) on an open weekday.
    """
    shut = {pd.Timestamp(d).date() for d in closed}
    days = [d.date() for d in pd.date_range(start, end, freq="D")]
    open_days = [d for d in days if d.isoweekday() in weekdays and d not in shut]
    offsets = interval_offsets(open_time, close_time, interval_minutes)
    naive = [pd.Timestamp(d) + o for d in open_days for o in offsets]
    # Opening hours are far from the night-time clock change, so no local time here is ambiguous.
    starts = pd.DatetimeIndex(naive, dtype="datetime64[ns]").tz_localize(tz).tz_convert("UTC")
    frame = pd.DataFrame(
        {
            "interval_start": np.repeat(starts, len(teams)),
            "team": np.tile(np.asarray(list(teams), dtype=object), len(starts)),
        }
    )
    return frame.astype({"team": str})


def interval_offsets(open_time: time, close_time: time, interval_minutes: int = 15) -> list[timedelta]:
    """Offsets from local midnight of the intervals that fit wholly between open_time and close_time."""
    if interval_minutes <= 0:
        raise ModelInputError("interval_minutes must be positive")
    step = timedelta(minutes=interval_minutes)
    offsets = []
    t = timedelta(hours=open_time.hour, minutes=open_time.minute)
    stop = timedelta(hours=close_time.hour, minutes=close_time.minute)
    while t + step <= stop:
        offsets.append(t)
        t += step
    return offsets


def training_capacity(
    days_since_start: NDArray[np.float64], training_days: int = TRAINING_DAYS, start_capacity: float = TRAINING_START
) -> NDArray[np.float64]:
    """Share of a whole agent a new hire is worth: linear from start_capacity on day 0 to 1 when training ends.

    standards.md: a vacancy is followed by up to three months of supervised training. Days before the
    start are clipped to the starting capacity; employment itself is the caller's business.
    """
    if training_days <= 0:
        return np.ones_like(np.asarray(days_since_start, dtype=np.float64))
    ramp = start_capacity + (1.0 - start_capacity) * np.asarray(days_since_start, dtype=np.float64) / training_days
    return np.asarray(np.clip(ramp, start_capacity, 1.0), dtype=np.float64)


def available_agent_hours(
    staff: pd.DataFrame,
    absences: pd.DataFrame,
    intervals: pd.DataFrame,
    tz: str = "Europe/Stockholm",
    interval_minutes: int = 15,
) -> pd.DataFrame:
    """Per interval and team: rostered, absent and available agent-hours, and available agents (FTE).

    `intervals` has interval_start (tz-aware; naive is read as site-local time) and team, e.g. the
    calls frame or `opening_intervals`. Whole-day absence is spread evenly over the day's intervals.
    """
    if intervals.empty:
        return pd.DataFrame({c: pd.Series(dtype=_INTERVAL_DTYPES[c]) for c in INTERVAL_COLUMNS})
    starts = pd.to_datetime(intervals["interval_start"])
    if starts.dt.tz is None:
        starts = starts.dt.tz_localize(tz, ambiguous=False, nonexistent="shift_forward")
    local_day = starts.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")
    frame = pd.DataFrame(
        {"interval_start": starts.dt.tz_convert("UTC"), "team": intervals["team"].astype(str), "date": local_day}
    )
    daily = available_agents_daily(staff, absences, pd.DatetimeIndex(local_day.unique()))
    daily = daily.assign(date=daily["date"].astype("datetime64[ns]"))
    frame = frame.merge(daily, on=["date", "team"], how="left").fillna(
        {"rostered_fte": 0.0, "absent_fte": 0.0, "available_fte": 0.0}
    )
    hours = interval_minutes / 60.0
    frame["rostered_hours"] = frame["rostered_fte"] * hours
    frame["absent_hours"] = frame["absent_fte"] * hours
    frame["available_hours"] = frame["available_fte"] * hours
    frame["available_agents"] = frame["available_fte"]
    return frame[INTERVAL_COLUMNS]


# ----- internals ---------------------------------------------------------------------------------

_DAILY_DTYPES: dict[str, str] = {
    "date": "datetime64[ns]",
    "team": "object",
    "people": "int64",
    "rostered_fte": "float64",
    "absent_fte": "float64",
    "available_fte": "float64",
}
_INTERVAL_DTYPES: dict[str, str] = {
    "interval_start": "datetime64[ns, UTC]",
    "team": "object",
    "rostered_hours": "float64",
    "absent_hours": "float64",
    "available_hours": "float64",
    "available_agents": "float64",
}


def _roster_days(staff: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """employee, team, fte, date for every staff row and each of `days` within its employment."""
    day = days.to_numpy().astype("datetime64[D]")
    start = pd.to_datetime(staff["start_date"]).to_numpy().astype("datetime64[D]")
    end = pd.to_datetime(staff["end_date"]).to_numpy().astype("datetime64[D]")
    ongoing = np.isnat(end)
    end = np.where(ongoing, np.datetime64("9999-12-31", "D"), end)
    employed = (day[None, :] >= start[:, None]) & (day[None, :] <= end[:, None])
    row, col = np.nonzero(employed)
    return pd.DataFrame(
        {
            "employee": staff["employee"].astype(str).to_numpy()[row],
            "team": staff["team"].astype(str).to_numpy()[row],
            "fte": pd.to_numeric(staff["fte"]).to_numpy(dtype=np.float64)[row],
            "date": days[col].astype("datetime64[ns]"),
        }
    )
