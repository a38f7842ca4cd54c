"""models.report on the generated year: each section's figures are the other models' own, and privacy holds."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import pytest

from models.absence_views import absence_view, data_window
from models.errors import ModelInputError
from models.goals import TOTAL, tertial_report
from models.report import MESSAGES, SECTIONS, Message, report_window
from tests.support.report import PERIOD, TODAY


def test_the_window_of_a_tertial_and_its_mistakes():
    window = report_window("2025-T3", TODAY, date(2025, 12, 28))
    assert (window.first, window.last, window.data_until) == (date(2025, 9, 1), date(2025, 12, 31), date(2025, 12, 31))
    assert window.analysis_until == date(2025, 12, 28)  # the last complete week of calls: the forecast's as-of
    assert not window.in_progress
    running = report_window("2026-T3", date(2026, 12, 2))  # a Wednesday: the week is not over
    assert running.in_progress
    assert running.data_until == date(2026, 12, 1)
    assert running.analysis_until == date(2026, 11, 29)
    for bad in ("2025-T4", "2025T3", "T3-2025", "", "1999-T1"):
        with pytest.raises(ModelInputError):
            report_window(bad, TODAY)
    with pytest.raises(ModelInputError, match="has not begun"):
        report_window("2026-T2", TODAY)


def test_every_section_is_there_in_order_and_complete(built_report):
    assert [s.key for s in built_report.sections] == list(SECTIONS)
    assert built_report.period == PERIOD
    assert all(s.available for s in built_report.sections)
    assert built_report.section("goals").completeness == 1.0
    assert built_report.section("environment").completeness == pytest.approx(1.0, abs=0.01)
    json.dumps(built_report.to_dict())  # JSON-ready throughout


def test_goal_figures_are_the_goal_models_own(built_report, report_stores, example_site):
    tz = example_site.site.tz
    calls = report_stores.records.calls_frame(
        datetime.combine(date(2025, 1, 1), time(), tz), datetime.combine(date(2026, 1, 1), time(), tz)
    )
    expected = tertial_report(calls, report_stores.records.nki_frame(), 2025, tz=example_site.site.timezone)
    centre = expected.centre[expected.centre["tertial"] == PERIOD].iloc[0]
    figures = built_report.section("goals").figures
    assert figures["centre"]["answer_rate"] == pytest.approx(centre["answer_rate"], abs=1e-4)
    assert figures["centre"]["offered"] == centre["offered"]
    assert (figures["centre"]["weeks"], figures["centre"]["weeks_met"]) == (centre["weeks"], centre["weeks_met"])
    assert [t["tertial"] for t in figures["tertials"]] == ["2025-T1", "2025-T2", "2025-T3"]
    teams = expected.teams[expected.teams["tertial"] == PERIOD]
    assert [t["team"] for t in figures["teams"]] == list(teams["team"])
    assert [t["weeks_met"] for t in figures["teams"]] == list(teams["weeks_met"])
    assert len(figures["weeks"]) == centre["weeks"] == 17
    nki = {(n["tertial"], n["dimension"]): n for n in figures["nki"]}
    assert {d for _, d in nki} == {"treatment", "knowledge"}
    assert nki[(PERIOD, "treatment")]["target"] == 4.3
    assert nki[(PERIOD, "knowledge")]["target"] == 4.0


def test_environment_is_the_share_of_occupied_hours_per_band(built_report):
    figures = built_report.section("environment").figures
    assert figures["quantities"] == ["co2_ppm", "temperature_c", "humidity_pct", "sound_dba", "illuminance_lux"]
    assert len(figures["rows"]) == 12 * 5
    for row in figures["rows"]:
        assert row["share_good"] + row["share_acceptable"] + row["share_act"] == pytest.approx(1.0, abs=1e-3)
    co2 = {r["zone"]: r for r in figures["rows"] if r["quantity"] == "co2_ppm"}
    # z3 is the under-ventilated zone of the example site: the only one out of band for CO₂.
    assert [r["zone"] for r in figures["out"] if r["quantity"] == "co2_ppm"] == ["z3"]
    assert co2["z3"]["share_act"] > 0.05 > max(r["share_act"] for z, r in co2.items() if z != "z3")
    notes = built_report.section("environment").notes
    assert Message("note.not_measured", {"quantities_keys": ["quantity.pm25_ugm3"]}) in notes


def test_absence_is_the_centres_restricted_view_only(built_report, report_stores):
    section = built_report.section("absence")
    figures = section.figures
    assert (figures["scope"], figures["view"]) == ("centre", "restricted")
    assert set(figures) == {"scope", "view", "months", "total"}
    staff_days, absence_days = data_window("month", date(2025, 9, 1), date(2025, 12, 31), "restricted")
    records = report_stores.records
    view = absence_view(
        records.absences_frame(*absence_days),
        records.staff_frame(*staff_days),
        "month",
        date(2025, 9, 1),
        date(2025, 12, 31),
        "restricted",
    )
    assert view.teams["suppressed"].all()  # groups of three: every group hidden, as the report never shows one
    assert [m["month"] for m in figures["months"]] == ["2025-09-01", "2025-10-01", "2025-11-01", "2025-12-01"]
    assert [m["spells"] for m in figures["months"]] == list(view.centre["spells"])
    assert figures["total"]["spells"] == int(view.centre["spells"].sum())
    assert figures["total"]["sick_days"] == pytest.approx(float(view.centre["sick_days"].sum()))
    assert Message("note.absence_privacy") in section.notes


def test_no_group_figure_of_absence_is_anywhere_in_the_report(built_report, report_stores):
    """HR's full view per team and month: none of its rows (spells, sick days) is in the report's figures."""
    records = report_stores.records
    staff_days, absence_days = data_window("month", date(2025, 9, 1), date(2025, 12, 31), "full")
    full = absence_view(
        records.absences_frame(*absence_days),
        records.staff_frame(*staff_days),
        "month",
        date(2025, 9, 1),
        date(2025, 12, 31),
        "full",
    )
    text = json.dumps(built_report.to_dict())
    assert '"sick_days"' in text  # the centre's are there
    centre = {(round(r.spells), round(r.sick_days, 4)) for r in full.centre.itertuples()}
    shown = [
        (m["spells"], m["sick_days"]) for m in built_report.section("absence").figures["months"]
    ]  # every (spells, sick days) pair the report carries is the centre's
    assert set(shown) <= centre
    teams = full.teams[full.teams["sick_days"] > 0]
    assert len(teams) > 5  # there is something to leak
    team_pairs = {(round(r.spells), round(r.sick_days, 4)) for r in teams.itertuples()}
    assert not (set(shown) & (team_pairs - centre))
    # The board's follow-up withholds the group's sick leave; the forecast carries no agents per group.
    effect = next(i["effect"] for i in built_report.section("board").figures["items"] if i["effect"])
    sick = next(c for c in effect["comparisons"] if c["outcome"] == "short_term_sick_spells")
    assert (sick["status"], sick["estimate"], sick["treated_before"]) == ("withheld", None, None)
    assert "agents_expected" not in text
    assert 'drivers": [' not in text


def test_the_risk_ahead_is_the_forecasts(built_report, report_forecast):
    figures = built_report.section("risk").figures
    assert figures["as_of"] == "2025-12-28"
    assert figures["draws"] == 300
    assert len(figures["weeks"]) == 12
    assert figures["weeks"][0] == "2025-12-29"
    assert [r["team"] for r in figures["rows"]][:2] == [TOTAL, "team-1"]
    assert len(figures["rows"]) == 13
    forecast = next(iter(report_forecast.kept.values()))
    centre = [r for r in forecast.rows if r.team == TOTAL]
    assert [c["p_below_target"] for c in figures["rows"][0]["cells"]] == [round(r.p_below_target, 3) for r in centre]


def test_the_board_lists_the_tertials_items_and_the_effect_of_the_done_one(built_report):
    figures = built_report.section("board").figures
    titles = [i["title"] for i in figures["items"]]
    assert titles == ["Rebalance ventilation in z3", "Absorbers in z5", "Task lights in z9"]  # not May's rejection
    done = figures["items"][0]
    assert done["done_in_period"]
    assert done["done_on"] == "2025-09-15"
    assert done["action_name"] == {"en": "Ventilation rebalancing", "sv": "Injustering av ventilationen"}
    assert {c["outcome"] for c in done["effect"]["comparisons"]} == {
        "exposure",
        "short_term_sick_spells",
        "answer_rate",
    }
    assert figures["items"][1]["effect"] is None
    assert figures["counts"] == {"proposed": 1, "in_progress": 1, "done": 1, "rejected": 0}


def test_feedback_per_department_with_failure_demand(built_report):
    figures = built_report.section("feedback").figures
    assert figures["count"] > 300  # about 24 cases a week
    assert len(figures["departments"]) == 7
    assert sum(d["count"] for d in figures["departments"]) == figures["centre"]["count"] == figures["count"]
    assert 0.15 < figures["centre"]["failure_demand_share"] < 0.45  # about 30 % planted
    assert figures["centre"]["ci_low"] < figures["centre"]["failure_demand_share"] < figures["centre"]["ci_high"]
    assert built_report.section("feedback").completeness == pytest.approx(118 / 122)


def test_improvement_areas_come_from_the_figures(built_report):
    keys = [m.key for m in built_report.section("improvements").statements]
    assert "improve.groups_below" in keys
    assert "improve.zones_out" in keys
    assert "improve.action" in keys
    zones = next(
        m for m in built_report.section("improvements").statements
        if m.key == "improve.zones_out" and m.params["quantity_key"] == "quantity.co2_ppm"
    )  # fmt: skip
    assert zones.params["zones_items"][0]["zone"] == "z3"
    groups = next(m for m in built_report.section("improvements").statements if m.key == "improve.groups_below")
    below = [t for t in built_report.section("goals").figures["teams"] if t["met"] is False]
    assert groups.params["count_int"] == len(below)
    assert all(key in MESSAGES for key in keys)


def test_an_unknown_message_is_refused():
    with pytest.raises(ValueError, match="unknown report message"):
        Message("note.nothing_like_it")


def test_a_tertial_without_data_says_so_in_each_section(example_site, report_stores, report_analyse, report_forecast):
    from models.targets import GoalTargets
    from officewell.runners.report import run_report
    from tests.report.conftest import NOW

    empty = run_report(
        example_site, report_stores.records, GoalTargets(), "2024-T3", TODAY,
        analyse=report_analyse, forecast=report_forecast, now=NOW,
    )  # fmt: skip
    notes = {s.key: [n.key for n in s.notes] for s in empty.sections}
    assert notes["goals"] == ["note.no_calls", "note.no_nki"]
    assert notes["environment"] == ["note.analysis_failed"]
    assert notes["risk"] == ["note.forecast_failed"]
    assert "note.no_feedback" in notes["feedback"]
    assert notes["board"] == ["note.board_empty"]  # every item came after the tertial
    assert not empty.section("environment").available
    assert not empty.section("risk").available
    assert [m.key for m in empty.section("improvements").statements] == ["improve.no_data"]
    assert empty.section("goals").completeness == 0.0
