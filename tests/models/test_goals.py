"""Goal follow-up: weekly answer rate per ISO week and team, NKI against targets, the tertial report."""

from __future__ import annotations

import json
import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from api.frames import rows_of
from api.schemas import TertialNkiPublic, TertialRatePublic, TertialTeamRatePublic, TertialWeekPublic
from models.errors import ModelInputError
from models.goals import (
    TertialReport,
    daily_calls,
    iso_week,
    nki_follow_up,
    tertial,
    tertial_bounds,
    tertial_report,
    weekly_answer_rate,
)
from sensors.site import Site
from synthetic.centre import Centre, GeneratorConfig, generate_centre


def calls(*rows: tuple[str, str, float, float]) -> pd.DataFrame:
    """Rows (interval_start in UTC, team, offered, answered) as the records store returns them."""
    frame = pd.DataFrame(list(rows), columns=["interval_start", "team", "offered", "answered"])
    frame["interval_start"] = pd.to_datetime(frame["interval_start"], utc=True)
    frame["abandoned"] = np.nan
    return frame


def nki(*rows: tuple[str, str, object, str, float, int]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=["period_start", "period_end", "team", "dimension", "score", "responses"])
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame


def report_json(report: TertialReport) -> str:
    """The report's rows as the API serialises them (api/frames.py into api/schemas.py), as JSON text."""
    shapes = {
        "centre": TertialRatePublic,
        "teams": TertialTeamRatePublic,
        "weeks": TertialWeekPublic,
        "nki": TertialNkiPublic,
    }
    rows = {name: rows_of(model, getattr(report, name)) for name, model in shapes.items()}
    return json.dumps({name: [row.model_dump(mode="json") for row in found] for name, found in rows.items()})


# ----- weeks and tertials --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2026, 12, 31), "2026-W53"),  # 2026 starts on a Thursday: it has 53 ISO weeks
        (date(2027, 1, 3), "2026-W53"),
        (date(2027, 1, 4), "2027-W01"),
        (date(2025, 12, 29), "2026-W01"),
        (date(2026, 1, 1), "2026-W01"),
        (date(2026, 1, 12), "2026-W03"),
    ],
)
def test_iso_week_labels_around_new_year(day: date, label: str) -> None:
    assert iso_week(day) == label


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2026, 1, 1), "2026-T1"),
        (date(2026, 4, 30), "2026-T1"),
        (date(2026, 5, 1), "2026-T2"),
        (date(2026, 8, 31), "2026-T2"),
        (date(2026, 9, 1), "2026-T3"),
        (date(2026, 12, 31), "2026-T3"),
    ],
)
def test_tertial_boundaries(day: date, label: str) -> None:
    assert tertial(day) == label


def test_tertial_bounds() -> None:
    assert tertial_bounds("2026-T1") == (date(2026, 1, 1), date(2026, 4, 30))
    assert tertial_bounds("2028-T2") == (date(2028, 5, 1), date(2028, 8, 31))
    assert tertial_bounds("2026-T3") == (date(2026, 9, 1), date(2026, 12, 31))
    with pytest.raises(ModelInputError, match="tertial"):
        tertial_bounds("2026-T4")


# ----- weekly answer rate --------------------------------------------------------------------


def test_weeks_are_iso_weeks_in_local_time_across_new_year() -> None:
    weekly = weekly_answer_rate(
        calls(
            ("2026-12-31T07:00Z", "team-1", 10, 9),  # Thursday 08:00 CET
            ("2027-01-03T22:30Z", "team-1", 10, 10),  # Sunday 23:30 CET: still 2026-W53
            ("2027-01-03T23:30Z", "team-1", 10, 10),  # Monday 00:30 CET: 2027-W01, though Sunday in UTC
        )
    )
    team = weekly[weekly["team"] == "team-1"].set_index("week")
    assert team.index.tolist() == ["2026-W53", "2027-W01"]
    assert team.loc["2026-W53", "offered"] == 20
    assert team.loc["2026-W53", "week_start"] == pd.Timestamp("2026-12-28")
    assert team.loc["2027-W01", "offered"] == 10


