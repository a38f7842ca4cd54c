"""The risk forecast on the generated centre: bands, drivers, scenarios on common random numbers, edge cases."""

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from models.actions import SickLeaveEffect
from models.errors import ModelInputError
from models.evidence import Estimate
from models.forecast import Forecast, ForecastInputs, ForecastSettings, SiteHours, default_as_of, forecast
from models.forecast_backtest import backtest_forecast
from models.scenarios import ActionDone, parse_scenario, week_monday
from synthetic.centre import GeneratorConfig, generate_centre

START, END = date(2024, 1, 1), date(2025, 12, 28)
AS_OF = date(2025, 1, 12)  # team-2 loses an agent on this day; team-3's seat is empty until 2025-01-20
QUICK = ForecastSettings(draws=400)


@pytest.fixture(scope="module")
def inputs(example_site) -> ForecastInputs:
    centre = generate_centre(example_site, START, END, seed=3, config=GeneratorConfig().quick())
    team_zone = {team: zone.id for zone in example_site.zones for team in zone.teams}
    return ForecastInputs(
        centre.calls,
        centre.staff.rename(columns={"employee_id": "employee"}),
        centre.absences.rename(columns={"employee_id": "employee"}),
        SiteHours(),
        team_zone,
    )


@pytest.fixture(scope="module")
def result(inputs) -> Forecast:
    scenarios = [
        parse_scenario("stand-in:team-2:2025-W04:2025-W05"),
        parse_scenario("earlier-hire:team-2:6"),
        parse_scenario("earlier-hire:team-5:2"),
    ]
    return forecast(inputs, AS_OF, 8, ForecastSettings(draws=1000), scenarios)


def rows_of(result: Forecast, team: str) -> list:
    return [r for r in result.rows if r.team == team]


def test_every_group_and_the_centre_get_each_week_with_ordered_bands(result):
    assert result.first_week == date(2025, 1, 13)
    teams = {r.team for r in result.rows}
    assert teams == {f"team-{i}" for i in range(1, 13)} | {"total"}
    assert len(result.rows) == 8 * 13
    for row in result.rows:
        assert row.reason is None
        assert 0 <= row.p10 <= row.p50 <= row.p90 <= 1
        assert 0 <= row.p_below_target <= 1
        assert row.expected_offered > 0
        assert row.drivers
    total = rows_of(result, "total")[0]
    groups = [r for r in result.rows if r.week_start == total.week_start and r.team != "total"]
    weighted = sum(r.expected_answer_rate * r.expected_offered for r in groups) / sum(
        r.expected_offered for r in groups
    )
    assert total.expected_answer_rate == pytest.approx(weighted, abs=0.01)  # calls-weighted
    assert total.expected_offered == pytest.approx(sum(r.expected_offered for r in groups), rel=0.01)


def test_each_week_carries_its_weekday_profile_and_the_day_its_time_of_day_profile(result):
    monday_heavy = rows_of(result, "team-5")[0]
    days = dict(monday_heavy.daily_offered)
    assert sorted(days) == [date(2025, 1, 13) + timedelta(days=d) for d in range(5)]
    assert sum(days.values()) == pytest.approx(monday_heavy.expected_offered, rel=1e-6)
    assert days[date(2025, 1, 13)] > days[date(2025, 1, 17)]  # Mondays are the busiest days, Fridays the quietest
    total = rows_of(result, "total")[0]
    assert sum(dict(total.daily_offered).values()) == pytest.approx(total.expected_offered, rel=1e-6)
    profile = dict(result.intraday_profile)
    assert next(iter(profile)) == "08:00"
    assert len(profile) == 36
    assert sum(profile.values()) == pytest.approx(1.0)
    assert profile["10:00"] > profile["12:00"] > profile["08:00"] * 0.5  # the morning peak and the lunch dip


def test_the_centres_drivers_say_how_risky_the_week_is_and_name_the_groups_at_risk(result):
    for total in rows_of(result, "total"):
        groups = [r for r in result.rows if r.week_start == total.week_start and r.team != "total"]
        first = total.drivers[0]
        assert first.startswith("Low risk") if total.p_below_target < 0.1 else first.startswith("Most of the centre")
        at_risk = sorted(groups, key=lambda r: -r.p_below_target)[0]
        if at_risk.p_below_target >= 0.1:
            assert f"group {at_risk.team} (" in " ".join(total.drivers)


def test_the_contracts_json_keys(result):
    data = result.to_dict()
    assert {"generated_at", "target_answer_rate", "weeks"} <= set(data)
    assert data["target_answer_rate"] == 0.95
    week = data["weeks"][0]
    assert {"week", "team", "expected_answer_rate", "p10", "p90", "p_below_target", "drivers"} <= set(week)
    assert week["week"] == "2025-W03"
    assert data["queue"]["patience_source"] == "calibrated"
    assert data["queue"]["handle_time_source"] == "settings"
    assert any("no sensor data" in n for n in data["notes"])  # no exposure given: the environment is left out
    assert data["data"]["environment_used"] is False


