"""Rolling-origin backtest of the risk forecast: Brier skill, reliability, band coverage and the volume's MAE.

At each origin (a Sunday, the last `origins` weeks that leave room for the longest horizon) the
forecast sees only what was known then (models.roster_outlook.known_on: the roster a notice period
ahead, absences begun or planned, calls up to the origin) and forecasts the next weeks. For each
horizon h (h = 1: the week right after the origin) every group-week with a whole week of calls is
scored:

- **Brier score** of P(below target) against the outcome (the week's answer rate below target),
  beside two naive forecasts: **climatology** (the group's share of weeks below target in the year
  before the origin) and **persistence** (whether the group's last week before the origin was below:
  0 or 1). Skill = 1 − Brier / Brier of the naive forecast.
- **Reliability**: forecasts binned by P(below) (0–10 %, …, 90–100 %), mean forecast against the share
  of weeks that did fall below.
- **Coverage**: the share of outcomes inside the forecast's p10–p90 band (80 % for a calibrated band).

The queue's patience and phone shares are calibrated once, at the first origin, on what was known then.
The environment's effect estimates come from the caller (the Evidence analysis over the whole period):
the docs say so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from models.errors import ModelInputError
from models.forecast import ForecastInputs, ForecastSettings, forecast
from models.holidays import opening_days
from models.roster_outlook import known_on
from models.volume import backtest_volume, daily_calls

Progress = Callable[[int, int], None]
BINS = np.linspace(0.0, 1.0, 11)


@dataclass(frozen=True)
class ForecastBacktest:
    """Scores per horizon, the reliability table, and every scored group-week."""

    horizons: pd.DataFrame  # horizon, n, brier, brier_climatology, brier_persistence, skill_*, coverage, mae_pp
    reliability: pd.DataFrame  # horizon, bin, n, mean_forecast, observed
    volume: pd.DataFrame  # models.volume.backtest_volume
    scored: pd.DataFrame
    origins: tuple[date, ...]
    target: float
    draws: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (the scored weeks are left out: HR data per group)."""
        return {
            "target_answer_rate": self.target,
            "draws": self.draws,
            "origins": [self.origins[0].isoformat(), self.origins[-1].isoformat()] if self.origins else [],
            "origin_count": len(self.origins),
            "horizons": _records(self.horizons),
            "reliability": _records(self.reliability),
            "volume": _records(self.volume),
        }


def backtest_forecast(
    inputs: ForecastInputs,
    *,
    origins: int = 26,
    horizons: Sequence[int] = (1, 4, 8),
    settings: ForecastSettings = ForecastSettings(draws=1000),  # noqa: B008 - frozen
    notice_days: int = 30,
    last_origin: date | None = None,
    progress: Progress | None = None,
) -> ForecastBacktest:
    """Run the rolling-origin backtest (see the module doc)."""
    hours = inputs.hours
    weekly = _weekly_outcomes(inputs.calls, hours.tz, hours.weekdays)
    if weekly.empty:
        raise ModelInputError("no call intervals: nothing to backtest")
    longest = max(horizons)
    last_week = weekly["week_start"].max()
    latest = (pd.Timestamp(last_week) - pd.Timedelta(weeks=longest - 1) - pd.Timedelta(days=1)).date()
    if last_origin is not None:
        latest = min(latest, last_origin - timedelta(days=(last_origin.weekday() + 1) % 7))
    sundays = [latest - timedelta(weeks=k) for k in range(origins)][::-1]
    first_data = pd.Timestamp(weekly["week_start"].min()).date()
    if sundays[0] < first_data + timedelta(weeks=52):
        raise ModelInputError(
            f"a backtest over {origins} origins and {longest} weeks ahead needs a year of call history before its "
            f"first origin ({sundays[0].isoformat()}); the calls begin {first_data.isoformat()}"
        )
    scored: list[dict[str, Any]] = []
    queue = None
    for i, origin in enumerate(sundays):
        staff, absences = known_on(inputs.staff, inputs.absences, origin, notice_days)
        seen = replace(inputs, staff=staff, absences=absences)
        run_settings = settings if queue is None else replace(settings, queue=queue)
        result = forecast(seen, origin, longest, run_settings)
        queue = result.queue
        scored.extend(_score(result.rows, weekly, origin, horizons, settings.target))
        if progress is not None:
            progress(i + 1, len(sundays))
    frame = pd.DataFrame(scored)
    volume = backtest_volume(
        daily_calls(inputs.calls, hours.tz, hours.weekdays),
        origins=origins,
        horizons=tuple(horizons),
        weekdays=hours.weekdays,
    )
    return ForecastBacktest(
        _summary(frame), _reliability(frame), volume, frame, tuple(sundays), settings.target, settings.draws
    )


