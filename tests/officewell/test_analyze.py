"""`officewell analyze` on real stores: a generated year imported by the importers, readings in the SQLite store."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import pytest
from typer.testing import CliRunner

from models.analysis import Period
from officewell.cli import app
from officewell.runners.analyze import AnalysisError, load_catalogue, load_evidence, run_analysis
from tests.support.centre import with_a_done_action

runner = CliRunner()
CONTRACT_ASSOCIATION = {
    "quantity", "outcome", "lag_weeks", "unit_change", "rate_ratio", "ci_low", "ci_high", "p_adjusted", "n",
    "prior", "combined",
}  # fmt: skip
CONTRACT_ACTION = {
    "rank", "zone", "quantity", "action", "expected_sick_days_avoided_per_year", "expected_answer_rate_gain_pp",
    "cost_sek", "confidence",
}  # fmt: skip


@pytest.fixture(scope="module")
def analysis(example_site, centre_stores):
    period = Period(centre_stores.start, centre_stores.end)
    return run_analysis(
        example_site, centre_stores.store, centre_stores.records, load_evidence(), period, catalogue=load_catalogue()
    )


@pytest.fixture
def env(centre_env):
    return centre_env


def test_the_data_behind_the_analysis_is_the_imported_data(analysis, centre_stores):
    calls = centre_stores.centre.calls
    local = calls["interval_start"].dt.tz_convert("Europe/Stockholm")
    inside = calls[(local >= str(centre_stores.start)) & (local < str(centre_stores.end + timedelta(days=1)))]
    assert analysis.data["offered_calls"] == int(inside["offered"].sum())
    assert analysis.data["teams"] == 12
    weeks = (centre_stores.end - centre_stores.start).days // 7 + 1
    assert analysis.data["team_weeks"] == 12 * weeks
    # The readings cover each working day's hours: every occupied hour of every zone with a team has data.
    co2 = analysis.exposure[analysis.exposure["quantity"] == "co2_ppm"]
    assert set(co2["zone"]) == {f"z{i}" for i in range(1, 13)}
    assert (co2["completeness"] > 0.99).all()
    assert (co2["status"] == "ok").all()
    assert analysis.notes == ()


def test_every_quantity_lag_and_outcome_is_tested_with_its_prior(analysis):
    keys = {(a.quantity, a.lag_weeks, a.outcome) for a in analysis.associations}
    quantities = {"co2_ppm", "temperature_c", "humidity_pct", "sound_dba", "illuminance_lux", "pm25_ugm3"}
    outcomes = {"short_term_sick_spells", "short_term_sick_days", "answer_rate"}
    assert keys == {(q, lag, o) for q in quantities for lag in (0, 1, 2) for o in outcomes}
    # No PM2.5 sensor in the readings: tested, but without an estimate, and the reason says why.
    pm25 = [a for a in analysis.associations if a.quantity == "pm25_ugm3"]
    assert all(a.fit.estimate is None and a.fit.reason for a in pm25)
    key = ("co2_ppm", "short_term_sick_spells", 0)
    co2 = next(a for a in analysis.associations if (a.quantity, a.outcome, a.lag_weeks) == key)
    # Weeks in which no team had a spell carry no information beside the week effects: n counts the others.
    assert co2.fit.estimate is not None
    assert 0 < co2.fit.n <= 12 * 51
    assert co2.fit.teams == 12
    assert co2.fit.events > 30
    low, high = co2.fit.estimate.ci_low, co2.fit.estimate.ci_high
    assert 0 < low < co2.fit.estimate.ratio < high  # whether it covers the planted 1.217: tests/models/test_analysis.py
    assert co2.combined is not None
    assert co2.evidence.prior is not None
    # The combined interval lies within the wider of the two it combines.
    assert co2.combined.estimate.ci_high - co2.combined.estimate.ci_low < high - low


def test_nothing_but_the_planted_effect_is_significant(analysis):
    significant = [a for a in analysis.associations if a.p_adjusted is not None and a.p_adjusted < 0.05]
    assert all(a.quantity == "co2_ppm" and a.outcome != "answer_rate" for a in significant), [
        (a.quantity, a.outcome, a.lag_weeks) for a in significant
    ]


def test_actions_ranked_on_own_and_on_centre_rates(analysis):
    own, centre = analysis.actions, analysis.actions_centre_rate
    assert list(own["rank"]) == list(range(1, len(own) + 1))
    assert len(own) == len(centre) > 0
    assert set(own["zone"]) >= {f"z{i}" for i in range(1, 13)}
    # The same action in the same zone avoids as many days per sick day of the baseline rate: a team's own
    # rate and the centre's differ, so at least some of their figures differ.
    merged = own.merge(centre, on=["zone", "action"], suffixes=("_own", "_centre"))
    days = merged[["expected_sick_days_avoided_per_year_own", "expected_sick_days_avoided_per_year_centre"]]
    assert not days.dropna().empty
    assert (days.iloc[:, 0] != days.iloc[:, 1]).any()


def test_analyze_json_follows_the_contract(env):
    result = runner.invoke(app, ["analyze", "--since", "2025-01-06", "--until", "2025-12-28", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["period"] == {"start": "2025-01-06", "end": "2025-12-28"}
    assert len(body["associations"]) == 54
    for association in body["associations"]:
        assert set(association) >= CONTRACT_ASSOCIATION
    co2 = body["associations"][0]
    assert co2["quantity"] == "co2_ppm"  # best supported first: the planted effect, backed by research
    assert {"rate_ratio", "ci_low", "ci_high", "source"} <= set(co2["prior"])
    assert body["actions"]
    assert all(set(a) >= CONTRACT_ACTION for a in body["actions"])
    assert body["actions"][0]["rank"] == 1
    assert {row["zone"] for row in body["exposure"]} == {f"z{i}" for i in range(1, 13)}
    assert body["data"]["teams"] == 12


def test_analyze_prints_a_table_people_can_read(env):
    result = runner.invoke(app, ["analyze", "--since", "2025-01-06", "--until", "2025-12-28"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "2025-01-06 – 2025-12-28" in result.output
    assert "co2_ppm" in result.output
    assert "12 answer groups" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 120


def test_analyze_refuses_a_period_backwards(env):
    result = runner.invoke(app, ["analyze", "--since", "2025-06-02", "--until", "2025-03-02", "--json"])
    assert result.exit_code == 2
    assert "after" in json.loads(result.stdout)["error"]


def test_analyze_refuses_more_than_five_years(env):
    """The CLI has the API's bound: an analysis reads and fits at most five years."""
    result = runner.invoke(app, ["analyze", "--since", "2015-01-05", "--until", "2025-03-02", "--json"])
    assert result.exit_code == 2
    assert "an analysis covers at most five years" in json.loads(result.stdout)["error"]


