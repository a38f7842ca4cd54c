"""Absence per team and period (counted by hand), and the privacy suppression of it (also as properties)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from models.absence_views import (
    COMPLEMENTARY,
    SMALL_GROUP,
    SPELL_LOOKAHEAD_DAYS,
    SPELL_LOOKBACK_DAYS,
    TOTAL,
    AbsenceView,
    DailyRecords,
    PeriodKind,
    Suppression,
    View,
    absence_view,
    apply_suppression,
    block_bounds,
    daily_records,
    data_window,
    decide_suppression,
    decision_window,
    is_piece,
    people_covered,
    period_bounds,
    team_period_figures,
)
from models.errors import ModelInputError

STAFF_COLUMNS = ["employee", "team", "start_date", "end_date", "fte"]
ABSENCE_COLUMNS = ["employee", "team", "start_date", "end_date", "reason", "extent_pct"]
BLOCK = (date(2025, 12, 1), date(2026, 5, 31))  # 2025-12-01 and 2026-06-01 are Mondays
PERIODS: tuple[PeriodKind, ...] = ("week", "month")
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def staff(*rows: tuple[object, ...]) -> pd.DataFrame:
    """Rows (employee, team[, start[, end[, fte]]]) as the records store returns them; default: employed throughout."""
    full = []
    for employee, team, *rest in rows:
        start = rest[0] if len(rest) > 0 else "2024-01-01"
        end = rest[1] if len(rest) > 1 else None
        fte = rest[2] if len(rest) > 2 else 1.0
        full.append((employee, team, start, end, fte))
    frame = pd.DataFrame(full, columns=STAFF_COLUMNS)
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame


def team(name: str, size: int, first: int = 1) -> list[tuple[object, ...]]:
    """`size` people in team `name`, employed throughout, ids E<first>…."""
    return [(f"{name}-E{first + k}", name) for k in range(size)]


def absences(*rows: tuple[object, ...]) -> pd.DataFrame:
    """Rows (employee, team, start, end[, reason[, extent]])."""
    full = [(e, t, s, x, *(rest or ["sick"]), *([] if len(rest) > 1 else [100])) for e, t, s, x, *rest in rows]
    frame = pd.DataFrame(full, columns=ABSENCE_COLUMNS)
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame


NO_ABSENCES = absences()


def cell(frame: pd.DataFrame, team_name: str, start: str) -> pd.Series:
    """The one row of a team (or "total") and period."""
    rows = frame[(frame["team"] == team_name) & (frame["period_start"] == pd.Timestamp(start))]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# ----- figures, counted by hand ---------------------------------------------------------------------

HAND_STAFF = staff(
    ("E1", "A"),
    ("E2", "A"),
    ("E3", "A"),
    ("E4", "A", "2024-01-01", None, 0.5),
    ("E5", "A"),
    ("E6", "A"),
    ("E7", "B"),
    ("E8", "B", "2024-01-01", "2026-01-20"),
    ("E9", "B"),
)
HAND_ABSENCES = absences(
    ("E1", "A", "2026-01-05", "2026-01-07"),  # Mon–Wed: one short spell, 3 days
    ("E7", "B", "2026-01-30", "2026-02-02", "sick", 50),  # Fri–Mon at 50 %: 1.5 days in January's last week
    ("E2", "A", "2026-01-12", "2026-01-31"),  # 20 days: a long spell, not short-term
    ("E3", "A", "2026-01-19", "2026-01-20"),  # ill again 3 days later: the same spell
    ("E3", "A", "2026-01-23", "2026-01-23"),
    ("E5", "A", "2026-01-14", "2026-01-14", "child_care"),  # not sick leave
)


def test_weekly_figures_match_a_hand_count() -> None:
    weeks = team_period_figures(HAND_ABSENCES, HAND_STAFF, "week", date(2026, 1, 1), date(2026, 2, 8))
    assert sorted(weeks["period_start"].dt.date.unique()) == [date(2025, 12, 29) + timedelta(weeks=k) for k in range(6)]
    assert (weeks["period_end"] - weeks["period_start"]).dt.days.eq(6).all()
    a = {
        str(d.date()): (r.spells, r.sick_days)
        for d, r in weeks[weeks["team"] == "A"].set_index("period_start").iterrows()
    }
    assert a == {
        "2025-12-29": (0, 0.0),
        "2026-01-05": (1, 3.0),
        "2026-01-12": (0, 0.0),  # the 20-day spell is long-term
        "2026-01-19": (1, 3.0),  # two rows, one spell, three sick days (the healthy days between do not count)
        "2026-01-26": (0, 0.0),
        "2026-02-02": (0, 0.0),
    }
    assert (cell(weeks, "B", "2026-01-26").spells, cell(weeks, "B", "2026-01-26").sick_days) == (1, 1.5)
    assert (cell(weeks, "B", "2026-02-02").spells, cell(weeks, "B", "2026-02-02").sick_days) == (0, 0.5)
    week = cell(weeks, "A", "2026-01-05")
    assert week.fte_days == pytest.approx(5.5 * 7)
    assert week.sick_days_per_fte == pytest.approx(3 / 5.5)
    b = cell(weeks, "B", "2026-01-19")  # E8 leaves on Tuesday the 20th
    assert (b.headcount, b.min_headcount, b.fte_days) == (3, 2, 7 + 7 + 2)
    assert cell(weeks, "B", "2026-01-26").headcount == 2
    total = cell(weeks, TOTAL, "2026-01-26")
    assert (total.spells, total.sick_days, total.headcount) == (1, 1.5, 8)


def test_monthly_figures_match_a_hand_count() -> None:
    months = team_period_figures(HAND_ABSENCES, HAND_STAFF, "month", date(2026, 1, 15), date(2026, 2, 3))
    assert list(months["team"]) == ["A", "B", TOTAL, "A", "B", TOTAL]
    jan_a, jan_b, jan = (cell(months, t, "2026-01-01") for t in ("A", "B", TOTAL))
    assert (jan_a.spells, jan_a.sick_days, jan_a.days) == (2, 6.0, 31)
    assert jan_a.fte_days == pytest.approx(5.5 * 31)
    assert jan_a.sick_days_per_fte == pytest.approx(6 / 5.5)
    assert (jan_b.spells, jan_b.sick_days, jan_b.headcount, jan_b.min_headcount) == (1, 1.0, 3, 2)
    assert jan_b.fte_days == pytest.approx(31 + 31 + 20)
    assert (jan.spells, jan.sick_days, jan.headcount, jan.min_headcount) == (3, 7.0, 9, 8)
    feb_b = cell(months, "B", "2026-02-01")
    assert (feb_b.spells, feb_b.sick_days, feb_b.days) == (0, 1.0, 28)
    assert cell(months, "A", "2026-02-01").sick_days_per_fte == 0.0


def test_weeks_and_months_add_up_to_the_same_days() -> None:
    weeks = team_period_figures(HAND_ABSENCES, HAND_STAFF, "week", *BLOCK)
    months = team_period_figures(HAND_ABSENCES, HAND_STAFF, "month", *BLOCK)
    for column in ("sick_days", "spells", "fte_days"):
        assert weeks.groupby("team")[column].sum().to_dict() == pytest.approx(
            months.groupby("team")[column].sum().to_dict()
        )


def test_a_team_with_nobody_in_a_period_is_listed_with_zeros_and_not_present() -> None:
    frame = staff(("E1", "A"), ("E2", "B", "2026-02-01"))
    months = team_period_figures(NO_ABSENCES, frame, "month", date(2026, 1, 1), date(2026, 2, 28))
    jan_b = cell(months, "B", "2026-01-01")
    assert (jan_b.headcount, jan_b.fte_days, bool(jan_b.present)) == (0, 0.0, False)
    assert np.isnan(jan_b.sick_days_per_fte)
    assert bool(cell(months, "B", "2026-02-01").present)


def test_a_bad_period_is_refused() -> None:
    with pytest.raises(ModelInputError, match="period"):
        team_period_figures(NO_ABSENCES, HAND_STAFF, "day", date(2026, 1, 1), date(2026, 1, 2))  # type: ignore[arg-type]
    with pytest.raises(ModelInputError, match="before"):
        decision_window(date(2026, 2, 1), date(2026, 1, 1))


# ----- blocks ---------------------------------------------------------------------------------------


def test_blocks_start_on_the_firsts_of_months_that_are_mondays() -> None:
    assert block_bounds(date(2026, 1, 15)) == BLOCK
    assert block_bounds(date(2026, 6, 1)) == (date(2026, 6, 1), date(2027, 1, 31))
    assert block_bounds(date(2027, 2, 14)) == (date(2027, 2, 1), date(2027, 2, 28))  # February 2027: a block of its own
    assert decision_window(date(2026, 1, 10), date(2026, 6, 3)) == (date(2025, 12, 1), date(2027, 1, 31))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
@settings(PROPERTY, max_examples=200)
def test_no_week_and_no_month_crosses_a_block(day: date) -> None:
    first, last = block_bounds(day)
    assert first <= day <= last
    assert first.day == 1
    assert first.weekday() == 0
    assert (last + timedelta(days=1)).day == 1
    assert (last + timedelta(days=1)).weekday() == 0
    for period in PERIODS:
        start, end = period_bounds(day, period)
        assert block_bounds(start) == block_bounds(end) == (first, last)


# ----- suppression, by hand -------------------------------------------------------------------------


def restricted(
    frame: pd.DataFrame,
    period: PeriodKind = "month",
    since: date = date(2026, 1, 1),
    until: date = date(2026, 2, 28),
    sick: pd.DataFrame = NO_ABSENCES,
    teams: list[str] | None = None,
) -> AbsenceView:
    """The restricted view of staff `frame` and absences `sick` over since..until."""
    return absence_view(sick, frame, period, since, until, "restricted", teams=teams)


def reasons(view_teams: pd.DataFrame) -> dict[str, set[object]]:
    """Per team, the reasons its rows carry (None: shown)."""
    return {str(t): set(rows["reason"]) for t, rows in view_teams.groupby("team")}


def test_a_small_group_is_hidden_and_the_smallest_other_group_with_it() -> None:
    frame = staff(*team("A", 6), *team("B", 3), *team("C", 7))
    view = restricted(frame, sick=absences(("A-E1", "A", "2026-01-05", "2026-01-06")))
    assert reasons(view.teams) == {"A": {COMPLEMENTARY}, "B": {SMALL_GROUP}, "C": {None}}
    hidden = view.teams[view.teams["suppressed"]]
    assert hidden[["headcount", "spells", "sick_days", "sick_days_per_fte", "fte_days"]].isna().all().all()
    assert not view.centre["suppressed"].any()
    assert cell(view.centre, TOTAL, "2026-01-01").spells == 1
    assert cell(view.teams, "C", "2026-01-01").headcount == 7


def test_two_small_groups_need_no_complement() -> None:
    view = restricted(staff(*team("A", 6), *team("B", 3), *team("D", 4)))
    assert reasons(view.teams) == {"A": {None}, "B": {SMALL_GROUP}, "D": {SMALL_GROUP}}
    assert not view.centre["suppressed"].any()


def test_the_full_view_hides_nothing() -> None:
    view = absence_view(HAND_ABSENCES, HAND_STAFF, "week", date(2026, 1, 1), date(2026, 2, 8), "full")
    assert view.view == "full"
    assert not view.teams["suppressed"].any()
    assert view.teams["reason"].isna().all()
    assert cell(view.teams, "B", "2026-01-26").sick_days == 1.5
    assert view.people == 9
    assert (view.start, view.end) == (date(2025, 12, 29), date(2026, 2, 8))


def test_a_team_small_on_one_day_of_its_block_is_hidden_in_the_whole_block() -> None:
    # A has five people, but E1 is off the roster on 11 March 2026: four people that day.
    frame = staff(
        ("A-E1", "A", "2024-01-01", "2026-03-10"),
        ("A-E1", "A", "2026-03-12"),
        *team("A", 4, first=2),
        *team("C", 7),
        *team("D", 8),
    )
    january = restricted(frame, since=date(2026, 1, 1), until=date(2026, 1, 31))
    assert reasons(january.teams) == {"A": {SMALL_GROUP}, "C": {COMPLEMENTARY}, "D": {None}}
    weeks = restricted(frame, period="week", since=date(2026, 1, 1), until=date(2026, 1, 31))
    assert reasons(weeks.teams) == reasons(january.teams)
    june = restricted(frame, since=date(2026, 6, 1), until=date(2026, 6, 30))  # the next block: five every day
    assert reasons(june.teams) == {"A": {None}, "C": {None}, "D": {None}}


def test_the_total_goes_where_the_only_hidden_group_is_the_only_one_there() -> None:
    # A (six people) is the only team from December to February; B (five people) starts in March, when A
    # goes down to four. Both are hidden in the whole block; in January only A is there, so the total would be A's.
    frame = staff(
        *team("A", 4),
        ("A-E5", "A", "2024-01-01", "2026-02-28"),
        ("A-E6", "A", "2024-01-01", "2026-02-28"),
        *[(f"B-E{k}", "B", "2026-03-01") for k in range(5)],
    )
    view = restricted(frame, since=date(2026, 1, 1), until=date(2026, 3, 31))
    assert reasons(view.teams) == {"A": {SMALL_GROUP}, "B": {SMALL_GROUP}}
    assert set(view.centre["reason"]) == {COMPLEMENTARY}
    assert view.centre[["spells", "sick_days", "headcount"]].isna().all().all()
    assert view.people == 0  # no figure shown covers anyone


def test_the_team_filter_keeps_the_decision_of_the_whole_centre() -> None:
    frame = staff(*team("A", 6), *team("B", 3), *team("C", 7))
    view = restricted(frame, teams=["A"])
    assert reasons(view.teams) == {"A": {COMPLEMENTARY}}
    assert view.people == 16  # the centre's rows are shown: they cover everyone


def test_people_covered_counts_the_published_teams_when_the_total_is_hidden() -> None:
    frame = staff(*team("A", 3), *team("B", 6))
    daily = daily_records(NO_ABSENCES, frame, *BLOCK)
    decision = decide_suppression(team_period_figures(NO_ABSENCES, frame, "piece", *BLOCK))
    assert decision.hidden == {BLOCK[0]: {"A": SMALL_GROUP, "B": COMPLEMENTARY}}
    assert people_covered(daily, *BLOCK, decision) == 9  # the total is shown
    total_hidden = type(decision)({BLOCK[0]: {"A": SMALL_GROUP, TOTAL: SMALL_GROUP}})
    assert people_covered(daily, *BLOCK, total_hidden) == 6
    assert people_covered(daily, *BLOCK, total_hidden, teams=["A"]) == 0
    assert people_covered(daily, *BLOCK, None) == 9


def test_a_small_centre_hides_its_total() -> None:
    view = restricted(staff(*team("A", 2), *team("B", 2)))
    assert set(view.centre["reason"]) == {SMALL_GROUP}
    assert view.teams["suppressed"].all()


# ----- spells, whatever range is asked --------------------------------------------------------------

VIEWS: tuple[View, ...] = ("full", "restricted")
EDGE_STAFF = staff(*team("A", 3), *team("B", 3), *team("C", 3))
EDGE_SICK = absences(
    ("A-E1", "A", "2025-11-20", "2025-11-30"),  # 11 sick days up to the block edge (1 December 2025) …
    ("A-E1", "A", "2025-12-03", "2025-12-10"),  # … ill again 3 days later: one spell of 19 sick days, long-term
    ("B-E2", "B", "2025-11-03", "2025-11-04"),  # a short spell in November
    ("C-E1", "C", "2025-10-28", "2025-11-03"),  # a short spell from October: its 3 November days count
)


def as_read(
    sick: pd.DataFrame, frame: pd.DataFrame, period: PeriodKind, since: date, until: date, view: View
) -> AbsenceView:
    """The view as the API makes it: from the staff and absence rows overlapping data_window (records.frames)."""
    (s0, s1), (a0, a1) = data_window(period, since, until, view)
    rows = sick[(sick["end_date"] >= pd.Timestamp(a0)) & (sick["start_date"] <= pd.Timestamp(a1))]
    ongoing = frame["end_date"].isna() | (frame["end_date"] >= pd.Timestamp(s0))
    roster = frame[ongoing & (frame["start_date"] <= pd.Timestamp(s1))]
    return absence_view(rows, roster, period, since, until, view)


def rows_of(view: AbsenceView) -> pd.DataFrame:
    """A view's team and centre rows, by period and team."""
    return pd.concat([view.teams, view.centre]).set_index(["period_start", "team"]).sort_index()