def test_a_group_short_of_an_agent_is_at_risk_and_the_driver_says_why(result):
    team2 = rows_of(result, "team-2")[0]  # two of three seats until the hire in April
    full = rows_of(result, "team-5")[0]
    assert team2.p_below_target > 0.8 > full.p_below_target
    assert team2.agents_expected < team2.full_strength - 0.5
    assert max(team2.driver_shares, key=team2.driver_shares.get) == "vacancies"
    assert "vacancy" in team2.drivers[0]
    assert "2025-04-08" in team2.drivers[0]


def test_a_stand_in_lowers_the_risk_in_its_weeks_only(result):
    stand_in = result.scenarios[0]
    assert stand_in.reason is None
    changed = {(w.team, w.week_start) for w in stand_in.weeks}
    assert ("team-2", week_monday("2025-W04")) in changed
    assert ("total", week_monday("2025-W05")) in changed
    assert all(w.week_start in (week_monday("2025-W04"), week_monday("2025-W05")) for w in stand_in.weeks)
    for w in stand_in.weeks:
        assert w.expected_scenario > w.expected_baseline
        assert w.p_below_scenario <= w.p_below_baseline
        # Paired draws: an extra agent never lowers a draw's answer rate, and it raises some.
        assert 0 <= w.change_p10 <= w.change_p90
        assert w.change_p90 > 0
        assert 0 <= w.p_below_change_se < 0.05
        row = w.to_dict()
        assert (row["change_p10_pp"], row["change_p90_pp"]) == (
            round(100 * w.change_p10, 2), round(100 * w.change_p90, 2)
        )  # fmt: skip


def test_an_earlier_hire_moves_the_start_and_a_group_without_one_is_told(result):
    earlier, none = result.scenarios[1], result.scenarios[2]
    assert earlier.note == "start moved from 2025-04-08 to 2025-02-25"
    assert earlier.weeks
    assert min(w.week_start for w in earlier.weeks) == date(2025, 2, 24)
    assert none.weeks == ()
    assert "no start ahead" in (none.reason or "")
    assert none.reason_code == "no_start"
    assert none.to_dict()["reason_code"] == "no_start"


def test_the_environment_term_and_an_action_scenario(inputs):
    weeks = pd.date_range("2024-12-16", "2025-01-06", freq="7D")
    exposure = pd.DataFrame(
        [
            {
                "zone": f"z{i}",
                "quantity": "co2_ppm",
                "week_start": w,
                "mean": 1200.0 if i == 6 else 700.0,
                "status": "ok",
            }
            for i in range(1, 13)
            for w in weeks
        ]
    )
    effect = SickLeaveEffect("co2_ppm", 100.0, "+100 ppm", Estimate(math.log(1.3), 0.05), "moderate", "research")
    actions = pd.DataFrame([{"zone": "z6", "action": "ventilation", "quantity": "co2_ppm", "counted_change": -400.0}])
    seen = replace(inputs, exposure=exposure, effects={"co2_ppm": effect}, actions=actions)
    done = ActionDone("z6", "ventilation", week_monday("2025-W05"))
    result = forecast(seen, AS_OF, 6, QUICK, [done])
    assert result.data["environment_used"] is True
    assert result.environment["team-6"]["rate_ratio"] == pytest.approx(1.3**4, rel=1e-3)  # 400 ppm above the band
    assert "team-5" not in result.environment  # in its band: no term
    [scenario] = result.scenarios
    assert scenario.reason is None
    assert "confidence moderate" in (scenario.note or "")
    assert {w.team for w in scenario.weeks} <= {"team-6", "total"}
    assert min(w.week_start for w in scenario.weeks) >= week_monday("2025-W05")
    assert sum(w.expected_scenario - w.expected_baseline for w in scenario.weeks) > 0


def test_an_action_whose_effect_the_evidence_does_not_show_claims_nothing(inputs):
    effect = SickLeaveEffect("co2_ppm", 100.0, "+100 ppm", Estimate(math.log(1.1), 0.2), "low", "the data cannot tell")
    actions = pd.DataFrame([{"zone": "z6", "action": "ventilation", "quantity": "co2_ppm", "counted_change": -400.0}])
    seen = replace(inputs, effects={"co2_ppm": effect}, actions=actions)
    [scenario] = forecast(seen, AS_OF, 2, QUICK, [ActionDone("z6", "ventilation", week_monday("2025-W04"))]).scenarios
    assert scenario.weeks == ()
    assert "confidence low" in (scenario.reason or "")
    assert scenario.reason_code == "no_evidence"