def test_the_daylight_saving_week() -> None:
    # Summer time starts on Sunday 29 March 2026: 08:00 local is 07:00Z before and 06:00Z after.
    weekly = weekly_answer_rate(
        calls(
            ("2026-03-27T07:00Z", "team-1", 20, 19),  # Friday 08:00 CET, 2026-W13
            ("2026-03-29T21:45Z", "team-1", 4, 4),  # Sunday 23:45 CEST, 2026-W13
            ("2026-03-29T22:00Z", "team-1", 5, 5),  # Monday 00:00 CEST, 2026-W14 (UTC still says Sunday)
            ("2026-03-30T06:00Z", "team-1", 20, 20),  # Monday 08:00 CEST
        )
    )
    team = weekly[weekly["team"] == "team-1"].set_index("week")
    assert team["offered"].to_dict() == {"2026-W13": 24, "2026-W14": 25}
    assert team.loc["2026-W13", "answer_rate"] == pytest.approx(23 / 24)


def test_rates_met_gap_and_the_total() -> None:
    weekly = weekly_answer_rate(
        calls(
            ("2026-01-12T08:00Z", "team-1", 20, 19),  # exactly 95 %: met
            ("2026-01-12T08:00Z", "team-2", 10, 8),
            ("2026-01-12T08:00Z", "team-10", 0, 0),  # nothing offered: no rate
            ("2026-01-12T08:15Z", "team-2", np.nan, np.nan),  # a missing row counts as nothing
        )
    )
    assert weekly["team"].tolist() == ["team-1", "team-2", "team-10", "total"]  # natural order, total last
    rows = weekly.set_index("team")
    assert rows.loc["team-1", "answer_rate"] == 0.95
    assert bool(rows.loc["team-1", "met"])
    assert rows.loc["team-1", "gap_pp"] == pytest.approx(0.0)
    assert rows.loc["team-2", "gap_pp"] == pytest.approx(-15.0)
    assert not bool(rows.loc["team-2", "met"])
    assert math.isnan(rows.loc["team-10", "answer_rate"])
    assert rows.loc["team-10", "met"] is pd.NA
    assert math.isnan(rows.loc["team-10", "gap_pp"])
    assert rows.loc["total", "offered"] == 30
    assert rows.loc["total", "answer_rate"] == pytest.approx(27 / 30)
    assert (weekly["week"] == "2026-W03").all()


def test_naive_times_are_site_time_and_total_is_not_a_team_name() -> None:
    naive = calls(("2026-01-12T08:00Z", "team-1", 1, 1)).assign(interval_start=pd.to_datetime(["2026-01-12T08:00"]))
    assert weekly_answer_rate(naive)["week"].tolist() == ["2026-W03", "2026-W03"]
    with pytest.raises(ModelInputError, match="total"):
        weekly_answer_rate(calls(("2026-01-12T08:00Z", "total", 1, 1)))
    with pytest.raises(ModelInputError, match="lack"):
        weekly_answer_rate(calls(("2026-01-12T08:00Z", "team-1", 1, 1)).drop(columns="answered"))


# ----- NKI -----------------------------------------------------------------------------------


def test_nki_follow_up_against_targets() -> None:
    frame = nki(
        ("2026-01-01", "2026-01-31", "team-1", "treatment", 4.3, 20),  # exactly on target: met
        ("2026-01-01", "2026-01-31", "team-2", "treatment", 4.0, 30),
        ("2026-01-01", "2026-01-31", None, "treatment", 4.2, 50),  # the file's own centre row
        ("2026-01-01", "2026-01-31", "team-1", "knowledge", 3.9, 20),
        ("2026-01-01", "2026-01-31", "team-1", "knowledge", 4.2, 10),  # a repeated row: weighted
        ("2026-01-01", "2026-01-31", "team-1", "overall", 4.1, 20),
        ("2026-02-01", "2026-02-28", "team-1", "treatment", 4.5, 10),
        ("2026-02-01", "2026-02-28", "team-2", "treatment", 4.2, 30),  # no centre row: from the teams
        ("2026-02-01", "2026-02-28", np.nan, "knowledge", 4.1, 40),
        ("2026-02-01", "2026-02-28", "", "overall", 4.0, 40),
    )
    out = nki_follow_up(frame).set_index(["period_start", "team", "dimension"])
    jan, feb = pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")
    assert bool(out.loc[(jan, "team-1", "treatment"), "met"])
    assert out.loc[(jan, "total", "treatment"), "score"] == 4.2  # kept, not recomputed
    assert out.loc[(jan, "team-1", "knowledge"), "score"] == pytest.approx((3.9 * 20 + 4.2 * 10) / 30)
    assert out.loc[(jan, "team-1", "knowledge"), "responses"] == 30
    assert out.loc[(jan, "team-1", "overall"), "met"] is pd.NA
    assert math.isnan(out.loc[(jan, "team-1", "overall"), "target"])
    assert out.loc[(feb, "total", "treatment"), "score"] == pytest.approx((4.5 * 10 + 4.2 * 30) / 40)
    assert out.loc[(feb, "total", "knowledge"), "target"] == 4.0
    assert out.loc[(feb, "total", "overall"), "responses"] == 40  # "" is the centre as well
    assert out.loc[(jan, "team-2", "treatment"), "gap"] == pytest.approx(-0.3)
    custom = nki_follow_up(frame, targets={"overall": 4.05}).set_index(["period_start", "team", "dimension"])
    assert bool(custom.loc[(jan, "team-1", "overall"), "met"])
    assert custom.loc[(jan, "team-1", "treatment"), "met"] is pd.NA