def period_rows(rows: pd.DataFrame, start: pd.Timestamp) -> pd.DataFrame:
    """The rows of rows_of of the period starting on `start`, by team."""
    return rows[rows.index.get_level_values("period_start") == start].droplevel("period_start")


def test_data_window_reads_the_spell_margin_around_the_days_counted() -> None:
    assert SPELL_LOOKBACK_DAYS == SPELL_LOOKAHEAD_DAYS == 14 * 5  # 15 sick days, 4 healthy days apart, span 71 days
    margin = timedelta(days=70)
    november = (date(2025, 11, 1), date(2025, 11, 30))
    assert data_window("month", date(2025, 11, 10), date(2025, 11, 20), "full") == (
        november,
        (november[0] - margin, november[1] + margin),
    )
    block = (date(2025, 9, 1), date(2025, 11, 30))
    assert data_window("week", date(2025, 11, 10), date(2025, 11, 20), "restricted") == (
        block,
        (block[0] - margin, block[1] + margin),
    )


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("period", PERIODS)
def test_a_spell_across_a_block_edge_counts_the_same_whatever_range_is_asked(period: PeriodKind, view: View) -> None:
    # The reviewer's case: A-E1's spell runs into December. Asked for November alone, the December rows used
    # not to be read and November counted 11 days of a short spell; asked up to December, none.
    ranges = [
        (date(2025, 11, 1), date(2025, 11, 30)),
        (date(2025, 11, 1), date(2025, 12, 31)),
        (date(2025, 11, 24), date(2026, 1, 31)),
        (date(2025, 9, 1), date(2025, 11, 30)),
        (date(2025, 10, 1), date(2026, 3, 31)),
    ]
    last_week = pd.Timestamp("2025-11-24")
    start = pd.Timestamp("2025-11-01") if period == "month" else last_week
    seen = [period_rows(rows_of(as_read(EDGE_SICK, EDGE_STAFF, period, *r, view)), start) for r in ranges]
    for other in seen[1:]:
        pd.testing.assert_frame_equal(other, seen[0])
    everything = absence_view(EDGE_SICK, EDGE_STAFF, period, date(2025, 1, 1), date(2026, 12, 31), view)
    pd.testing.assert_frame_equal(period_rows(rows_of(everything), start), seen[0])
    total: Any = seen[0].loc[TOTAL]
    if period == "month":
        assert (total.spells, total.sick_days) == (1, 5.0)  # B's spell and C's 3 days; nothing of A's long spell
    else:
        assert (total.spells, total.sick_days) == (0, 0.0)
    if view == "full":
        assert seen[0].loc["A", "sick_days"] == 0.0


