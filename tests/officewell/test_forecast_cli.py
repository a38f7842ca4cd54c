"""`officewell forecast` on real stores: a generated year imported by the importers, readings in the SQLite store."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from officewell.cli import app

runner = CliRunner()
CONTRACT_WEEK = {"week", "team", "expected_answer_rate", "p10", "p90", "p_below_target", "drivers"}


@pytest.fixture
def env(monkeypatch, centre_env):
    monkeypatch.setenv("OFFICEWELL_FORECAST_DRAWS", "300")
    return centre_env


def test_forecast_json_follows_the_contract_and_uses_the_environment(env):
    result = runner.invoke(app, ["forecast", "--json", "--weeks", "3", "--scenario", "stand-in:team-3:2026-W02"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert {"generated_at", "target_answer_rate", "weeks"} <= set(body)
    assert body["as_of"] == "2025-12-28"  # the last complete week of the imported calls
    assert [w["week"] for w in body["weeks"]][:1] == ["2026-W01"]
    assert len(body["weeks"]) == 3 * 13
    assert all(set(w) >= CONTRACT_WEEK for w in body["weeks"])
    assert {w["team"] for w in body["weeks"]} >= {"total", "team-1", "team-12"}
    # The readings are there and the planted CO₂ effect is found: the environment term is in.
    assert body["data"]["environment_used"] is True
    [scenario] = body["scenarios"]
    assert scenario["description"] == "a stand-in in group team-3 in 2026-W02"
    assert scenario["reason"] is None
    assert all(w["week"] == "2026-W02" for w in scenario["weeks"])


def test_forecast_prints_a_readable_table(env):
    result = runner.invoke(app, ["forecast", "--weeks", "2", "--as-of", "2025-10-05", "--no-environment"])
    assert result.exit_code == 0, result.output
    assert "officewell forecast 2025-W41 – 2025-W42" in result.stdout
    assert "centre" in result.stdout
    assert "--no-environment" in result.stdout
    assert "P(below target)" in result.stdout


def test_bad_input_is_named(env):
    bad_date = runner.invoke(app, ["forecast", "--as-of", "5 October"])
    assert bad_date.exit_code == 2
    assert "YYYY-MM-DD" in bad_date.output
    bad_scenario = runner.invoke(app, ["forecast", "--json", "--scenario", "hire:team-1"])
    assert bad_scenario.exit_code == 2
    assert "is not a scenario" in json.loads(bad_scenario.stdout)["error"]
    too_far = runner.invoke(app, ["forecast", "--weeks", "40"])
    assert too_far.exit_code == 2


def test_a_backtest_without_a_year_of_history_says_so(env):
    result = runner.invoke(app, ["forecast", "--backtest", "--json", "--no-environment", "--origins", "2"])
    assert result.exit_code == 1
    assert "a year of call history before its first origin" in json.loads(result.stdout)["error"]
