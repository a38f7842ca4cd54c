"""Available agents per day and interval: rostered FTE minus absence of any reason, never the reason."""

from __future__ import annotations

from datetime import date, time

import numpy as np
import pandas as pd
import pytest

from models.staffing import available_agent_hours, available_agents_daily, opening_intervals
from sensors.site import Site
from synthetic.centre import Centre, GeneratorConfig, generate_centre
from tests.models.test_absence import absences, staff

ROSTER = staff(
    ("a", "team-1", "2020-01-01", None, 1.0),
    ("b", "team-1", "2020-01-01", None, 1.0),
    ("c", "team-1", "2020-01-01", None, 0.5),
    ("d", "team-2", "2026-01-07", "2026-01-08", 1.0),  # employed two days only
)


def test_daily_availability_weights_absence_by_extent_and_fte() -> None:
    away = absences(
        ("a", "2026-01-06", "2026-01-06", "sick", 100),
        ("b", "2026-01-06", "2026-01-07", "child_care", 50),
        ("c", "2026-01-06", "2026-01-06", "other", 100),  # a half-timer away: half an agent
        ("d", "2026-01-05", "2026-01-09", "sick", 100),  # only the employed days count
    )
    days = [date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7), date(2026, 1, 8)]
    daily = available_agents_daily(ROSTER, away, days).set_index(["date", "team"])
    tue = daily.loc[(pd.Timestamp("2026-01-06"), "team-1")]
    assert tue["people"] == 3
    assert tue["rostered_fte"] == 2.5
    assert tue["absent_fte"] == 1.0 + 0.5 + 0.5
    assert tue["available_fte"] == 0.5
    assert daily.loc[(pd.Timestamp("2026-01-05"), "team-1"), "available_fte"] == 2.5
    assert daily.loc[(pd.Timestamp("2026-01-07"), "team-1"), "available_fte"] == 2.0
    assert daily.loc[(pd.Timestamp("2026-01-05"), "team-2")].tolist() == [0, 0.0, 0.0, 0.0]
    assert daily.loc[(pd.Timestamp("2026-01-07"), "team-2"), ["rostered_fte", "available_fte"]].tolist() == [1.0, 0.0]
    assert len(daily) == 8  # every day and team, also without anyone employed


def test_the_output_never_says_why_someone_is_away() -> None:
    sick = absences(("a", "2026-01-06", "2026-01-06", "sick"), ("b", "2026-01-06", "2026-01-06", "child_care", 50))
    vab = sick.assign(reason=["other", "sick"])
    days = [date(2026, 1, 6)]
    first = available_agents_daily(ROSTER, sick, days)
    pd.testing.assert_frame_equal(first, available_agents_daily(ROSTER, vab, days))
    intervals = opening_intervals(date(2026, 1, 6), date(2026, 1, 6), ["team-1"])
    hours = available_agent_hours(ROSTER, sick, intervals)
    for frame in (first, hours):
        assert not {"reason", "employee", "extent_pct"} & set(frame.columns)
        assert not frame.isin(["sick", "child_care", "other"]).any().any()


def test_overlapping_absence_rows_take_at_most_the_whole_person() -> None:
    away = absences(("a", "2026-01-06", "2026-01-06", "sick", 75), ("a", "2026-01-06", "2026-01-06", "child_care", 50))
    daily = available_agents_daily(ROSTER, away, [date(2026, 1, 6)])
    assert daily.loc[daily["team"] == "team-1", "absent_fte"].item() == 1.0


def test_opening_intervals_follow_local_time_weekdays_and_holidays() -> None:
    # Friday 27 March 2026 (CET) and Monday 30 March (CEST); 28–29 is a weekend, 27 is not closed.
    frame = opening_intervals(date(2026, 3, 27), date(2026, 4, 3), ["team-1", "team-2"], closed=[date(2026, 4, 3)])
    per_day = frame.groupby(frame["interval_start"].dt.tz_convert("Europe/Stockholm").dt.date).size()
    assert per_day.index.tolist() == [date(2026, 3, d) for d in (27, 30, 31)] + [date(2026, 4, d) for d in (1, 2)]
    assert (per_day == 2 * 36).all()  # 08:00–17:00 in 15-minute intervals, two teams
    assert str(frame["interval_start"].dt.tz) == "UTC"
    firsts = frame.groupby(frame["interval_start"].dt.tz_convert("Europe/Stockholm").dt.date)["interval_start"].min()
    assert firsts[date(2026, 3, 27)] == pd.Timestamp("2026-03-27T07:00Z")
    assert firsts[date(2026, 3, 30)] == pd.Timestamp("2026-03-30T06:00Z")
    short = opening_intervals(date(2026, 3, 27), date(2026, 3, 27), ["t"], open_time=time(9), close_time=time(10, 10))
    assert len(short) == 4  # 09:00, 09:15, 09:30, 09:45 fit; 10:00–10:15 does not


