"""The call-volume forecast on the generated centre, whose calendar effects are known (synthetic.centre.calls)."""

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from models.errors import ModelInputError
from models.volume import (
    MIN_DAYS,
    backtest_volume,
    daily_calls,
    fit_volume,
    forecast_weeks,
    intraday_profile,
    weekly_calls,
)
from synthetic.centre import GeneratorConfig, generate_centre
from synthetic.centre.config import CallParams

TZ = "Europe/Stockholm"


@pytest.fixture(scope="module")
def calls(example_site) -> pd.DataFrame:
    centre = generate_centre(
        example_site, date(2024, 1, 1), date(2025, 12, 28), seed=3, config=GeneratorConfig().quick()
    )
    return centre.calls


@pytest.fixture(scope="module")
def daily(calls) -> pd.DataFrame:
    return daily_calls(calls, TZ)


@pytest.fixture(scope="module")
def model(daily):
    return fit_volume(daily)


def test_daily_calls_are_counted_on_open_days_in_local_time(calls, daily):
    assert set(daily.columns) == {"team", "date", "offered"}
    assert daily["offered"].sum() == calls["offered"].sum()  # the generator only has open days
    assert not (daily["date"].dt.day_of_week >= 5).any()
    assert pd.Timestamp(2024, 12, 24) not in set(daily["date"])  # julafton is closed
    assert len(daily) == 12 * daily["date"].nunique()


def test_the_weekday_pattern_is_recovered(model):
    """The generator's weekday factors are the truth: log ratios to Monday within 0.03."""
    truth = CallParams().weekdays
    coefficients = dict(zip(model.regressor.feature_names_in_, model.regressor.coef_, strict=True))
    for k in range(1, 5):
        assert coefficients[f"weekday_{k}"] == pytest.approx(math.log(truth[k] / truth[0]), abs=0.03)
    # The day after a holiday gets the calls that waited (the generator's 1.12).
    assert coefficients["after_closed"] > 0.05


def test_a_week_is_the_sum_of_its_open_days_and_the_centre_of_its_groups(model):
    christmas, january = date(2025, 12, 22), date(2026, 1, 12)
    teams = list(model.teams)
    forecast = forecast_weeks(model, [christmas, january], teams).set_index(["team", "week_start"])
    assert forecast.loc[("team-1", christmas), "open_days"] == 2  # 24–26 December are closed
    assert forecast.loc[("team-1", january), "open_days"] == 5
    assert (
        forecast.loc[("team-1", christmas), "expected_offered"]
        < 0.6 * forecast.loc[("team-1", january), "expected_offered"]
    )
    for week in (christmas, january):
        groups = forecast.xs(week, level="week_start").drop(index="total")
        assert forecast.loc[("total", week), "expected_offered"] == pytest.approx(groups["expected_offered"].sum())
        row = forecast.loc[("team-1", week)]
        assert row["p10"] < row["expected_offered"] < row["p90"]


def test_a_group_with_a_month_of_history_borrows_the_season_and_keeps_its_level(daily, model):
    """team-4 seen only since November 2025: its forecast matches the one from its full history within 10 %."""
    recent = daily[(daily["team"] != "team-4") | (daily["date"] >= pd.Timestamp(2025, 11, 24))]
    short = fit_volume(recent)
    weeks = [date(2026, 1, 12) + timedelta(weeks=k) for k in range(4)]
    full_weeks = forecast_weeks(model, weeks, ["team-4"])
    short_weeks = forecast_weeks(short, weeks, ["team-4"])
    ratio = short_weeks["expected_offered"].to_numpy() / full_weeks["expected_offered"].to_numpy()
    assert np.all(np.abs(ratio - 1) < 0.10), ratio


def test_a_group_without_enough_history_gets_a_reason_not_a_number(daily):
    few = daily[(daily["team"] != "team-2") | (daily["date"] >= pd.Timestamp(2025, 12, 22))]
    model = fit_volume(few)
    forecast = forecast_weeks(model, [date(2026, 1, 12)], ["team-2", "team-new"]).set_index("team")
    assert forecast.loc["team-2", "expected_offered"] is None
    assert forecast.loc["team-2", "reason"] == f"only 2 open days of call history (needs {MIN_DAYS})"
    assert forecast.loc["team-new", "reason"] == "no call history"


def test_no_calls_at_all_is_a_clear_error():
    empty = daily_calls(pd.DataFrame(columns=["interval_start", "team", "offered", "answered"]), TZ)
    assert empty.empty
    with pytest.raises(ModelInputError, match="no answer group has 10 open days of call history"):
        fit_volume(empty)


def test_the_backtest_beats_the_seasonal_naive_forecast(daily):
    """A few origins here (scripts and docs run 26): the model's MAE below both naive forecasts."""
    summary = backtest_volume(daily, origins=4, horizons=(1, 4)).set_index("horizon")
    assert list(summary.index) == [1, 4]
    assert (summary["n"] == 4 * 12).all()
    assert (summary["mae_model"] < summary["mae_seasonal_naive"]).all()
    assert (summary["mae_model"] < summary["mae_recent_mean"]).all()
    assert summary["band_coverage"].between(0.5, 1.0).all()


def test_a_backtest_without_a_year_of_history_says_what_it_needs(daily):
    with pytest.raises(ModelInputError, match="needs 86 weeks of call history"):
        backtest_volume(daily[daily["date"] >= pd.Timestamp(2025, 1, 6)])


def test_the_intraday_profile_sums_to_one_per_group_and_weekday(calls):
    profile = intraday_profile(calls, TZ, weeks=8)
    sums = profile.groupby(["team", "weekday"])["share"].sum()
    assert np.allclose(sums, 1.0)
    monday = profile[(profile["team"] == "team-1") & (profile["weekday"] == 1)].set_index("time")["share"]
    assert monday.idxmax() in {"09:45", "10:00", "10:15"}  # the generator's morning peak at 10
    assert weekly_calls(daily_calls(calls, TZ))["offered"].sum() == calls["offered"].sum()