def test_the_spells_reaching_furthest_are_still_classified_with_all_their_rows() -> None:
    # 15 sick days 4 healthy days apart are one long-term spell over 71 days: A's from the last day of November,
    # B's up to its first day. C's 14 such days are short-term (a new spell follows 6 days after them).
    def every_fifth(who: str, first: date, n: int, step: int = 5) -> list[tuple[object, ...]]:
        days = [first + timedelta(days=step * k) for k in range(n)]
        return [(who, who[0], d.isoformat(), d.isoformat()) for d in days]

    sick = absences(
        *every_fifth("A-E1", date(2025, 11, 30), 15),
        *every_fifth("B-E1", date(2025, 11, 1), 15, step=-5),
        *every_fifth("C-E1", date(2025, 11, 30), 14),
        ("C-E1", "C", "2026-02-09", "2026-02-09"),  # 6 days after the 14th (4 February): a new spell
    )
    for view in VIEWS:
        november = rows_of(as_read(sick, EDGE_STAFF, "month", date(2025, 11, 1), date(2025, 11, 30), view))
        total: Any = november.loc[(pd.Timestamp("2025-11-01"), TOTAL)]
        assert (total.spells, total.sick_days) == (1, 1.0), view  # C's spell starting on the 30th


CHAIN = st.tuples(
    st.sampled_from(["A-E1", "B-E1", "C-E1"]),
    st.integers(-90, 90),  # its first day, from the edge
    st.lists(st.tuples(st.integers(1, 6), st.integers(1, 8)), min_size=1, max_size=6),  # (days, then days to the next)
)
RANGE_STAFF = staff(*team("A", 6), *team("B", 5), *team("C", 3))  # shown, shown or complementary, small