def test_interval_hours_use_the_local_day() -> None:
    away = absences(("a", "2026-01-05", "2026-01-05", "sick", 100))
    intervals = pd.DataFrame(
        {
            # 23:30 UTC on Sunday 4 January is 00:30 on Monday the 5th in Stockholm.
            "interval_start": pd.to_datetime(["2026-01-04T22:30Z", "2026-01-04T23:30Z", "2026-01-05T07:00Z"]),
            "team": ["team-1"] * 3,
        }
    )
    hours = available_agent_hours(ROSTER, away, intervals)
    assert hours["rostered_hours"].tolist() == [2.5 * 0.25] * 3
    assert hours["available_hours"].tolist() == [2.5 * 0.25, 1.5 * 0.25, 1.5 * 0.25]
    assert hours["available_agents"].tolist() == [2.5, 1.5, 1.5]
    naive = intervals.assign(
        interval_start=pd.to_datetime(["2026-01-04T23:30", "2026-01-05T00:30", "2026-01-05T08:00"])
    )
    pd.testing.assert_frame_equal(available_agent_hours(ROSTER, away, naive), hours)  # naive = site time
    hourly = available_agent_hours(ROSTER, away, intervals, interval_minutes=60)
    assert hourly["absent_hours"].tolist() == [0.0, 1.0, 1.0]
    assert available_agent_hours(ROSTER, away, intervals.iloc[:0]).empty


# ----- a generated centre --------------------------------------------------------------------


@pytest.fixture(scope="module")
def centre(example_site: Site) -> Centre:
    return generate_centre(example_site, date(2025, 1, 1), date(2025, 6, 30), seed=4, config=GeneratorConfig().quick())


def test_matches_the_generators_staffing(centre: Centre) -> None:
    absence_frame = centre.absences.rename(columns={"employee_id": "employee"})
    staff_frame = centre.staff.rename(columns={"employee_id": "employee"})
    truth = centre.truth.staffing
    days = pd.DatetimeIndex(truth["date"].unique())
    daily = available_agents_daily(staff_frame, absence_frame, days)
    merged = daily.merge(truth, on=["date", "team"], suffixes=("", "_truth"))
    assert len(merged) == len(truth) == len(daily)
    np.testing.assert_allclose(merged["rostered_fte"], merged["rostered_fte_truth"])
    assert (merged["people"] == merged["people_truth"]).all()
    # The staff file knows nothing of training: where everyone is trained the absence agrees exactly.
    trained = np.isclose(merged["capacity"], merged["rostered_fte"])
    assert trained.mean() > 0.5
    np.testing.assert_allclose(merged.loc[trained, "absent_fte"], merged.loc[trained, "absent"], atol=1e-9)
    assert (merged["absent_fte"] >= merged["absent"] - 1e-9).all()  # a trainee away is a whole FTE here


def test_absent_agents_lower_the_team_answer_rate(centre: Centre) -> None:
    absence_frame = centre.absences.rename(columns={"employee_id": "employee"})
    staff_frame = centre.staff.rename(columns={"employee_id": "employee"})
    hours = available_agent_hours(staff_frame, absence_frame, centre.calls)
    calls = centre.calls.assign(absent=hours["absent_hours"].to_numpy(), rostered=hours["rostered_hours"].to_numpy())
    week = calls["interval_start"].dt.tz_convert("Europe/Stockholm").dt.tz_localize(None).dt.to_period("W")
    weekly = calls.groupby([calls["team"], week])[["offered", "answered", "absent", "rostered"]].sum()
    weekly["rate"] = weekly["answered"] / weekly["offered"]
    # A full team (three agents rostered, nobody away) against a week with an agent away half of it.
    day_hours = 36 * 0.25
    full = weekly[(weekly["absent"] == 0) & (weekly["rostered"] >= 5 * 3 * day_hours - 1e-9)]["rate"]
    short = weekly[weekly["absent"] >= 2.5 * day_hours]["rate"]
    assert len(full) > 20
    assert len(short) > 10
    assert full.mean() - short.mean() > 0.03