# ----- the tertial report --------------------------------------------------------------------


def test_tertial_report_by_hand() -> None:
    frame = calls(
        ("2026-04-27T07:00Z", "team-1", 100, 90),  # Monday of 2026-W18, in T1
        ("2026-04-30T07:00Z", "team-1", 100, 100),  # Thursday 30 April: T1
        ("2026-05-01T07:00Z", "team-2", 100, 100),  # Friday 1 May: T2 by its day, the week is T1
        ("2026-05-04T07:00Z", "team-1", 100, 99),  # 2026-W19: T2
        ("2026-09-01T07:00Z", "team-1", 0, 0),
    )
    survey = nki(
        ("2026-04-01", "2026-04-30", None, "treatment", 4.2, 100),
        ("2026-03-01", "2026-03-31", None, "treatment", 4.5, 300),
        ("2026-05-01", "2026-05-31", "team-1", "knowledge", 3.8, 10),
        ("2026-05-01", "2026-05-31", "team-2", "knowledge", 4.2, 30),
    )
    report = tertial_report(frame, survey, 2026)
    centre = report.centre.set_index("tertial")
    assert centre.loc["2026-T1", "offered"] == 200
    assert centre.loc["2026-T1", "answer_rate"] == pytest.approx(0.95)
    assert bool(centre.loc["2026-T1", "met"])
    assert centre.loc["2026-T2", "offered"] == 200
    assert centre.loc["2026-T2", "answer_rate"] == pytest.approx(199 / 200)
    assert math.isnan(centre.loc["2026-T3", "answer_rate"])
    assert centre.loc["2026-T3", "met"] is pd.NA
    # Weeks by their Thursday: W18 (96.7 %) in T1, W19 in T2; W36 has calls but none offered.
    assert (centre.loc["2026-T1", "weeks"], centre.loc["2026-T1", "weeks_met"]) == (1, 1)
    assert (centre.loc["2026-T2", "weeks"], centre.loc["2026-T2", "weeks_met"]) == (1, 1)
    assert centre.loc["2026-T3", "weeks"] == 0
    assert centre.loc["2026-T1", "start"] == pd.Timestamp("2026-01-01")
    assert report.weeks.set_index(["week", "team"]).loc[("2026-W18", "total"), "tertial"] == "2026-T1"
    teams = report.teams.set_index(["tertial", "team"])
    assert teams.loc[("2026-T1", "team-1"), "answer_rate"] == pytest.approx(0.95)
    assert teams.loc[("2026-T2", "team-2"), "offered"] == 100
    assert teams.loc[("2026-T1", "team-1"), "weeks_met_share"] == 1.0  # W18 for team-1: 190/200 = 95 %
    # team-2's only call is on 1 May (T2), but its week W18 is a T1 week: it is counted there.
    assert teams.loc[("2026-T1", "team-2"), ["offered", "weeks", "weeks_met"]].tolist() == [0, 1, 1]
    assert math.isnan(teams.loc[("2026-T1", "team-2"), "answer_rate"])
    assert "total" not in set(report.teams["team"])
    nki_rows = report.nki.set_index(["tertial", "team", "dimension"])
    assert nki_rows.loc[("2026-T1", "total", "treatment"), "score"] == pytest.approx((4.2 * 100 + 4.5 * 300) / 400)
    assert bool(nki_rows.loc[("2026-T1", "total", "treatment"), "met"])
    assert nki_rows.loc[("2026-T2", "total", "knowledge"), "score"] == pytest.approx((3.8 * 10 + 4.2 * 30) / 40)
    assert not bool(nki_rows.loc[("2026-T2", "team-1", "knowledge"), "met"])
    assert report.notes == ("no calls offered in 2026-T3",)
    text = report_json(report)
    assert '"2026-T1"' in text
    assert "NaN" not in text


