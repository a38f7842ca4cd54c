"""A day's answer rate from its calls and its agents, and the queue's parameters calibrated on history.

**A day's answer rate.** The day's calls spread over its intervals by the centre's intraday profile; in
each interval Erlang A (models.erlang) answers a share of them with `phone_share` × the available
agents on the phone (e-mail, breaks and coaching take the rest); the day's rate is the call-weighted
mean. `DailyQueue` tabulates that on a grid of (calls per day, available agents) once, so a Monte Carlo
run is a bilinear look-up per draw and day, not an Erlang sum per draw and interval.

**Calibration.** The calls file carries no handle time or patience. The handle time is taken from the
settings (an ACD reports it; it is hardly identifiable from answer rates beside patience). Patience and
each group's phone share are fitted on history — the weekly answer rates actually reached with the
agents actually available (rostered FTE × training ramp − absence of every reason) — by least squares
weighted by the week's calls: patience for the whole centre (the callers are the same municipality's),
phone share per group with at least `MIN_WEEKS` weeks of calls (the centre's otherwise). Without enough
history, both come from the settings, and the result says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from models.erlang import answer_rate_table
from models.errors import ModelInputError

FloatArray = NDArray[np.float64]
RATE_STEP = 0.25  # calls per hour between rows of the Erlang table
AGENT_STEP = 0.1  # available agents between columns of a day's table
CALL_STEPS = 64  # rows of a day's table (calls per day)
PATIENCE_GRID = (30.0, 45.0, 60.0, 90.0, 120.0, 150.0, 180.0, 240.0, 300.0, 420.0, 600.0)
SHARE_GRID = tuple(np.round(np.arange(0.5, 1.201, 0.05), 3))
FINE_SHARE_GRID = tuple(np.round(np.arange(0.4, 1.301, 0.01), 3))
MIN_WEEKS = 8  # weeks of calls a group needs for a phone share of its own (and the centre for calibration)
HISTORY_COLUMNS = ["team", "date", "week_start", "offered", "answered", "agents"]


@dataclass(frozen=True)
class DailyQueue:
    """Answer rate of a day by (calls that day, available agents), bilinear between grid points."""

    calls: FloatArray  # grid of calls per day
    agents: FloatArray  # grid of available agents
    table: FloatArray  # (calls, agents)

    def rate(self, calls: NDArray[np.floating], agents: NDArray[np.floating]) -> FloatArray:
        """The day's answer rate at each (calls, agents); beyond the grid the edge holds."""
        return _bilinear(self.table, self.calls, self.agents, calls, agents)


@dataclass(frozen=True)
class QueueParameters:
    """What the forecast's queue runs on, and where each figure comes from."""

    handle_time_s: float
    patience_s: float
    phone_share: Mapping[str, float]  # per group
    centre_share: float
    source: str  # "calibrated" or "settings"
    weeks: int  # group-weeks of history behind the calibration
    rmse_pp: float | None  # in-sample error of the weekly answer rate, percentage points
    note: str
    residual_sd: float = 0.0  # the weekly error beyond a week's binomial noise (share): what the queue model misses

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {
            "handle_time_s": self.handle_time_s,
            "handle_time_source": "settings",
            "patience_s": self.patience_s,
            "patience_source": self.source,
            "phone_share": {k: round(v, 3) for k, v in self.phone_share.items()},
            "centre_phone_share": round(self.centre_share, 3),
            "phone_share_source": self.source,
            "weeks": self.weeks,
            "rmse_pp": None if self.rmse_pp is None else round(self.rmse_pp, 2),
            "residual_sd_pp": round(100 * self.residual_sd, 2),
            "note": self.note,
        }


