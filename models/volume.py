"""Call volume per answer group: a Poisson regression of each open day's calls on the calendar, summed by week.

A week's calls depend on which of its days are open (a Monday holiday takes the busiest day), on the
season, on the day after a closed day (the calls that waited) and on the answer group's size of area.
So the model is fitted on days, not weeks: log E[calls of group g on day d] = group + weekday + the day
after a closed day + a bridge day (klämdag) + month + two yearly harmonics + a linear trend, by scikit-learn's
PoissonRegressor (a GLM with a log link and a light L2 penalty) on every group's days together, so that
a group with a short history borrows the season from the others and keeps its own level. A week's
forecast is the sum over its open days; its spread is the Poisson's times the over-dispersion of the
in-sample weekly sums (swings the calendar does not explain), as a negative binomial — for the centre
its own, since swings all groups share do not average out.

Compared, as the issue asks, with two naive forecasts a planner would otherwise use: the same ISO week
last year (seasonal naive) and the mean of the last four complete weeks.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.linear_model import PoissonRegressor

from models.errors import ModelInputError
from models.holidays import holidays_between, opening_days

MONTHS = True  # a level per calendar month: holiday months and the return from summer are steps, not waves
HARMONICS = 2  # and a smooth yearly cycle within them
ALPHA = 1e-4  # the L2 penalty: only keeps a group without history from diverging, not to shrink effects
MIN_DAYS = 10  # a group needs this many open days of history for a level of its own
DAILY_COLUMNS = ["team", "date", "offered"]
FORECAST_COLUMNS = ["team", "week_start", "open_days", "expected_offered", "p10", "p90", "reason"]


def daily_calls(calls: pd.DataFrame, tz: str, weekdays: Collection[int] = (1, 2, 3, 4, 5)) -> pd.DataFrame:
    """Offered calls per group and open day (local dates): DAILY_COLUMNS, days without a row count 0.

    A group's days begin with its first call interval (a group created last month has no earlier days);
    calls on a closed day (holiday, weekend) are left out: the model forecasts open days.
    """
    if calls.empty:
        return pd.DataFrame({"team": pd.Series(dtype=str), "date": pd.Series(dtype="datetime64[ns]"),
                             "offered": pd.Series(dtype=np.int64)})  # fmt: skip
    local = pd.to_datetime(calls["interval_start"], utc=True).dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()
    per_day = calls.assign(date=local.astype("datetime64[ns]")).groupby(["team", "date"])["offered"].sum()
    first, last = per_day.index.get_level_values("date").min(), per_day.index.get_level_values("date").max()
    open_index = pd.DatetimeIndex(opening_days(first.date(), last.date(), weekdays)).astype("datetime64[ns]")
    frames = []
    for team, series in per_day.groupby(level="team"):
        days = series.index.get_level_values("date")
        own = open_index[open_index >= days.min()]
        values = series.droplevel("team").reindex(own, fill_value=0)
        frames.append(pd.DataFrame({"team": str(team), "date": own, "offered": values.to_numpy(dtype=np.int64)}))
    return pd.concat(frames, ignore_index=True)[DAILY_COLUMNS]


def calendar_features(days: pd.DatetimeIndex, origin: pd.Timestamp) -> pd.DataFrame:
    """Per day: weekday, after a closed day, bridge day, yearly harmonics and the trend in years since `origin`."""
    dates = [d.date() for d in days]
    if not dates:
        return pd.DataFrame(index=days)
    closed = set(holidays_between(min(dates) - timedelta(days=7), max(dates) + timedelta(days=7)))

    features = {f"weekday_{k}": (days.day_of_week == k).astype(float) for k in range(1, 5)}  # Monday is the base
    # The first open day after a closed weekday gets the calls that waited (after a weekend is Monday's own).
    previous = [d - timedelta(days=3 if d.isoweekday() == 1 else 1) for d in dates]
    features["after_closed"] = np.array([p in closed for p in previous], dtype=float)
    # A klämdag: an open weekday between a holiday and the weekend (many take it off; callers too).
    friday_bridge = [d.isoweekday() == 5 and d - timedelta(days=1) in closed for d in dates]
    monday_bridge = [d.isoweekday() == 1 and d + timedelta(days=1) in closed for d in dates]
    features["bridge"] = np.array([a or b for a, b in zip(friday_bridge, monday_bridge, strict=True)], dtype=float)
    angle = 2 * np.pi * (days.day_of_year.to_numpy() - 1) / 365.25
    for k in range(1, HARMONICS + 1):
        features[f"sin_{k}"] = np.sin(k * angle)
        features[f"cos_{k}"] = np.cos(k * angle)
    for month in range(2, 13) if MONTHS else ():
        features[f"month_{month}"] = (days.month == month).astype(float)
    features["trend_years"] = ((days - origin).days.to_numpy() / 365.25).astype(float)
    return pd.DataFrame(features, index=days)


@dataclass(frozen=True)
class VolumeModel:
    """A fitted volume model: the regression, its groups, the over-dispersion and the data it saw."""

    regressor: PoissonRegressor
    teams: tuple[str, ...]
    origin: pd.Timestamp
    last_day: pd.Timestamp
    dispersion: float  # of a group's week: Pearson chi² / df of the weekly sums, 1 for pure Poisson
    days_per_team: dict[str, int] = field(default_factory=dict)
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)
    centre_dispersion: float = 1.0  # of the centre's week: swings all groups share do not average out

    def design(self, teams: Sequence[str], days: pd.DatetimeIndex) -> pd.DataFrame:
        """The model's columns for every group × day."""
        calendar = calendar_features(days, self.origin)
        blocks = []
        for team in teams:
            block = calendar.copy()
            for known in self.teams[1:]:  # the first group is the base level
                block[f"team={known}"] = float(team == known)
            blocks.append(block)
        return pd.concat(blocks)

    def expected(self, team: str, days: pd.DatetimeIndex) -> np.ndarray:
        """Expected offered calls of one group on each of `days`."""
        if team not in self.teams or len(days) == 0:
            return np.zeros(len(days))
        return np.asarray(self.regressor.predict(self.design([team], days)), dtype=float)