def _weekly_outcomes(calls: pd.DataFrame, tz: str, weekdays: Sequence[int]) -> pd.DataFrame:
    """team, week_start (Timestamp), offered, answered, rate — only weeks with calls on every open day."""
    if calls.empty:
        return pd.DataFrame(columns=["team", "week_start", "offered", "answered", "rate"])
    local = pd.to_datetime(calls["interval_start"], utc=True).dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()
    daily = (
        calls.assign(date=local, team=calls["team"].astype(str))
        .groupby(["team", "date"])[["offered", "answered"]]
        .sum()
        .reset_index()
    )
    daily["week_start"] = daily["date"] - pd.to_timedelta(daily["date"].dt.day_of_week, unit="D")
    weekly = (
        daily.groupby(["team", "week_start"])
        .agg(offered=("offered", "sum"), answered=("answered", "sum"), days=("date", "nunique"))
        .reset_index()
    )
    need = {
        w: len(opening_days(w.date(), w.date() + timedelta(days=6), weekdays)) for w in weekly["week_start"].unique()
    }
    whole = weekly["days"] >= weekly["week_start"].map(need)
    weekly = weekly[whole & (weekly["offered"] > 0)].copy()
    weekly["rate"] = weekly["answered"] / weekly["offered"]
    return weekly.reset_index(drop=True)


def _score(
    rows: Sequence[Any], weekly: pd.DataFrame, origin: date, horizons: Sequence[int], target: float
) -> list[dict[str, Any]]:
    """One record per forecast group-week at the horizons that has an outcome and both naive forecasts."""
    out = []
    origin_ts = pd.Timestamp(origin)
    year_before = weekly[
        (weekly["week_start"] <= origin_ts) & (weekly["week_start"] > origin_ts - pd.Timedelta(weeks=52))
    ]
    climatology = year_before.assign(below=year_before["rate"] < target).groupby("team")["below"].mean()
    last = year_before.sort_values("week_start").groupby("team").tail(1)
    last_week = dict(zip(last["team"].astype(str), pd.to_datetime(last["week_start"]), strict=True))
    last_below = dict(zip(last["team"].astype(str), (last["rate"] < target).astype(float), strict=True))
    outcome = {
        (str(t), pd.Timestamp(w)): float(r)
        for t, w, r in zip(weekly["team"], weekly["week_start"], weekly["rate"], strict=True)
    }
    climate = {str(k): float(v) for k, v in climatology.items()}
    first = origin + timedelta(days=1)
    for row in rows:
        if row.team == "total" or row.p_below_target is None:
            continue
        horizon = (row.week_start - first).days // 7 + 1
        if horizon not in horizons:
            continue
        key = (row.team, pd.Timestamp(row.week_start))
        if key not in outcome or row.team not in climate or row.team not in last_week:
            continue
        # Persistence needs the week right before the origin: a group with a gap has none.
        if last_week[row.team] < origin_ts - pd.Timedelta(days=6):
            continue
        actual = outcome[key]
        out.append(
            {
                "origin": origin,
                "horizon": horizon,
                "team": row.team,
                "week_start": row.week_start,
                "actual": actual,
                "below": float(actual < target),
                "p_below": row.p_below_target,
                "climatology": climate[row.team],
                "persistence": last_below[row.team],
                "expected": row.expected_answer_rate,
                "p10": row.p10,
                "p90": row.p90,
            }
        )
    return out


def _summary(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    if frame.empty:
        return pd.DataFrame()
    for horizon, g in frame.groupby("horizon"):
        brier = float(((g["p_below"] - g["below"]) ** 2).mean())
        clim = float(((g["climatology"] - g["below"]) ** 2).mean())
        pers = float(((g["persistence"] - g["below"]) ** 2).mean())
        rows.append(
            {
                "horizon": int(str(horizon)),
                "n": len(g),
                "share_below": round(float(g["below"].mean()), 3),
                "brier": round(brier, 4),
                "brier_climatology": round(clim, 4),
                "brier_persistence": round(pers, 4),
                "skill_vs_climatology": round(1 - brier / clim, 3) if clim > 0 else None,
                "skill_vs_persistence": round(1 - brier / pers, 3) if pers > 0 else None,
                "coverage_p10_p90": round(float(((g["actual"] >= g["p10"]) & (g["actual"] <= g["p90"])).mean()), 3),
                "mae_pp": round(100 * float((g["expected"] - g["actual"]).abs().mean()), 2),
            }
        )
    return pd.DataFrame(rows)


def _reliability(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame()
    bins = np.clip(np.digitize(frame["p_below"], BINS[1:-1]), 0, len(BINS) - 2)
    table = (
        frame.assign(bin=bins)
        .groupby(["horizon", "bin"])
        .agg(n=("below", "size"), mean_forecast=("p_below", "mean"), observed=("below", "mean"))
        .reset_index()
    )
    table["bin"] = [f"{100 * BINS[b]:.0f}–{100 * BINS[b + 1]:.0f} %" for b in table["bin"]]
    table["mean_forecast"] = table["mean_forecast"].round(3)
    table["observed"] = table["observed"].round(3)
    return table


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for record in frame.to_dict("records"):
        out.append({str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in record.items()})
    return out