def daily_queue(
    profile: FloatArray,
    interval_minutes: int,
    handle_time_s: float,
    patience_s: float,
    phone_share: float,
    max_calls: float,
    max_agents: float,
    erlang: tuple[FloatArray, FloatArray] | None = None,
) -> DailyQueue:
    """The table of a day's answer rate; `profile` is each interval's share of the day's calls (sums to 1)."""
    shares = np.asarray(profile, dtype=np.float64)
    if shares.ndim != 1 or len(shares) == 0 or not math.isclose(float(shares.sum()), 1.0, rel_tol=1e-6):
        raise ModelInputError("the intraday profile must be one share per interval, summing to 1")
    calls = np.linspace(0.0, max(max_calls, 1.0), CALL_STEPS)
    agents = np.arange(0.0, max(max_agents, 1.0) + 2 * AGENT_STEP, AGENT_STEP)
    hours = interval_minutes / 60.0
    per_hour = calls[:, None] * shares[None, :] / hours  # (calls, intervals)
    _, table = (
        erlang
        if erlang is not None
        else erlang_grid(per_hour.max(), agents.max() * phone_share, handle_time_s, patience_s)
    )
    on_phone = agents * phone_share
    # Erlang per interval at fractional agents: linear between whole agents (as the generator does).
    rows = per_hour[:, None, :] / RATE_STEP  # (calls, 1, intervals)
    cols = np.broadcast_to(on_phone[None, :, None], (len(calls), len(agents), len(shares)))
    rows = np.broadcast_to(rows, cols.shape)
    per_interval = _index_bilinear(table, rows, cols)
    weights = np.broadcast_to(per_hour[:, None, :], cols.shape)
    total = weights.sum(axis=2)
    day = np.where(total > 0, (per_interval * weights).sum(axis=2) / np.where(total > 0, total, 1.0), 1.0)
    return DailyQueue(calls, agents, np.asarray(day, dtype=np.float64))


def erlang_grid(
    max_per_hour: float, max_on_phone: float, handle_time_s: float, patience_s: float
) -> tuple[FloatArray, FloatArray]:
    """Erlang A answer rates on (calls per hour in steps of RATE_STEP, whole agents): the tables' source."""
    grid = np.arange(0.0, max_per_hour + 2 * RATE_STEP, RATE_STEP)
    return grid, answer_rate_table(grid, handle_time_s, patience_s, max(1, math.ceil(max_on_phone) + 1))


def calibrate(
    history: pd.DataFrame,
    profile: FloatArray,
    interval_minutes: int,
    *,
    handle_time_s: float,
    patience_s: float | None,
    default_share: float = 0.9,
    teams: Sequence[str] = (),
) -> QueueParameters:
    """Patience (centre) and phone share (per group) that reproduce the history's weekly answer rates.

    history: HISTORY_COLUMNS, one row per group and open day (available agents that day). `patience_s`
    given (not None) is kept and only the phone shares are fitted.
    """
    missing = [c for c in HISTORY_COLUMNS if c not in history.columns]
    if missing:
        raise ModelInputError(f"calibration history lacks columns {missing}")
    data = history[history["offered"] > 0].reset_index(drop=True)
    weeks = int(data.groupby(["team", "week_start"]).ngroups)
    names = sorted({*map(str, teams), *map(str, data["team"].unique())})
    if data["week_start"].nunique() < MIN_WEEKS:
        return QueueParameters(
            handle_time_s,
            patience_s if patience_s is not None else 120.0,
            dict.fromkeys(names, default_share),
            default_share,
            "settings",
            weeks,
            None,
            f"fewer than {MIN_WEEKS} weeks of call history with the roster: patience and phone share from the settings",
        )
    everyone = _Weeks.of(data)
    max_calls = float(data["offered"].max()) * 1.05
    max_agents = float(data["agents"].max()) + 1.0
    peak = max_calls * float(np.max(profile)) / (interval_minutes / 60.0)
    best: tuple[float, float, float] | None = None
    for patience in (patience_s,) if patience_s is not None else PATIENCE_GRID:
        source = erlang_grid(peak, max_agents * max(SHARE_GRID), handle_time_s, patience)
        for share in SHARE_GRID:
            queue = daily_queue(
                profile, interval_minutes, handle_time_s, patience, share, max_calls, max_agents, source
            )
            loss = everyone.loss(queue)
            if best is None or loss < best[0]:
                best = (loss, patience, share)
    assert best is not None
    _, patience_best, _ = best
    source = erlang_grid(peak, max_agents * max(FINE_SHARE_GRID), handle_time_s, patience_best)
    queues = {
        s: daily_queue(profile, interval_minutes, handle_time_s, patience_best, s, max_calls, max_agents, source)
        for s in FINE_SHARE_GRID
    }
    centre = min(FINE_SHARE_GRID, key=lambda s: everyone.loss(queues[s]))
    shares: dict[str, float] = {}
    errors: list[FloatArray] = []
    binomial: list[FloatArray] = []
    for team in names:
        rows = data[data["team"].astype(str) == team]
        if rows["week_start"].nunique() >= MIN_WEEKS:
            mine = _Weeks.of(rows)
            shares[team] = float(min(FINE_SHARE_GRID, key=lambda share: mine.loss(queues[share])))
        else:
            shares[team] = float(centre)
        if len(rows):
            own = _Weeks.of(rows)
            errors.append(own.predicted(queues[shares[team]]) - own.observed)
            binomial.append(own.observed * (1 - own.observed) / own.weight)
    squared = float(np.mean(np.concatenate(errors) ** 2))
    rmse = math.sqrt(squared) * 100
    # What a week's calls scatter by chance is in the forecast already; the rest is the model's own error.
    residual = math.sqrt(max(squared - float(np.mean(np.concatenate(binomial))), 0.0))
    where = "from the settings" if patience_s is not None else f"calibrated on {weeks} group-weeks"
    return QueueParameters(
        handle_time_s,
        float(patience_best),
        shares,
        float(centre),
        "calibrated",
        weeks,
        rmse,
        f"handle time {handle_time_s:g} s from the settings; patience {patience_best:g} s {where}; phone share per "
        f"group calibrated on the answer rates reached with the agents available (weekly error {rmse:.1f} points)",
        residual,
    )