def test_a_year_without_calls_or_surveys_is_an_empty_report() -> None:
    # Issue 9, item 2: the Goals page asks for the current year first, which may have no calls yet.
    no_calls = calls(("2026-03-02T07:00Z", "team-1", 100, 96)).iloc[0:0]
    no_survey = nki(("2026-03-01", "2026-03-31", None, "treatment", 4.4, 10)).iloc[0:0]
    report = tertial_report(no_calls, no_survey, 2027)
    assert report.centre["tertial"].tolist() == ["2027-T1", "2027-T2", "2027-T3"]
    assert report.centre[["offered", "answered", "weeks", "weeks_met"]].to_numpy().tolist() == [[0, 0, 0, 0]] * 3
    assert report.centre["met"].isna().all()
    assert report.teams.empty
    assert report.weeks.empty
    assert report.nki.empty
    assert report.notes == ("no calls offered in 2027-T1, 2027-T2, 2027-T3",)
    assert "NaN" not in report_json(report)
    # Calls of another year do not make this one less empty.
    other = tertial_report(calls(("2026-03-02T07:00Z", "team-1", 100, 96)), no_survey, 2027)
    assert other.centre["offered"].tolist() == [0, 0, 0]


# ----- a generated centre --------------------------------------------------------------------


@pytest.fixture(scope="module")
def centre(example_site: Site) -> Centre:
    return generate_centre(example_site, date(2025, 1, 1), date(2025, 12, 31), seed=2, config=GeneratorConfig().quick())


def test_the_centre_is_the_offered_weighted_mean_of_its_teams(centre: Centre) -> None:
    weekly = weekly_answer_rate(centre.calls)
    teams = weekly[weekly["team"] != "total"]
    total = weekly[weekly["team"] == "total"].set_index("week")
    weighted = teams.groupby("week").apply(
        lambda w: (w["answer_rate"] * w["offered"]).sum() / w["offered"].sum(), include_groups=False
    )
    np.testing.assert_allclose(total.loc[weighted.index, "answer_rate"], weighted)
    assert weekly["week"].nunique() == 53  # 2025-W01 … 2026-W01 (Monday 29 December 2025)
    assert set(teams["team"]) == {f"team-{i}" for i in range(1, 13)}
    assert total["answer_rate"].between(0.85, 1.0).all()


def test_tertial_report_on_the_generated_centre(centre: Centre) -> None:
    report = tertial_report(centre.calls, centre.nki, 2025)
    assert report.centre["tertial"].tolist() == ["2025-T1", "2025-T2", "2025-T3"]
    assert report.centre["weeks"].sum() == 52  # 2025 has 52 ISO weeks; 2026-W01 is not 2025's
    assert report.centre["offered"].sum() == centre.calls["offered"].sum()
    by_tertial = report.teams.groupby("tertial")["offered"].sum()
    assert (by_tertial == report.centre.set_index("tertial")["offered"]).all()
    assert report.centre["answer_rate"].between(0.9, 1.0).all()
    centre_nki = report.nki[report.nki["team"] == "total"].set_index(["tertial", "dimension"])
    assert set(centre_nki.index.get_level_values("dimension")) == {"treatment", "knowledge", "accessibility", "overall"}
    assert centre_nki["score"].between(3.5, 4.8).all()
    assert centre_nki.loc[("2025-T1", "treatment"), "responses"] > 500
    report_json(report)


def test_calls_per_day_give_the_same_figures_as_the_intervals(centre: Centre) -> None:
    # The API keeps the calls per local day and team (issue 9, item 12): every figure must stay the same.
    daily = daily_calls(centre.calls)
    assert len(daily) < len(centre.calls) / 10
    assert int(daily["offered"].sum()) == int(centre.calls["offered"].sum())
    pd.testing.assert_frame_equal(weekly_answer_rate(daily), weekly_answer_rate(centre.calls))
    by_days, by_intervals = tertial_report(daily, centre.nki, 2025), tertial_report(centre.calls, centre.nki, 2025)
    for part in ("centre", "teams", "weeks", "nki"):
        pd.testing.assert_frame_equal(getattr(by_days, part), getattr(by_intervals, part), check_dtype=False)
    # Across the change to summer time: 30 March 2025 has 23 hours, and its calls stay on that day.
    spring = calls(("2025-03-29T23:30Z", "team-1", 4, 4), ("2025-03-30T21:45Z", "team-1", 6, 5))  # 00:30, 23:45
    assert daily_calls(spring)["interval_start"].tolist() == [pd.Timestamp("2025-03-29T23:00Z")]
    assert daily_calls(spring)[["offered", "answered"]].to_numpy().tolist() == [[10, 9]]