@given(
    st.sampled_from([date(2025, 9, 1), date(2025, 12, 1), date(2026, 6, 1)]),  # block edges
    st.lists(CHAIN, max_size=5),
    st.integers(-100, 100),
    st.integers(0, 150),
    st.sampled_from(PERIODS),
    st.sampled_from(VIEWS),
)
@settings(PROPERTY, max_examples=60)
def test_a_periods_figures_do_not_depend_on_the_range_asked(
    edge: date, chains: list[Any], since: int, length: int, period: PeriodKind, view: View
) -> None:
    rows = []
    for who, first, steps in chains:
        day = edge + timedelta(days=first)
        for days, gap in steps:  # gap 1: the next row starts the next day; 5: continues the spell; 6: a new one
            rows.append((who, who[0], day.isoformat(), (day + timedelta(days=days - 1)).isoformat()))
            day += timedelta(days=days - 1 + gap)
    sick = absences(*rows) if rows else NO_ABSENCES
    first_day = edge + timedelta(days=since)
    asked = rows_of(as_read(sick, RANGE_STAFF, period, first_day, first_day + timedelta(days=length), view))
    around = absence_view(sick, RANGE_STAFF, period, edge - timedelta(days=400), edge + timedelta(days=400), view)
    pd.testing.assert_frame_equal(asked, rows_of(around).loc[asked.index])


