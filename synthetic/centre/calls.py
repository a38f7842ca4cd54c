"""Calls per answer group and 15-minute interval: Poisson volumes, and answers from the Erlang A queue."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from models.erlang import answer_rate_table
from models.staffing import interval_offsets
from sensors.site import Site
from synthetic.centre.config import CallParams
from synthetic.streams import stream

FloatArray = NDArray[np.float64]
CALL_COLUMNS = ["interval_start", "team", "offered", "answered", "abandoned"]
RATE_STEP = 0.25  # calls per hour between rows of the Erlang A table
INTERVAL_TRUTH_COLUMNS = ["interval_start", "team", "expected_offered", "agents", "p_answer"]


@dataclass(frozen=True)
class Calls:
    """The ACD export and, per row, what drove it."""

    rows: pd.DataFrame
    truth: pd.DataFrame


def interval_times(site: Site, minutes: int) -> list[time]:
    """Local start times of the intervals within the site's working hours (models.staffing's rule)."""
    hours = site.site.working_hours
    midnight = datetime.combine(date(2000, 1, 1), time())
    return [(midnight + offset).time() for offset in interval_offsets(hours.start, hours.end, minutes)]


def intraday_profile(times: list[time], minutes: int) -> FloatArray:
    """Relative call volume per interval, mean 1: peaks mid-morning (10) and early afternoon (14)."""
    hours = np.array([t.hour + t.minute / 60.0 + minutes / 120.0 for t in times])
    # Callers keep clock hours (as in the simulator's call utilisation): a dip at lunch between the peaks.
    shape = 0.4 + 0.75 * np.exp(-0.5 * ((hours - 10.0) / 1.0) ** 2) + 0.6 * np.exp(-0.5 * ((hours - 14.0) / 1.0) ** 2)
    return np.asarray(shape / shape.mean(), dtype=np.float64)


def phone_share(times: list[time], minutes: int, params: CallParams) -> FloatArray:
    """Share of an available agent's time on the phone per interval (lunch is staggered over a window)."""
    begin, end, lunch_factor = params.lunch
    hours = np.array([t.hour + t.minute / 60.0 + minutes / 120.0 for t in times])
    return np.where((hours >= begin) & (hours < end), lunch_factor, 1.0) * params.on_phone_share


def draw_calls(
    site: Site,
    days: list[date],
    closed_before: NDArray[np.bool_],
    teams: list[str],
    available: FloatArray,
    params: CallParams,
    seed: int,
) -> Calls:
    """Offered and answered calls per team and interval on the open `days`.

    `available` holds the agents each team has on each of those days (FTE × training × not absent);
    `closed_before` marks days that follow a closed weekday (a holiday), when waiting calls arrive.
    """
    minutes = params.interval_minutes
    times = interval_times(site, minutes)
    n_teams, n_days, n_int = len(teams), len(days), len(times)
    volume_rng = stream(seed, "calls-volume")
    index = pd.DatetimeIndex(days)
    team_factor = np.exp(volume_rng.normal(0.0, params.team_volume_spread, n_teams))
    day_factor = _gamma_noise(volume_rng, params.day_cv, n_days)
    team_day = _gamma_noise(volume_rng, params.team_day_cv, (n_teams, n_days))
    per_day = (
        np.asarray(params.months)[index.month - 1]
        * np.asarray(params.weekdays)[index.day_of_week]
        * np.where(closed_before, params.after_closed_day, 1.0)
        * day_factor
    )
    rate = (  # calls per hour, shape (team, day, interval)
        params.calls_per_hour
        * team_factor[:, None, None]
        * (per_day[None, :] * team_day)[:, :, None]
        * intraday_profile(times, minutes)[None, None, :]
    )
    expected = rate * minutes / 60.0
    offered = volume_rng.poisson(expected)

    agents = available[:, :, None] * phone_share(times, minutes, params)[None, None, :]
    agents = _meetings(agents, available, params, stream(seed, "calls-meetings"), minutes)

    # Erlang A at the interval's arrival rate: its Poisson arrivals already carry the randomness of
    # the count, so the realised count is not fed back (that would count the variability twice).
    max_agents = max(1, math.ceil(float(agents.max(initial=0.0))))
    grid = np.arange(0.0, float(rate.max(initial=0.0)) + 2 * RATE_STEP, RATE_STEP)
    table = answer_rate_table(grid, params.handle_time_s, params.patience_s, max_agents)
    p = _interpolate(table, rate / RATE_STEP, agents)
    answered = stream(seed, "calls-answered").binomial(offered, p)

    starts = _local_starts(site, days, times)
    team_col = np.repeat(np.asarray(teams, dtype=object), n_days * n_int)
    rows = pd.DataFrame(
        {
            "interval_start": starts[np.tile(np.arange(len(starts)), n_teams)],
            "team": team_col,
            "offered": offered.ravel().astype(np.int64),
            "answered": answered.ravel().astype(np.int64),
            "abandoned": (offered - answered).ravel().astype(np.int64),
        }
    )
    truth = pd.DataFrame(
        {
            "interval_start": rows["interval_start"],
            "team": team_col,
            "expected_offered": expected.ravel(),
            "agents": agents.ravel(),
            "p_answer": p.ravel(),
        }
    )
    # Time first, then the teams in the site's order.
    order = np.lexsort((np.repeat(np.arange(n_teams), n_days * n_int), np.tile(np.arange(n_days * n_int), n_teams)))
    return Calls(rows.iloc[order].reset_index(drop=True), truth.iloc[order].reset_index(drop=True))


