"""Absence per team and period (counted by hand), and the privacy suppression of it (also as properties)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.absence_views import (
    COMPLEMENTARY,
    SMALL_GROUP,
    TOTAL,
    AbsenceView,
    PeriodKind,
    absence_view,
    apply_suppression,
    block_bounds,
    daily_records,
    decide_suppression,
    decision_window,
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
    cells = pd.concat([team_period_figures(NO_ABSENCES, frame, k, *BLOCK) for k in ("week", "month")])
    decision = decide_suppression(cells)
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


# ----- properties -----------------------------------------------------------------------------------


def piece_checker(rows: pd.DataFrame) -> tuple[list[tuple[str, pd.Timestamp, pd.Timestamp]], list[float]]:
    """The hidden team cells present in their period that follow linearly from what is published.

    `rows`: week and month cells of whole blocks (period_start, period_end, team with "total", suppressed,
    present). Unknowns: each team's figure on each piece (the days one ISO week shares with one month).
    Equations: every published cell (a team's: its pieces; the total's: every team's pieces of the period)
    and every cell of a team with nobody in it (its pieces are 0). A hidden cell follows iff its vector lies in
    the row space of the equations. Returns those cells and, for the test's message, their residuals.
    """
    teams = sorted(set(rows["team"]) - {TOTAL})
    days = pd.date_range(rows["period_start"].min(), rows["period_end"].max(), freq="D")
    pieces = pd.DataFrame({"week": days - pd.to_timedelta(days.day_of_week, unit="D"), "month": days.to_period("M")})
    pieces = pieces.drop_duplicates().reset_index(drop=True)
    piece_week = pieces["week"].to_numpy()
    piece_month = pieces["month"].dt.start_time.to_numpy()
    n_pieces = len(pieces)
    n = len(teams) * n_pieces
    slot = {name: t for t, name in enumerate(teams)}

    def vector(team_name: str, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
        inside = (piece_week if (end - start).days == 6 else piece_month) == start.to_datetime64()
        grid = np.zeros((len(teams), n_pieces))
        if team_name == TOTAL:
            grid[:, inside] = 1.0
        else:
            grid[slot[team_name], inside] = 1.0
        return grid.ravel()

    equations, hidden = [], []
    for r in rows.itertuples():
        v = vector(r.team, r.period_start, r.period_end)
        if not r.suppressed:
            equations.append(v)
        elif r.team != TOTAL and not r.present:
            equations.extend(np.eye(n)[np.flatnonzero(v)])  # nobody there: known to be 0
        if r.suppressed and r.team != TOTAL and r.present:
            hidden.append(((r.team, r.period_start, r.period_end), v))
    if not hidden:
        return [], []
    a = np.array(equations) if equations else np.zeros((1, n))
    _, s, vt = np.linalg.svd(a, full_matrices=False)
    basis = vt[s > 1e-9 * max(s.max(), 1.0)]
    targets = np.array([v for _, v in hidden])
    residual = np.linalg.norm(targets - targets @ basis.T @ basis, axis=1)
    found = [(key, float(res)) for (key, _), res in zip(hidden, residual, strict=True) if res < 1e-6]
    return [k for k, _ in found], [r for _, r in found]


def assert_safe(week: pd.DataFrame, month: pd.DataFrame) -> None:
    """Within each period and between the weekly and monthly view, no hidden team cell can be worked out."""
    for rows in (week, month):
        for _, period in rows.groupby("period_start"):
            total = period[period["team"] == TOTAL]
            if total["suppressed"].all():
                continue
            hidden_present = period[(period["team"] != TOTAL) & period["suppressed"] & period["present"]]
            assert len(hidden_present) != 1, period  # total − shown would be that one team's figure
    for t, team_months in month[month["team"] != TOTAL].groupby("team"):
        team_weeks = week[week["team"] == t]
        for m in team_months[~team_months["suppressed"]].itertuples():
            overlapping = team_weeks[
                (team_weeks["period_end"] >= m.period_start) & (team_weeks["period_start"] <= m.period_end)
            ]
            assert not overlapping["suppressed"].any(), (t, m.period_start)  # month − shown weeks = a hidden week
    derivable, _ = piece_checker(pd.concat([week, month], ignore_index=True))
    assert derivable == []


# The pure decision, on cells built from daily headcounts and strictly positive daily values.

TEAM_PLAN = st.tuples(
    st.integers(0, 9),  # usual size
    st.lists(
        st.tuples(st.integers(0, 181), st.integers(1, 90), st.integers(0, 9)), max_size=2
    ),  # dips: from, days, size
)


def cells_from_daily(heads: dict[str, np.ndarray], values: dict[str, np.ndarray]) -> pd.DataFrame:
    """Week and month cells of BLOCK (teams and total) from per-day headcounts and values."""
    days = pd.date_range(*BLOCK, freq="D")
    total_heads, total_values = sum(heads.values()), sum(values.values())
    rows = []
    for starts in (days - pd.to_timedelta(days.day_of_week, unit="D"), days.to_period("M").start_time):
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
    return pd.DataFrame(rows)


@given(st.lists(TEAM_PLAN, min_size=1, max_size=6), st.integers(0, 2**32 - 1))
@settings(PROPERTY)
def test_no_hidden_cell_follows_from_the_published_ones(plans: list[Any], seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_days = (BLOCK[1] - BLOCK[0]).days + 1
    heads, values = {}, {}
    for k, (size, dips) in enumerate(plans):
        h = np.full(n_days, size)
        for start, length, dip in dips:
            h[start : start + length] = dip
        heads[f"team-{k + 1}"] = h
        values[f"team-{k + 1}"] = np.where(h > 0, rng.integers(1, 4, n_days), 0)  # sick leave wherever someone is
    cells = cells_from_daily(heads, values)
    decision = decide_suppression(cells)
    reason = [decision.reason(s.date(), t) for s, t in zip(cells["period_start"], cells["team"], strict=True)]
    cells = cells.assign(suppressed=[r is not None for r in reason])

    for _, period in cells.groupby(["period_start", "period_end"]):
        total = period[period["team"] == TOTAL].iloc[0]
        teams = period[period["team"] != TOTAL]
        if not total["suppressed"]:
            rest = total["value"] - teams.loc[~teams["suppressed"], "value"].sum()
            # The literal property: no hidden figure equals the total minus the published ones.
            assert not (teams["suppressed"] & teams["present"] & teams["value"].eq(rest)).any(), period
    weeks = cells[(cells["period_end"] - cells["period_start"]).dt.days == 6]
    months = cells.drop(weeks.index)
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
    assert_safe(weeks, months)
    for t, size in ((t, h.min()) for t, h in heads.items()):
        if size >= 5:
            continue
        assert decision.reason(BLOCK[0], t) == SMALL_GROUP  # under five on some day: hidden all block


# The whole pipeline, on random staff and sick leave.

DAY = st.integers(0, 181)  # a day of BLOCK
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


def shown_with_presence(view_rows: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    keys = ["period_start", "team"]
    return view_rows.merge(figures[[*keys, "present"]], on=keys, how="left", validate="one_to_one")


@given(st.lists(TEAM, min_size=1, max_size=5), DAY, DAY)
@settings(PROPERTY, max_examples=30)
def test_weekly_and_monthly_views_together_reveal_no_hidden_cell(teams: list[Any], a: int, b: int) -> None:
    frame, sick = frames_of(teams)
    since, until = sorted((BLOCK[0] + timedelta(days=a), BLOCK[0] + timedelta(days=b)))
    views = {p: absence_view(sick, frame, p, since, until, "restricted") for p in PERIODS}
    whole = {p: absence_view(sick, frame, p, *BLOCK, "restricted") for p in PERIODS}
    figures = {p: team_period_figures(sick, frame, p, *BLOCK) for p in PERIODS}
    rows = {p: shown_with_presence(pd.concat([whole[p].teams, whole[p].centre]), figures[p]) for p in PERIODS}
    assert_safe(rows["week"], rows["month"])
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
        p: f.assign(suppressed=f["team"].eq("A"), reason=None)[
            ["period_start", "period_end", "team", "suppressed", "present"]
        ]
        for p, f in figures.items()
    }
    derivable, _ = piece_checker(pd.concat(leaky.values(), ignore_index=True))
    assert len(derivable) == len(leaky["week"][leaky["week"]["team"] == "A"]) + 6
    with pytest.raises(AssertionError):
        assert_safe(leaky["week"], leaky["month"])


def test_apply_suppression_without_a_decision_shows_everything() -> None:
    figures = team_period_figures(HAND_ABSENCES, HAND_STAFF, "month", date(2026, 1, 1), date(2026, 1, 31))
    shown = apply_suppression(figures, None)
    assert not shown["suppressed"].any()
    assert shown["headcount"].notna().all()