# ----- properties -----------------------------------------------------------------------------------

Key = tuple[str, pd.Timestamp, pd.Timestamp]


def piece_starts(days: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The first day of each day's piece (the days its ISO week shares with its month): the later of the two firsts."""
    monday = days - pd.to_timedelta(days.day_of_week, unit="D")
    return pd.DatetimeIndex(np.maximum(monday.to_numpy(), days.to_period("M").start_time.to_numpy()))


def pieces_present(daily: DailyRecords) -> set[tuple[str, pd.Timestamp]]:
    """(team, piece start) of every piece in which the team had anyone employed or short-term sick."""
    starts = piece_starts(pd.date_range(daily.first, daily.last, freq="D"))
    members = pd.concat([p[["team", "day"]] for p in (daily.employed, daily.sick, daily.spells)])
    return {(daily.teams[t], starts[d]) for t, d in set(zip(members["team"], members["day"], strict=True))}


def piece_checker(rows: pd.DataFrame, present: set[tuple[str, pd.Timestamp]]) -> tuple[list[Key], list[float]]:
    """The hidden team figures that follow linearly from what is published, down to single pieces.

    `rows`: week and month cells of whole blocks (period_start, period_end, team with "total", suppressed).
    `present`: (team, piece start) wherever a team had anyone; the observer is assumed to know it.
    Unknowns: each team's figure on each piece (the days one ISO week shares with one month). Equations:
    every published cell (a team's: its pieces; the total's: every team's pieces of the period) and every
    piece where a team had nobody (it is 0). Targets: each hidden team's figure on each piece where it had
    anyone, and each hidden week or month with such a piece. A target follows iff its vector lies in the row
    space of the equations. Returns those targets (team, first day, last day) and, for messages, their residuals.
    """
    teams = sorted(set(rows["team"]) - {TOTAL})
    days = pd.date_range(rows["period_start"].min(), rows["period_end"].max(), freq="D")
    by_day = pd.DataFrame(
        {
            "piece": piece_starts(days),
            "week": days - pd.to_timedelta(days.day_of_week, unit="D"),
            "month": days.to_period("M").start_time,
            "day": days,
        }
    )
    pieces = by_day.groupby("piece").agg(end=("day", "max"), week=("week", "first"), month=("month", "first"))
    piece_week, piece_month = pieces["week"].to_numpy(), pieces["month"].to_numpy()
    n_pieces = len(pieces)
    n = len(teams) * n_pieces
    slot = {name: t for t, name in enumerate(teams)}
    is_week = (rows["period_end"] - rows["period_start"]).dt.days.eq(6) & rows["period_start"].dt.day_of_week.eq(0)
    hidden_cell = {
        (r.team, r.period_start, bool(w)): bool(r.suppressed) for r, w in zip(rows.itertuples(), is_week, strict=True)
    }

    def vector(team_name: str, start: pd.Timestamp, week: bool) -> np.ndarray:
        inside = (piece_week if week else piece_month) == start.to_datetime64()
        grid = np.zeros((len(teams), n_pieces))
        if team_name == TOTAL:
            grid[:, inside] = 1.0
        else:
            grid[slot[team_name], inside] = 1.0
        return grid.ravel()

    equations: list[np.ndarray] = []
    targets: list[tuple[Key, np.ndarray]] = []
    there = np.array([[(name, start) in present for start in pieces.index] for name in teams], dtype=bool)
    r: Any
    for r, week in zip(rows.itertuples(), is_week, strict=True):
        v = vector(r.team, r.period_start, bool(week))
        if not r.suppressed:
            equations.append(v)
        elif r.team != TOTAL and (v.reshape(there.shape)[there] > 0).any():
            targets.append(((r.team, r.period_start, r.period_end), v))
    for t, name in enumerate(teams):
        start: Any
        for p, (start, piece) in enumerate(pieces.iterrows()):
            unit = np.zeros(n)
            unit[t * n_pieces + p] = 1.0
            if not there[t, p]:
                equations.append(unit)  # nobody there: known to be 0
            elif hidden_cell.get((name, piece["week"], True), False) and hidden_cell.get(
                (name, piece["month"], False), False
            ):
                targets.append(((name, start, piece["end"]), unit))
    if not targets:
        return [], []
    a = np.array(equations) if equations else np.zeros((1, n))
    _, s, vt = np.linalg.svd(a, full_matrices=False)
    basis = vt[s > 1e-9 * max(s.max(), 1.0)]
    vectors = np.array([v for _, v in targets])
    residual = np.linalg.norm(vectors - vectors @ basis.T @ basis, axis=1)
    found = [(key, float(res)) for (key, _), res in zip(targets, residual, strict=True) if res < 1e-6]
    return [k for k, _ in found], [r for _, r in found]


def assert_safe(week: pd.DataFrame, month: pd.DataFrame, present: set[tuple[str, pd.Timestamp]]) -> None:
    """Within each period and piece and between the weekly and monthly view, no hidden team figure can be worked out."""
    for rows in (week, month):
        for _, period in rows.groupby("period_start"):
            total = period[period["team"] == TOTAL]
            if total["suppressed"].all():
                continue
            hidden = period[(period["team"] != TOTAL) & period["suppressed"]]
            end = period["period_end"].iloc[0]
            starts = set(piece_starts(pd.date_range(period["period_start"].iloc[0], end, freq="D")))
            hidden_present = {t for t in hidden["team"] if any((t, s) in present for s in starts)}
            assert len(hidden_present) != 1, period  # total − shown would be that one team's figure
    for t, team_months in month[month["team"] != TOTAL].groupby("team"):
        team_weeks = week[week["team"] == t]
        for m in team_months[~team_months["suppressed"]].itertuples():
            overlapping = team_weeks[
                (team_weeks["period_end"] >= m.period_start) & (team_weeks["period_start"] <= m.period_end)
            ]
            assert not overlapping["suppressed"].any(), (t, m.period_start)  # month − shown weeks = a hidden week
    # The literal rule on pieces: where the total is shown, never exactly one hidden team with anyone in a piece.
    w: Any
    for w in week[(week["team"] == TOTAL) & ~week["suppressed"]].itertuples():
        hidden_teams = set(week.loc[(week["period_start"] == w.period_start) & week["suppressed"], "team"]) - {TOTAL}
        for start in set(piece_starts(pd.date_range(w.period_start, w.period_end, freq="D"))):
            alone = {t for t in hidden_teams if (t, start) in present}
            assert len(alone) != 1, (start, alone)  # total − shown teams over the piece would be that team's
    derivable, _ = piece_checker(pd.concat([week, month], ignore_index=True), present)
    assert derivable == []


# The pure decision, on cells built from daily headcounts and strictly positive daily values.

MONTH_EDGES = [(date(y, m, 1) - BLOCK[0]).days for y, m in ((2026, 1), (2026, 2), (2026, 3), (2026, 4), (2026, 5))]
EDGE_DAY = st.builds(lambda edge, k: max(0, edge + k), st.sampled_from(MONTH_EDGES), st.integers(-4, 4))
BLOCK_PIECES = pd.Series(piece_starts(pd.date_range(*BLOCK, freq="D")))
N_PIECES = BLOCK_PIECES.nunique()
# The pieces of a week across two months (the days such a week has in one of them), e.g. 29–31 December.
SPLIT_PIECES = [k for k, days in enumerate(BLOCK_PIECES.value_counts().sort_index()) if days < 7]
TEAM_PLAN = st.tuples(
    st.integers(0, 9),  # usual size
    st.lists(
        st.tuples(st.one_of(st.integers(0, 181), EDGE_DAY), st.integers(1, 90), st.integers(0, 9)), max_size=2
    ),  # dips: from (often next to a month's first), days, size
    st.lists(st.one_of(st.integers(0, N_PIECES - 1), st.sampled_from(SPLIT_PIECES)), max_size=6),  # with nobody
)


def cells_from_daily(heads: dict[str, np.ndarray], values: dict[str, np.ndarray]) -> dict[str, pd.DataFrame]:
    """Week, month and piece cells of BLOCK (teams and total) from per-day headcounts and values."""
    days = pd.date_range(*BLOCK, freq="D")
    total_heads, total_values = sum(heads.values()), sum(values.values())
    groupings = {
        "week": days - pd.to_timedelta(days.day_of_week, unit="D"),
        "month": days.to_period("M").start_time,
        "piece": piece_starts(days),
    }
    cells = {}
    for kind, starts in groupings.items():
        rows = []
        for start in starts.unique():
            index = np.asarray(starts == start)
            end = days[index][-1]
            for name in [*heads, TOTAL]:
                h = total_heads if name == TOTAL else heads[name]
                v = total_values if name == TOTAL else values[name]
                rows.append(
                    {
                        "period_start": start,
                        "period_end": end,
                        "team": name,
                        "headcount": int(h[index].max()),
                        "min_headcount": int(h[index].min()),
                        "present": bool(h[index].max() > 0 or v[index].sum() > 0),
                        "value": int(v[index].sum()),
                    }
                )
        cells[kind] = pd.DataFrame(rows)
    return cells


@given(st.lists(TEAM_PLAN, min_size=1, max_size=6), st.integers(0, 2**32 - 1))
@example(plans=[(6, [], []), (3, [], []), (3, [], [4])], seed=1)  # nobody of team-3 on 29–31 December only
@settings(PROPERTY)
def test_no_hidden_cell_follows_from_the_published_ones(plans: list[Any], seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_days = (BLOCK[1] - BLOCK[0]).days + 1
    heads, values = {}, {}
    piece_of_day = BLOCK_PIECES.rank(method="dense").to_numpy(dtype=np.int64) - 1
    for k, (size, dips, empty) in enumerate(plans):
        h = np.full(n_days, size)
        for start, length, dip in dips:
            h[start : start + length] = dip
        h[np.isin(piece_of_day, empty)] = 0
        heads[f"team-{k + 1}"] = h
        values[f"team-{k + 1}"] = np.where(h > 0, rng.integers(1, 4, n_days), 0)  # sick leave wherever someone is
    by_kind = cells_from_daily(heads, values)
    decision = decide_suppression(by_kind["piece"])
    pieces = by_kind["piece"]
    present = set(
        zip(pieces.loc[pieces["present"], "team"], pieces.loc[pieces["present"], "period_start"], strict=True)
    )

    def decided(cells: pd.DataFrame) -> pd.DataFrame:
        reason = [decision.reason(s.date(), t) for s, t in zip(cells["period_start"], cells["team"], strict=True)]
        return cells.assign(suppressed=[r is not None for r in reason])

    weeks, months, pieces = (decided(by_kind[k]) for k in ("week", "month", "piece"))
    for _, period in (p for cells in (weeks, months, pieces) for p in cells.groupby("period_start")):
        total = period[period["team"] == TOTAL].iloc[0]
        teams = period[period["team"] != TOTAL]
        if not total["suppressed"]:
            rest = total["value"] - teams.loc[~teams["suppressed"], "value"].sum()
            # The literal property: no hidden figure of a week, month or piece is the total minus the published ones.
            assert not (teams["suppressed"] & teams["present"] & teams["value"].eq(rest)).any(), period
    for m in months[~months["suppressed"] & (months["team"] != TOTAL)].itertuples():
        inside = weeks[(weeks["team"] == m.team) & weeks["period_start"].between(m.period_start, m.period_end)]
        inside = inside[inside["period_end"] <= m.period_end]
        rest = m.value - inside.loc[~inside["suppressed"], "value"].sum()
        hidden_weeks = weeks[
            (weeks["team"] == m.team)
            & weeks["suppressed"]
            & (weeks["period_end"] >= m.period_start)
            & (weeks["period_start"] <= m.period_end)
        ]
        assert hidden_weeks.empty, (m.team, m.period_start)  # so no hidden week is month − shown weeks
        assert rest >= 0
    assert_safe(weeks, months, present)
    for t, size in ((t, h.min()) for t, h in heads.items()):
        if size >= 5:
            continue
        assert decision.reason(BLOCK[0], t) == SMALL_GROUP  # under five on some day: hidden all block


def test_the_decision_is_taken_on_pieces_only() -> None:
    frame = staff(*team("A", 6), *team("B", 3))
    with pytest.raises(ModelInputError, match="pieces"):
        decide_suppression(team_period_figures(NO_ABSENCES, frame, "month", *BLOCK))
    weeks = team_period_figures(NO_ABSENCES, frame, "week", *BLOCK)
    with pytest.raises(ModelInputError, match="pieces"):
        decide_suppression(weeks)  # 2025-12-29 … 2026-01-04 is a week across two months
    pieces = team_period_figures(NO_ABSENCES, frame, "piece", *BLOCK)
    assert is_piece(pieces["period_start"], pieces["period_end"]).all()
    assert len(pieces[pieces["team"] == TOTAL]) == len(set(piece_starts(pd.date_range(*BLOCK, freq="D"))))


# The reviewer's case: groups leaving and starting at a month's edge isolate the days a week shares with a month.

PIECE_STAFF = staff(
    *team("A", 6),
    *team("X", 3),
    *[(f"Z-E{k}", "Z", "2020-01-01", "2025-12-28") for k in range(3)],  # Z leaves on Sunday 28 December
    *[(f"Y-E{k}", "Y", "2026-01-01") for k in range(3)],  # Y starts on Thursday 1 January
)
PIECE_SICK = absences(
    ("X-E1", "X", "2025-12-30", "2025-12-31"),  # on 29–31 December, X is the only hidden group there
    ("A-E2", "A", "2025-12-10", "2025-12-11"),
    ("Z-E0", "Z", "2025-12-15", "2025-12-16"),
    ("X-E0", "X", "2025-12-03", "2025-12-03"),
)
X_PIECE: Key = ("X", pd.Timestamp("2025-12-29"), pd.Timestamp("2025-12-31"))


def test_the_checker_finds_a_piece_that_only_one_hidden_group_shares_with_the_total() -> None:
    # The rule applied per whole week and month (the earlier code): X, Y and Z hidden, A and the total shown.
    # Each week and month has two hidden groups, but December − its whole weeks is 29–31 December, and there
    # only X is hidden: total − A over those days is X's.
    old = Suppression({BLOCK[0]: {"X": SMALL_GROUP, "Y": SMALL_GROUP, "Z": SMALL_GROUP}})
    figures = {p: team_period_figures(PIECE_SICK, PIECE_STAFF, p, *BLOCK) for p in PERIODS}
    rows = {p: apply_suppression(f, old) for p, f in figures.items()}
    present = pieces_present(daily_records(PIECE_SICK, PIECE_STAFF, *BLOCK))
    derivable, _ = piece_checker(pd.concat(rows.values(), ignore_index=True), present)
    assert X_PIECE in derivable
    assert {key[0] for key in derivable} == {"X"}
    with pytest.raises(AssertionError):
        assert_safe(rows["week"], rows["month"], present)
    # Per whole week and month the old rule found nothing wrong: the leak is only visible piece by piece.
    for f in figures.values():
        hidden = f[f["team"].isin(["X", "Y", "Z"]) & f["present"]]
        assert hidden.groupby("period_start").size().min() == 2


def test_the_reviewers_piece_is_closed() -> None:
    views = {p: absence_view(PIECE_SICK, PIECE_STAFF, p, *BLOCK, "restricted") for p in PERIODS}
    assert reasons(views["month"].teams) == {
        "A": {COMPLEMENTARY},
        "X": {SMALL_GROUP},
        "Y": {SMALL_GROUP},
        "Z": {SMALL_GROUP},
    }
    assert not views["month"].centre["suppressed"].any()
    rows = {p: pd.concat([v.teams, v.centre], ignore_index=True) for p, v in views.items()}
    present = pieces_present(daily_records(PIECE_SICK, PIECE_STAFF, *BLOCK))
    assert_safe(rows["week"], rows["month"], present)
    # And no row of a restricted view says how many were in on its least staffed day.
    assert all(v.centre["min_headcount"].isna().all() and v.teams["min_headcount"].isna().all() for v in views.values())
    full = absence_view(PIECE_SICK, PIECE_STAFF, "week", *BLOCK, "full")
    assert cell(full.centre, TOTAL, "2025-12-29").min_headcount == 9  # HR still sees it


# The whole pipeline, on random staff and sick leave.

DAY = st.one_of(st.integers(0, 181), EDGE_DAY)  # a day of BLOCK, often next to a month's first
TEAM = st.tuples(
    st.integers(0, 8),  # people employed the whole block
    st.lists(st.tuples(st.one_of(st.none(), DAY), st.one_of(st.none(), DAY)), max_size=3),  # others: start, end
    st.lists(st.tuples(st.integers(0, 10), st.integers(-10, 181), st.integers(0, 9)), max_size=6),  # who, from, days
)


def frames_of(teams: list[Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Staff and sick leave of random teams in BLOCK: some people all along, some joining or leaving."""
    day0 = pd.Timestamp(BLOCK[0])
    staff_rows, absence_rows = [], []
    for t, (stable, movers, spells) in enumerate(teams):
        name = f"team-{t + 1}"
        people = [(None, None)] * stable + movers
        for k, (start, end) in enumerate(people):
            begin = day0 - pd.Timedelta(days=400) if start is None else day0 + pd.Timedelta(days=start)
            finish = None if end is None else max(begin, day0 + pd.Timedelta(days=end))
            staff_rows.append((f"{name}-E{k}", name, begin, finish, 1.0 if k % 3 else 0.5))
        for who, sick_from, length in spells:
            if people:
                first = day0 + pd.Timedelta(days=sick_from)
                row = (f"{name}-E{who % len(people)}", name, first, first + pd.Timedelta(days=length), "sick", 100)
                absence_rows.append(row)
    return staff(*staff_rows), absences(*absence_rows)


@given(st.lists(TEAM, min_size=1, max_size=5), DAY, DAY)
@settings(PROPERTY, max_examples=30)
def test_weekly_and_monthly_views_together_reveal_no_hidden_cell(teams: list[Any], a: int, b: int) -> None:
    frame, sick = frames_of(teams)
    since, until = sorted((BLOCK[0] + timedelta(days=a), BLOCK[0] + timedelta(days=b)))
    views = {p: absence_view(sick, frame, p, since, until, "restricted") for p in PERIODS}
    whole = {p: absence_view(sick, frame, p, *BLOCK, "restricted") for p in PERIODS}
    rows = {p: pd.concat([whole[p].teams, whole[p].centre], ignore_index=True) for p in PERIODS}
    assert_safe(rows["week"], rows["month"], pieces_present(daily_records(sick, frame, *BLOCK)))
    # The range asked for changes nothing about what is hidden: its rows are the whole block's rows.
    for p in PERIODS:
        asked = pd.concat([views[p].teams, views[p].centre]).set_index(["period_start", "team"])
        same = pd.concat([whole[p].teams, whole[p].centre]).set_index(["period_start", "team"]).loc[asked.index]
        assert asked["suppressed"].equals(same["suppressed"])
        pd.testing.assert_frame_equal(asked, same)
        assert views[p].people <= whole[p].people
    # And what the full view shows for those cells is what the restricted one shows where it shows them.
    full = absence_view(sick, frame, "month", *BLOCK, "full")
    published = whole["month"].teams[~whole["month"].teams["suppressed"]]
    merged = published.merge(full.teams, on=["period_start", "team"], suffixes=("", "_full"))
    assert np.allclose(merged["sick_days"], merged["sick_days_full"])


def test_the_checker_finds_a_leak_when_there_is_one() -> None:
    # Without the complementary rule, A (small) in a centre of A and C would be total − C.
    frame = staff(*team("A", 3), *team("C", 7))
    figures = {p: team_period_figures(NO_ABSENCES, frame, p, *BLOCK) for p in PERIODS}
    leaky = {
        p: f.assign(suppressed=f["team"].eq("A"), reason=None)[["period_start", "period_end", "team", "suppressed"]]
        for p, f in figures.items()
    }
    present = pieces_present(daily_records(NO_ABSENCES, frame, *BLOCK))
    derivable, _ = piece_checker(pd.concat(leaky.values(), ignore_index=True), present)
    n_pieces = len(set(piece_starts(pd.date_range(*BLOCK, freq="D"))))
    assert len(derivable) == len(leaky["week"][leaky["week"]["team"] == "A"]) + 6 + n_pieces
    with pytest.raises(AssertionError):
        assert_safe(leaky["week"], leaky["month"], present)


def test_apply_suppression_without_a_decision_shows_everything() -> None:
    figures = team_period_figures(HAND_ABSENCES, HAND_STAFF, "month", date(2026, 1, 1), date(2026, 1, 31))
    shown = apply_suppression(figures, None)
    assert not shown["suppressed"].any()
    assert shown["headcount"].notna().all()
    assert shown["min_headcount"].notna().all()
    assert apply_suppression(figures, Suppression({}))["min_headcount"].isna().all()
