"""A day's answer rate from its calls and its agents, and the queue's parameters calibrated on history.

**A day's answer rate.** The day's calls spread over its intervals by the centre's intraday profile; in
each interval Erlang A (models.erlang) answers a share of them with `phone_share` × the available
agents on the phone (e-mail, breaks and coaching take the rest); the day's rate is the call-weighted
mean. `DailyQueue` tabulates that on a grid of (calls per day, available agents) once, so a Monte Carlo
run is a bilinear look-up per draw and day, not an Erlang sum per draw and interval.

**Calibration.** The calls file carries no handle time or patience. The handle time is taken from the
settings (an ACD reports it; it is hardly identifiable from answer rates beside patience). Patience and
the share of an available agent's time on the phone are fitted on history — the answer rates actually
reached in each interval with the agents actually available that day (rostered FTE × training ramp −
absence of every reason) — by least squares: the share **per hour of the day** for the centre (lunch
and meetings show as a dip: a constant share would make the fit bend patience instead), patience for
the whole centre (the callers are the same municipality's), and a factor on the hourly shares per group
with at least `MIN_WEEKS` weeks of calls, from its weekly answer rates (1 otherwise). Patience is weakly
identified beside the shares (a flat loss): it is reported as an effective figure. Without enough
history, both come from the settings, and the result says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
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
PATIENCE_GRID = (30.0, 45.0, 60.0, 90.0, 120.0, 150.0, 180.0, 240.0, 360.0, 600.0)
SHARE_GRID = np.round(np.arange(0.3, 1.2001, 0.025), 3)  # an hour's share of an agent on the phone
FACTOR_GRID = tuple(float(f) for f in np.round(np.arange(0.6, 1.4001, 0.01), 3))  # a group's factor on them
MIN_WEEKS = 8  # weeks of calls a group needs for a factor of its own (and the centre for calibration)
HISTORY_COLUMNS = ["team", "date", "week_start", "slot", "offered", "answered", "agents"]


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
    interval_share: tuple[float, ...] = ()  # the centre's share per interval of the day (empty: constant)

    def shares_for(self, team: str, intervals: int) -> FloatArray:
        """The group's share of an agent on the phone in each of the day's intervals."""
        own = self.phone_share.get(team, self.centre_share)
        if len(self.interval_share) != intervals or self.centre_share <= 0:
            return np.full(intervals, own)
        return np.asarray(self.interval_share, dtype=np.float64) * (own / self.centre_share)

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
            "phone_share_by_interval": [round(v, 3) for v in self.interval_share],
            "note": self.note,
        }


def daily_queue(
    profile: FloatArray,
    interval_minutes: int,
    handle_time_s: float,
    patience_s: float,
    phone_share: float | FloatArray,
    max_calls: float,
    max_agents: float,
    erlang: tuple[FloatArray, FloatArray] | None = None,
) -> DailyQueue:
    """The table of a day's answer rate; `profile` is each interval's share of the day's calls (sums to 1).

    phone_share: the share of an available agent on the phone, one for the day or one per interval.
    """
    shares = np.asarray(profile, dtype=np.float64)
    if shares.ndim != 1 or len(shares) == 0 or not math.isclose(float(shares.sum()), 1.0, rel_tol=1e-6):
        raise ModelInputError("the intraday profile must be one share per interval, summing to 1")
    calls = np.linspace(0.0, max(max_calls, 1.0), CALL_STEPS)
    agents = np.arange(0.0, max(max_agents, 1.0) + 2 * AGENT_STEP, AGENT_STEP)
    hours = interval_minutes / 60.0
    per_hour = calls[:, None] * shares[None, :] / hours  # (calls, intervals)
    on_share = np.broadcast_to(np.asarray(phone_share, dtype=np.float64), shares.shape)
    _, table = (
        erlang
        if erlang is not None
        else erlang_grid(per_hour.max(), agents.max() * float(on_share.max()), handle_time_s, patience_s)
    )
    on_phone = agents[:, None] * on_share[None, :]  # (agents, intervals)
    # Erlang per interval at fractional agents: linear between whole agents (as the generator does).
    rows = per_hour[:, None, :] / RATE_STEP  # (calls, 1, intervals)
    cols = np.broadcast_to(on_phone[None, :, :], (len(calls), len(agents), len(shares)))
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
    opening_minute: int = 0,
) -> QueueParameters:
    """Patience (centre), hourly phone shares (centre) and a factor per group that reproduce the history.

    history: HISTORY_COLUMNS, one row per group, open day and interval of the day (`slot`: 0 for the
    first interval after opening, at `opening_minute` after midnight), with the agents available that
    day. `patience_s` given (not None) is kept and only the shares are fitted.
    """
    missing = [c for c in HISTORY_COLUMNS if c not in history.columns]
    if missing:
        raise ModelInputError(f"calibration history lacks columns {missing}")
    slots = len(profile)
    intervals = history[(history["slot"] >= 0) & (history["slot"] < slots)]
    daily = (
        intervals.groupby(["team", "date", "week_start"])
        .agg(offered=("offered", "sum"), answered=("answered", "sum"), agents=("agents", "first"))
        .reset_index()
    )
    data = daily[daily["offered"] > 0].reset_index(drop=True)
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
    max_calls = float(data["offered"].max()) * 1.05
    max_agents = float(data["agents"].max()) + 1.0
    peak = max_calls * float(np.max(profile)) / (interval_minutes / 60.0)
    patience_best, interval_share = _hourly_shares(
        intervals, data, profile, interval_minutes, handle_time_s, patience_s, peak, opening_minute
    )
    centre = float(np.dot(profile, interval_share))
    top = max_agents * float(interval_share.max()) * max(FACTOR_GRID)
    source = erlang_grid(peak, top, handle_time_s, patience_best)
    queues = {
        f: daily_queue(
            profile, interval_minutes, handle_time_s, patience_best, interval_share * f, max_calls, max_agents, source
        )
        for f in FACTOR_GRID
    }
    shares: dict[str, float] = {}
    errors: list[FloatArray] = []
    binomial: list[FloatArray] = []
    for team in names:
        rows = data[data["team"].astype(str) == team]
        factor = 1.0
        if rows["week_start"].nunique() >= MIN_WEEKS:
            mine = _Weeks.of(rows)
            factor = min(FACTOR_GRID, key=lambda f: mine.loss(queues[f]))
        shares[team] = centre * factor
        if len(rows):
            own = _Weeks.of(rows)
            errors.append(own.predicted(queues[min(FACTOR_GRID, key=lambda f: abs(f - factor))]) - own.observed)
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
        centre,
        "calibrated",
        weeks,
        rmse,
        f"handle time {handle_time_s:g} s from the settings; patience {patience_best:g} s {where} (an effective "
        f"figure); an available agent spends {centre:.2f} of the calls' time on the phone "
        f"({float(interval_share.min()):.2f} in the lowest hour, {float(interval_share.max()):.2f} in the highest), by "
        f"hour and per group calibrated on the answer rates reached with the agents available (weekly error "
        f"{rmse:.1f} points)",
        residual,
        tuple(float(v) for v in interval_share),
    )


def _hourly_shares(
    intervals: pd.DataFrame,
    daily: pd.DataFrame,
    profile: FloatArray,
    interval_minutes: int,
    handle_time_s: float,
    patience_s: float | None,
    peak: float,
    opening_minute: int = 0,
) -> tuple[float, FloatArray]:
    """Patience and the share per interval (constant within each clock hour) that fit the intervals' answers best."""
    day_calls = intervals.merge(
        daily[["team", "date", "offered"]].rename(columns={"offered": "day"}), on=["team", "date"]
    )
    slot = day_calls["slot"].to_numpy(dtype=np.int64)
    per_hour = day_calls["day"].to_numpy(dtype=np.float64) * profile[slot] / (interval_minutes / 60.0)
    agents = day_calls["agents"].to_numpy(dtype=np.float64)
    offered = day_calls["offered"].to_numpy(dtype=np.float64)
    answered = day_calls["answered"].to_numpy(dtype=np.float64)
    # Clock hours (lunch is 12–13, whatever the opening time), numbered from the one the day opens in.
    clock = (opening_minute + np.arange(len(profile)) * interval_minutes) // 60
    hour_of_slot = clock - clock[0]
    hour = hour_of_slot[slot]
    hours = int(hour_of_slot[-1]) + 1
    best: tuple[float, float, FloatArray] | None = None
    groups = [np.flatnonzero(hour == h) for h in range(hours)]
    for patience in (patience_s,) if patience_s is not None else PATIENCE_GRID:
        top = float(agents.max(initial=1.0)) * float(SHARE_GRID.max())
        _, table = erlang_grid(peak, top, handle_time_s, patience)
        total, chosen = 0.0, np.full(hours, np.nan)
        for h, index in enumerate(groups):
            if len(index) == 0:
                continue
            loss_of = _share_loss(table, per_hour[index] / RATE_STEP, agents[index], offered[index], answered[index])
            # Coarse, then fine around the best: the loss is smooth in the share.
            coarse = min(SHARE_GRID[::4], key=loss_of)
            fine = SHARE_GRID[np.abs(SHARE_GRID - coarse) <= 0.1 + 1e-9]
            share = min(fine, key=loss_of)
            total += loss_of(share)
            chosen[h] = share
        if best is None or total < best[0]:
            best = (total, float(patience), chosen)
    assert best is not None
    _, patience_best, chosen = best
    fill = float(np.nanmean(chosen)) if np.isfinite(chosen).any() else 0.9
    by_hour = np.where(np.isfinite(chosen), chosen, fill)
    return patience_best, np.asarray(by_hour[hour_of_slot], dtype=np.float64)


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


def _share_loss(
    table: FloatArray, row: FloatArray, agents: FloatArray, offered: FloatArray, answered: FloatArray
) -> Callable[[float], float]:
    """The intervals' squared error of answers as a function of the share on the phone (rows fixed once)."""
    row = np.clip(row, 0.0, table.shape[0] - 1.0)
    r0 = np.minimum(np.floor(row).astype(np.int64), table.shape[0] - 2)
    fr = row - r0
    cache: dict[float, float] = {}

    def loss(share: float) -> float:
        key = round(float(share), 6)
        if key not in cache:
            col = np.clip(agents * share, 0.0, table.shape[1] - 1.0)
            c0 = np.minimum(np.floor(col).astype(np.int64), table.shape[1] - 2)
            fc = col - c0
            top = table[r0, c0] * (1.0 - fc) + table[r0, c0 + 1] * fc
            bottom = table[r0 + 1, c0] * (1.0 - fc) + table[r0 + 1, c0 + 1] * fc
            p = top * (1.0 - fr) + bottom * fr
            cache[key] = float(((answered - offered * p) ** 2).sum())
        return cache[key]

    return loss


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