def fit_volume(daily: pd.DataFrame, weekdays: Collection[int] = (1, 2, 3, 4, 5)) -> VolumeModel:
    """Fit the daily Poisson regression on DAILY_COLUMNS rows of every group with at least MIN_DAYS days."""
    counts = daily.groupby("team")["date"].size()
    kept = daily[daily["team"].isin(counts[counts >= MIN_DAYS].index)]
    if kept.empty:
        raise ModelInputError(f"no answer group has {MIN_DAYS} open days of call history: nothing to forecast from")
    teams = tuple(sorted(kept["team"].unique()))
    origin = pd.Timestamp(kept["date"].min())
    model = VolumeModel(PoissonRegressor(alpha=ALPHA, max_iter=1000), teams, origin, pd.Timestamp(kept["date"].max()),
                        1.0, {str(k): int(v) for k, v in counts.items()}, tuple(weekdays))  # fmt: skip
    x_parts, y_parts = [], []
    for team, rows in kept.groupby("team"):
        days = pd.DatetimeIndex(rows["date"])
        x_parts.append(model.design([str(team)], days))
        y_parts.append(rows["offered"].to_numpy(dtype=float))
    x, y = pd.concat(x_parts), np.concatenate(y_parts)
    model.regressor.fit(x, y)
    # Over-dispersion of whole weeks, as forecast: the days' swings, and the season the harmonics miss.
    fitted = kept.assign(mu=np.maximum(model.regressor.predict(x), 1e-9))
    fitted["week_start"] = fitted["date"] - pd.to_timedelta(fitted["date"].dt.day_of_week, unit="D")
    weeks = fitted.groupby(["team", "week_start"])[["offered", "mu"]].sum()
    centre = weeks.groupby(level="week_start").sum()
    dof = max(len(weeks) - x.shape[1] - 1, 1)
    dispersion = max(float(((weeks["offered"] - weeks["mu"]) ** 2 / weeks["mu"]).sum() / dof), 1.0)
    centre_dispersion = max(
        float(((centre["offered"] - centre["mu"]) ** 2 / centre["mu"]).sum() / max(len(centre) - 1, 1)), 1.0
    )
    return VolumeModel(model.regressor, teams, origin, model.last_day, dispersion, model.days_per_team, model.weekdays,
                       centre_dispersion)  # fmt: skip