def test_analyze_before_the_records_begin_names_what_is_missing(env):
    result = runner.invoke(app, ["analyze", "--since", "2008-01-07", "--until", "2008-06-29", "--json"])
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert "the records begin in the week of 2025-01-06" in error
    assert "staff.csv" in error


def test_a_broken_evidence_file_is_named(tmp_path):
    broken = tmp_path / "evidence.toml"
    broken.write_text("[co2_ppm\n")
    with pytest.raises(AnalysisError, match=r"evidence\.toml"):
        load_evidence(broken)


def test_without_readings_the_analysis_says_so(example_site, centre_stores):
    from gateway.stores import MemoryReadingStore

    period = Period(date(2025, 3, 3), date(2025, 6, 29))
    found = run_analysis(example_site, MemoryReadingStore(), centre_stores.records, load_evidence(), period)
    assert any("no sensor data" in note for note in found.notes)
    assert all(a.fit.estimate is None and a.fit.reason for a in found.associations)
    assert found.actions.empty


def test_exposure_summary_is_per_zone_and_quantity(analysis):
    summary = pd.DataFrame(analysis.exposure_summary())
    assert len(summary) == 12 * 6  # PM2.5 too: no weeks with data
    assert (summary[summary["quantity"] == "pm25_ugm3"]["weeks_with_data"] == 0).all()
    co2 = summary[summary["quantity"] == "co2_ppm"].set_index("zone")
    weekly = analysis.exposure[analysis.exposure["quantity"] == "co2_ppm"].groupby("zone")["mean"].mean()
    assert co2["mean"].round(0).to_dict() == weekly.round(0).to_dict()
    assert (co2["weeks_with_data"] == co2["weeks"]).all()


@pytest.fixture(scope="module")
def records_with_a_done_action(centre_stores, tmp_path_factory):
    records = with_a_done_action(centre_stores, tmp_path_factory.mktemp("board"))
    yield records
    records.close()


def test_a_done_board_item_is_followed_up(example_site, centre_stores, records_with_a_done_action):
    period = Period(centre_stores.start, centre_stores.end)
    found = run_analysis(example_site, centre_stores.store, records_with_a_done_action, load_evidence(), period,
                         catalogue=load_catalogue())  # fmt: skip
    (item,) = found.follow_ups  # the proposed item is not followed up
    assert (item.title, item.action, item.follow_up.zone) == (
        "Rebalance ventilation in z3",
        "ventilation_rebalancing",
        "z3",
    )
    outcomes = [(c.outcome, c.quantity) for c in item.follow_up.comparisons]
    # The action's quantity from the catalogue, then the team's sick leave and answer rate.
    assert outcomes == [("exposure", "co2_ppm"), ("short_term_sick_spells", None), ("answer_rate", None)]
    co2 = item.follow_up.comparison("exposure", "co2_ppm")
    assert co2.status == "estimated"
    assert co2.verdict != "fell"  # nothing was planted in z3's readings: no drop may be claimed
    sick = item.follow_up.comparison("short_term_sick_spells")
    assert sick.group_size == 1  # team-3 has three people, one only in some summer weeks compared: the fewest counts
    # Readers who may not see a small group's sick leave get it withheld, with the reason.
    withheld = item.to_dict(small_groups=False)
    spells = next(c for c in withheld["comparisons"] if c["outcome"] == "short_term_sick_spells")
    assert spells["status"] == "withheld"
    assert spells["estimate"] is None
    assert spells["events_before"] is None
    assert "HR only" in spells["statement"]
    assert "shown to HR only" in withheld["statement"]
    assert found.to_dict()["follow_ups"][0]["item_id"] == item.item_id


def test_a_failed_window_read_stops_the_others_before_it_is_raised(example_site):
    """Reads run two at a time: when one fails, none may still run once the caller has closed the store."""
    import threading
    import time

    from gateway.errors import StoreUnavailableError
    from gateway.stores import MemoryReadingStore

    running: list[str] = []
    lock = threading.Lock()

    class FailingStore(MemoryReadingStore):
        def windows(self, site, quantity, start, stop, window, zones=None):  # type: ignore[no-untyped-def]
            with lock:
                running.append(quantity)
            try:
                if quantity == "co2_ppm":
                    raise StoreUnavailableError("the server went away")
                time.sleep(0.3)
                return super().windows(site, quantity, start, stop, window, zones)
            finally:
                with lock:
                    running.remove(quantity)

    with pytest.raises(StoreUnavailableError, match="went away"):
        run_analysis(example_site, FailingStore(), None, load_evidence(), Period(date(2025, 1, 6), date(2025, 3, 30)))  # type: ignore[arg-type]
    assert running == []  # nothing left reading