def test_a_new_group_and_a_group_without_history_are_told_apart(inputs):
    calls = inputs.calls
    first = pd.Timestamp("2024-12-09", tz="Europe/Stockholm")
    young = calls[(calls["team"] == "team-1") & (pd.to_datetime(calls["interval_start"]) >= first)].assign(
        team="team-new"
    )
    staff = pd.concat(
        [
            inputs.staff,
            pd.DataFrame(
                [
                    {
                        "employee": "N1",
                        "team": "team-new",
                        "start_date": pd.Timestamp("2024-12-01"),
                        "end_date": pd.NaT,
                        "fte": 1.0,
                    },
                    {
                        "employee": "N2",
                        "team": "team-new",
                        "start_date": pd.Timestamp("2024-12-01"),
                        "end_date": pd.NaT,
                        "fte": 1.0,
                    },
                    {
                        "employee": "X1",
                        "team": "team-empty",
                        "start_date": pd.Timestamp("2024-12-01"),
                        "end_date": pd.NaT,
                        "fte": 1.0,
                    },
                ]
            ),
        ],
        ignore_index=True,
    )
    seen = replace(inputs, calls=pd.concat([calls, young], ignore_index=True), staff=staff)
    result = forecast(seen, AS_OF, 2, QUICK)
    new = rows_of(result, "team-new")[0]
    assert new.reason is None
    assert new.p_below_target is not None
    assert any("team-new has less than half a year" in n for n in result.notes)
    empty = rows_of(result, "team-empty")[0]
    assert empty.p_below_target is None
    assert "no call history" in (empty.reason or "")
    total = rows_of(result, "total")[0]
    assert any("team-empty" in d for d in total.drivers)  # the centre's figure says who it leaves out