def forecast_weeks(model: VolumeModel, week_starts: Sequence[date], teams: Sequence[str]) -> pd.DataFrame:
    """Per group and week (and the centre as "total"): open days, expected calls and an 80 % band (p10–p90).

    The band is the negative binomial with the model's over-dispersion around the expected count; it
    leaves out the uncertainty of the coefficients (small beside the days' swings with years of history).
    """
    rows = []
    totals: dict[date, list[float]] = {}
    for week in week_starts:
        days = pd.DatetimeIndex(opening_days(week, week + timedelta(days=6), model.weekdays), dtype="datetime64[ns]")
        for team in teams:
            if team not in model.teams:
                have = model.days_per_team.get(team, 0)
                reason = f"only {have} open days of call history (needs {MIN_DAYS})" if have else "no call history"
                rows.append([team, week, len(days), None, None, None, reason])
                continue
            mean = float(model.expected(team, days).sum())
            low, high = _band(mean, model.dispersion)
            rows.append([team, week, len(days), mean, low, high, "" if len(days) else "no open day this week"])
            totals.setdefault(week, []).append(mean)
    for week, means in totals.items():
        mean = float(sum(means))
        low, high = _band(mean, model.centre_dispersion)
        rows.append(["total", week, 0, mean, low, high, ""])
    frame = pd.DataFrame(rows, columns=FORECAST_COLUMNS)
    frame["open_days"] = [len(opening_days(w, w + timedelta(days=6), model.weekdays)) for w in frame["week_start"]]
    return frame


def _band(mean: float, dispersion: float) -> tuple[float, float]:
    """p10 and p90 of a count with this mean and variance dispersion × mean (Poisson when dispersion is 1)."""
    if mean <= 0:
        return 0.0, 0.0
    if dispersion <= 1.0 + 1e-9:
        return float(stats.poisson.ppf(0.1, mean)), float(stats.poisson.ppf(0.9, mean))
    # Negative binomial with variance mean × dispersion: n = mean / (dispersion − 1), p = 1 / dispersion.
    n, p = mean / (dispersion - 1.0), 1.0 / dispersion
    return float(stats.nbinom.ppf(0.1, n, p)), float(stats.nbinom.ppf(0.9, n, p))


def weekly_calls(daily: pd.DataFrame) -> pd.DataFrame:
    """Offered calls per group and ISO week (week_start: the Monday) from the daily rows."""
    week_start = daily["date"] - pd.to_timedelta(daily["date"].dt.day_of_week, unit="D")
    weekly = daily.assign(week_start=week_start).groupby(["team", "week_start"])["offered"].sum()
    return weekly.reset_index()


def seasonal_naive(weekly: pd.DataFrame, team: str, week_start: pd.Timestamp) -> float | None:
    """The same ISO week a year before (52 weeks back; 53 when the year had 53 weeks), or None without it."""
    target = week_start.isocalendar()
    mine = weekly[weekly["team"] == team].set_index("week_start")["offered"]
    for back in (52, 53):
        earlier = week_start - pd.Timedelta(weeks=back)
        if earlier.isocalendar().week == target.week and earlier in mine.index:
            return float(mine[earlier])
    return None


def recent_mean(weekly: pd.DataFrame, team: str, before: pd.Timestamp, weeks: int = 4) -> float | None:
    """The mean of the group's last `weeks` complete weeks before `before`, or None without them."""
    mine = weekly[(weekly["team"] == team) & (weekly["week_start"] < before)].sort_values("week_start")
    if len(mine) < weeks:
        return None
    return float(mine["offered"].tail(weeks).mean())