def _gamma_noise(rng: np.random.Generator, cv: float, size: int | tuple[int, ...]) -> FloatArray:
    """Multiplicative noise with mean 1 and coefficient of variation cv."""
    if cv <= 0:
        return np.ones(size)
    shape = 1.0 / cv**2
    return np.asarray(rng.gamma(shape, 1.0 / shape, size), dtype=np.float64)


def _meetings(
    agents: FloatArray, available: FloatArray, params: CallParams, rng: np.random.Generator, minutes: int
) -> FloatArray:
    """Take one agent off the phone for a meeting on some team-days."""
    n_teams, n_days, n_int = agents.shape
    length = max(1, params.meeting_minutes // minutes)
    held = rng.random((n_teams, n_days)) < params.meeting_per_team_day
    first = rng.integers(0, max(1, n_int - length + 1), (n_teams, n_days))
    slot = np.arange(n_int)[None, None, :]
    during = held[:, :, None] & (slot >= first[:, :, None]) & (slot < first[:, :, None] + length)
    one_agent = np.minimum(available, 1.0)[:, :, None] * params.on_phone_share
    return np.asarray(np.maximum(agents - np.where(during, one_agent, 0.0), 0.0), dtype=np.float64)


def _interpolate(table: FloatArray, row: FloatArray, agents: FloatArray) -> FloatArray:
    """Bilinear in the table: fractional rows (arrival rate) and columns (agents, e.g. 2.4 of them)."""
    r0 = np.clip(np.floor(row).astype(np.int64), 0, table.shape[0] - 2)
    fr = np.clip(row - r0, 0.0, 1.0)
    c0 = np.clip(np.floor(agents).astype(np.int64), 0, table.shape[1] - 2)
    fc = np.clip(agents - c0, 0.0, 1.0)
    top = table[r0, c0] * (1.0 - fc) + table[r0, c0 + 1] * fc
    bottom = table[r0 + 1, c0] * (1.0 - fc) + table[r0 + 1, c0 + 1] * fc
    return np.asarray(top * (1.0 - fr) + bottom * fr, dtype=np.float64)


def _local_starts(site: Site, days: list[date], times: list[time]) -> pd.DatetimeIndex:
    """Interval starts as timezone-aware local times, day by day."""
    day_ns = np.asarray([np.datetime64(d, "ns") for d in days])
    offsets = np.asarray([np.timedelta64(t.hour * 60 + t.minute, "m") for t in times]).astype("timedelta64[ns]")
    naive = (day_ns[:, None] + offsets[None, :]).ravel()
    return pd.DatetimeIndex(naive).tz_localize(site.site.tz)