def test_a_holiday_week_and_a_week_without_anyone_rostered(inputs):
    # Christmas 2024: 2024-W52 has two open days (23 and 27 December; 24–26 are closed).
    staff = inputs.staff.copy()
    team4 = staff["team"] == "team-4"
    staff.loc[team4, "end_date"] = pd.Timestamp("2024-12-27")  # the group empties for two weeks ...
    staff = pd.concat(
        [
            staff,
            pd.DataFrame(
                [
                    {
                        "employee": "R1",
                        "team": "team-4",
                        "start_date": pd.Timestamp("2025-01-13"),
                        "end_date": pd.NaT,
                        "fte": 1.0,
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    result = forecast(replace(inputs, staff=staff), date(2024, 12, 15), 4, QUICK)
    christmas = [r for r in result.rows if r.week_start == date(2024, 12, 23)]
    assert {r.open_days for r in christmas} == {2}
    assert all(r.p_below_target is not None for r in christmas)
    empty = next(r for r in rows_of(result, "team-4") if r.week_start == date(2024, 12, 30))
    assert empty.agents_expected == 0.0
    assert empty.p_below_target == 1.0
    assert any(d.startswith("Vacancies") for d in empty.drivers)


def test_a_group_whose_calls_stopped_gets_no_number_not_a_stale_one(inputs):
    calls = inputs.calls.copy()
    stop = pd.to_datetime(calls["interval_start"]) >= pd.Timestamp("2024-06-01", tz="Europe/Stockholm")
    calls.loc[stop & (calls["team"] == "team-7"), ["offered", "answered", "abandoned"]] = 0
    result = forecast(replace(inputs, calls=calls), AS_OF, 1, QUICK)
    row = rows_of(result, "team-7")[0]
    assert row.p_below_target is None
    assert "no calls in the 4 weeks before 2025-01-12" in (row.reason or "")
    assert rows_of(result, "team-8")[0].p_below_target is not None


def test_a_week_without_any_call_is_a_gap_in_the_export_not_a_quiet_week(inputs):
    calls = inputs.calls.copy()
    local = pd.to_datetime(calls["interval_start"]).dt.tz_convert("Europe/Stockholm")
    gap = (local >= pd.Timestamp("2024-10-07", tz="Europe/Stockholm")) & (
        local < pd.Timestamp("2024-10-14", tz="Europe/Stockholm")
    )
    result = forecast(replace(inputs, calls=calls[~gap]), AS_OF, 1, QUICK)
    assert any("1 open week(s) (2024-W41)" in n for n in result.notes)
    plain = forecast(inputs, AS_OF, 1, QUICK)
    # Left out, the gap does not drag the volume down: the forecast is the one without a gap, near enough.
    assert rows_of(result, "total")[0].expected_offered == pytest.approx(
        rows_of(plain, "total")[0].expected_offered, rel=0.01
    )


def test_without_calls_the_forecast_says_what_to_import(inputs):
    with pytest.raises(ModelInputError, match=r"import calls\.csv"):
        forecast(replace(inputs, calls=inputs.calls.iloc[:0]), AS_OF, 4, QUICK)
    with pytest.raises(ModelInputError, match=r"1–26 weeks"):
        forecast(inputs, AS_OF, 0, QUICK)
    with pytest.raises(ModelInputError, match=r"import calls\.csv"):
        default_as_of(None, "Europe/Stockholm")


def _newest(calls: pd.DataFrame) -> datetime:
    return pd.to_datetime(calls["interval_start"], utc=True).max().to_pydatetime()


def test_the_default_as_of_is_the_end_of_the_last_complete_week(inputs):
    assert default_as_of(_newest(inputs.calls), "Europe/Stockholm") == date(2025, 12, 28)
    # Christmas week ends on the 23rd (the 24th–26th are closed): complete; 15–16 December is half a week.
    cut = inputs.calls[pd.to_datetime(inputs.calls["interval_start"]) < pd.Timestamp("2025-12-17", tz="UTC")]
    assert default_as_of(_newest(cut), "Europe/Stockholm") == date(2025, 12, 14)
    # A Friday evening's last interval in UTC is still that Friday in Stockholm: the week is complete.
    assert default_as_of(datetime(2025, 12, 12, 15, 45, tzinfo=UTC), "Europe/Stockholm") == date(2025, 12, 14)
    # A Thursday's last interval: the week before is the last complete one.
    assert default_as_of(datetime(2025, 12, 11, 15, 45, tzinfo=UTC), "Europe/Stockholm") == date(2025, 12, 7)


def test_the_same_seed_gives_the_same_forecast(inputs):
    a = forecast(inputs, AS_OF, 1, QUICK).rows
    b = forecast(inputs, AS_OF, 1, QUICK).rows
    assert [r.p_below_target for r in a] == [r.p_below_target for r in b]


def test_a_short_backtest_scores_against_both_naive_forecasts(inputs):
    result = backtest_forecast(
        inputs, origins=2, horizons=(1, 2), settings=ForecastSettings(draws=200), last_origin=date(2025, 6, 1)
    )
    assert result.origins == (date(2025, 5, 25), date(2025, 6, 1))
    assert set(result.horizons["horizon"]) == {1, 2}
    for row in result.horizons.to_dict("records"):
        assert row["n"] == 24  # 12 groups × 2 origins
        assert 0 <= row["brier"] <= 1
        assert 0 <= row["coverage_p10_p90"] <= 1
        assert row["skill_vs_climatology"] == pytest.approx(1 - row["brier"] / row["brier_climatology"], abs=1e-3)
    assert result.reliability.groupby("horizon")["n"].sum().tolist() == [24, 24]
    scored = result.scored
    assert (scored["week_start"] > scored["origin"]).all()
    assert set(result.to_dict()) >= {"horizons", "reliability", "volume", "origins"}
    assert np.isfinite(result.volume["mae_model"]).all()


def test_a_backtest_needs_a_year_before_its_first_origin(inputs):
    with pytest.raises(ModelInputError, match="a year of call history"):
        backtest_forecast(inputs, origins=2, horizons=(1,), settings=QUICK, last_origin=date(2024, 6, 2))


def test_the_days_own_call_swing_is_not_counted_twice(inputs):
    from models.forecast import _volume_cv, _weekly_history
    from models.volume import daily_calls, fit_volume

    daily = daily_calls(inputs.calls, "Europe/Stockholm")
    model = fit_volume(daily)
    weekly_calls = _weekly_history(daily)
    centre, own, shared_day, own_day = _volume_cv(model, daily, weekly_calls, list(model.teams), 5)
    # The generator: a day's swing of 8 % all groups share and 5 % of a group's own.
    assert shared_day == pytest.approx(0.08, abs=0.025)
    assert own_day == pytest.approx(0.05, abs=0.025)
    # Together the factors give each group's weekly spread, not more: nothing counted twice.
    weekly = (model.dispersion - 1.0) / weekly_calls.groupby("team")["offered"].mean()
    for team, cv in zip(model.teams, own, strict=True):
        assert centre**2 + cv**2 + (shared_day**2 + own_day**2) / 5 <= weekly[team] * 1.2


def test_a_scenarios_reason_comes_with_its_code():
    from models.forecast import SCENARIO_REASONS, ScenarioResult
    from models.scenarios import StandIn

    s = StandIn("team-1", date(2025, 1, 6), date(2025, 1, 6))
    assert ScenarioResult(s, reason="the weeks lie outside the forecast", reason_code="outside").reason_code in (
        SCENARIO_REASONS
    )
    with pytest.raises(ValueError, match="needs one of"):
        ScenarioResult(s, reason="the weeks lie outside the forecast")
    with pytest.raises(ValueError, match="needs one of"):
        ScenarioResult(s, reason="why", reason_code="because")
    assert ScenarioResult(s).reason_code is None