def backtest_volume(
    daily: pd.DataFrame,
    *,
    origins: int = 26,
    horizons: Sequence[int] = (1, 4, 8),
    weekdays: Collection[int] = (1, 2, 3, 4, 5),
) -> pd.DataFrame:
    """Rolling-origin backtest over the last `origins` weeks: per horizon, MAE of the model and both naive forecasts.

    At each origin (a Monday) the model is fitted on the days before it, and the week `h` weeks on
    (h = 1: the origin's own week) is forecast per group; the naive forecasts see the same history.
    Every forecast is scored on the same group-weeks: those all three could forecast.
    """
    weekly = _whole_weeks(weekly_calls(daily), daily, weekdays)
    mondays = sorted(weekly["week_start"].unique())
    if len(mondays) < origins + max(horizons) + 52:
        raise ModelInputError(
            f"a backtest over {origins} origins needs {origins + max(horizons) + 52} weeks of call history "
            f"(a year for the seasonal naive forecast), not {len(mondays)}"
        )
    last_origin = len(mondays) - max(horizons)
    scored = []
    for i in range(last_origin - origins + 1, last_origin + 1):
        origin = pd.Timestamp(mondays[i])
        model = fit_volume(daily[daily["date"] < origin], weekdays)
        for h in horizons:
            target = origin + pd.Timedelta(weeks=h - 1)
            forecast = forecast_weeks(model, [target.date()], sorted(weekly["team"].unique()))
            actual = weekly[weekly["week_start"] == target].set_index("team")["offered"]
            for record in forecast.to_dict("records"):
                team = str(record["team"])
                if team == "total" or record["expected_offered"] is None or team not in actual.index:
                    continue
                naive = seasonal_naive(weekly, team, target)
                recent = recent_mean(weekly, team, origin)
                if naive is None or recent is None:
                    continue
                scored.append((h, team, target, float(actual[team]), float(record["expected_offered"]), naive, recent,
                               float(record["p10"]), float(record["p90"])))  # fmt: skip
    frame = pd.DataFrame(scored, columns=["horizon", "team", "week_start", "actual", "model", "seasonal_naive",
                                          "recent_mean", "p10", "p90"])  # fmt: skip
    rows = []
    for horizon, g in frame.groupby("horizon"):
        rows.append(
            {
                "horizon": int(str(horizon)),
                "n": len(g),
                "mae_model": float((g["model"] - g["actual"]).abs().mean()),
                "mae_seasonal_naive": float((g["seasonal_naive"] - g["actual"]).abs().mean()),
                "mae_recent_mean": float((g["recent_mean"] - g["actual"]).abs().mean()),
                "band_coverage": float(((g["actual"] >= g["p10"]) & (g["actual"] <= g["p90"])).mean()),
            }
        )
    return pd.DataFrame(rows)


def _whole_weeks(weekly: pd.DataFrame, daily: pd.DataFrame, weekdays: Collection[int]) -> pd.DataFrame:
    """The group-weeks whose every open day lies within the group's data (no part-week is scored or used as naive)."""
    firsts = {str(t): pd.Timestamp(d).date() for t, d in daily.groupby("team")["date"].min().items()}
    lasts = {str(t): pd.Timestamp(d).date() for t, d in daily.groupby("team")["date"].max().items()}
    keep = []
    for team, week_start in zip(weekly["team"].astype(str), pd.to_datetime(weekly["week_start"]), strict=True):
        monday = week_start.date()
        days = opening_days(monday, monday + timedelta(days=6), weekdays)
        keep.append(bool(days) and days[0] >= firsts[team] and days[-1] <= lasts[team])
    return weekly[keep].reset_index(drop=True)


def intraday_profile(calls: pd.DataFrame, tz: str, *, weeks: int = 8) -> pd.DataFrame:
    """Per group, weekday and interval start (local time): the share of the day's calls, over the last `weeks` weeks.

    The weekly forecast spread over a day for staffing: weekday (1 = Monday) and `time` ("HH:MM"), with
    `share` summing to 1 over a group's intervals of one weekday.
    """
    if calls.empty:
        return pd.DataFrame(columns=["team", "weekday", "time", "share"])
    local = pd.to_datetime(calls["interval_start"], utc=True).dt.tz_convert(tz)
    recent = local >= local.max().normalize() - pd.Timedelta(weeks=weeks)
    frame = pd.DataFrame(
        {
            "team": calls["team"].astype(str)[recent],
            "weekday": local[recent].dt.day_of_week + 1,
            "time": local[recent].dt.strftime("%H:%M"),
            "offered": calls["offered"][recent].astype(float),
        }
    )
    per_slot = frame.groupby(["team", "weekday", "time"])["offered"].sum()
    share = per_slot / per_slot.groupby(level=["team", "weekday"]).transform("sum")
    return share.fillna(0.0).rename("share").reset_index()