@dataclass(frozen=True)
class _Weeks:
    """Group-days indexed by their group-week, for fast weekly sums."""

    offered: FloatArray
    agents: FloatArray
    week: NDArray[np.int64]
    weight: FloatArray  # calls per group-week
    observed: FloatArray  # answer rate per group-week

    @classmethod
    def of(cls, data: pd.DataFrame) -> _Weeks:
        week = np.asarray(data.groupby(["team", "week_start"], sort=False).ngroup().to_numpy(), dtype=np.int64)
        offered = data["offered"].to_numpy(dtype=np.float64)
        weight = np.asarray(np.bincount(week, weights=offered), dtype=np.float64)
        answered = np.asarray(np.bincount(week, weights=data["answered"].to_numpy(dtype=np.float64)), dtype=np.float64)
        return cls(offered, data["agents"].to_numpy(dtype=np.float64), week, weight, answered / weight)

    def predicted(self, queue: DailyQueue) -> FloatArray:
        rate = queue.rate(self.offered, self.agents)
        return np.bincount(self.week, weights=rate * self.offered, minlength=len(self.weight)) / self.weight

    def loss(self, queue: DailyQueue) -> float:
        """Calls-weighted squared error of the weekly answer rates."""
        return float((self.weight * (self.predicted(queue) - self.observed) ** 2).sum())


def _bilinear(
    table: FloatArray, xs: FloatArray, ys: FloatArray, x: NDArray[np.floating], y: NDArray[np.floating]
) -> FloatArray:
    """Bilinear interpolation on a regular grid (xs, ys evenly spaced), clamped at the edges."""
    fx = (np.asarray(x, dtype=np.float64) - xs[0]) / (xs[1] - xs[0])
    fy = (np.asarray(y, dtype=np.float64) - ys[0]) / (ys[1] - ys[0])
    return _index_bilinear(table, fx, fy)


def _index_bilinear(table: FloatArray, row: NDArray[np.floating], col: NDArray[np.floating]) -> FloatArray:
    """Bilinear in table at fractional row and column indices, clamped to the table."""
    row = np.clip(row, 0.0, table.shape[0] - 1.0)
    col = np.clip(col, 0.0, table.shape[1] - 1.0)
    r0 = np.minimum(np.floor(row).astype(np.int64), table.shape[0] - 2)
    c0 = np.minimum(np.floor(col).astype(np.int64), table.shape[1] - 2)
    fr, fc = row - r0, col - c0
    top = table[r0, c0] * (1.0 - fc) + table[r0, c0 + 1] * fc
    bottom = table[r0 + 1, c0] * (1.0 - fc) + table[r0 + 1, c0 + 1] * fc
    return np.asarray(top * (1.0 - fr) + bottom * fr, dtype=np.float64)
