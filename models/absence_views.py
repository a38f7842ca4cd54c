"""Short-term sick leave per team and ISO week or calendar month, and the privacy suppression of it.

Figures (`team_period_figures`), per team and period and for the centre ("total"), over whole periods:

- `spells`: short-term sick spells (models.absence: the 5-day rule, at most 14 sick days) that start in
  the period, counted in the team of the absence row they start with;
- `sick_days`: FTE-weighted calendar days of sick leave in the period that belong to a short-term
  spell (50 % for 4 days = 2), in the team named on the absence row;
- `fte_days`: person-time, FTE × calendar days employed (staff rows); `fte` = fte_days / days;
- `sick_days_per_fte`: sick_days / fte (None without anyone employed);
- `headcount`: people employed in the team on some day of the period; `min_headcount`: the fewest
  employed on one day of the period (what the privacy rule counts; not published in a restricted view).

Spells are classified with all their rows, whatever range is asked. A short-term spell spans at most
14 + 13 × 4 = 66 calendar days (14 sick days, at most 4 healthy days between), and a row that continues
a spell starts at most 5 days after its last sick day; so whether a spell with a sick day in first..last
is short-term, and where it starts, follows from the absence rows overlapping first − 70 .. last + 70
(SPELL_LOOKBACK_DAYS, SPELL_LOOKAHEAD_DAYS), and `daily_records` uses exactly those rows. The figures of a
period are therefore the same for every range that holds it, however far before or after it the caller
read, as long as it read what `data_window` says.

Privacy (standards.md "Privacy"): HR and admin see every cell (`view="full"`). Everyone else sees a
team's figures only where no subtraction of published figures can reveal a hidden one
(`view="restricted"`). The rule, `decide_suppression`:

1. Blocks. The calendar is cut into blocks at every first of a month that is a Monday (e.g. 2025-09-01,
   2025-12-01, 2026-06-01): no ISO week and no month crosses a block boundary, so every week and every
   month lies in exactly one block (blocks are 1–14 months long). Each block is decided on its own,
   for every team at once, from the block's whole data — never from the range a request asks for.
2. Small groups ("small_group"): a team is hidden in the whole block, in weekly and monthly figures
   alike, unless it had at least 5 people on every day of the block. So a published monthly figure
   never stands next to a hidden week of the same team, and every piece (below) of a published figure
   still covers at least 5 people on every day.
3. The centre total is hidden in the whole block ("small_group") if the centre had fewer than 5 people
   on some day of it.
4. Complementary suppression ("complementary"), per piece. A *piece* is the days an ISO week shares
   with a calendar month: a week inside one month is one piece, a week across two months is two. A block
   starts on a Monday that is a first and ends on a Sunday that is a last, so every piece of a published
   team or total follows from its published weeks and months (the block's first month minus its whole
   weeks is the start of the week crossing into the next month; that week minus it is the next month's
   first piece; and so on). So where the total is shown and, in some piece, exactly one hidden team has
   anyone in it (people employed or sick leave), total − shown teams over that piece would be that
   team's figure on those days. Then the smallest other team present in that piece (by headcount in the
   piece, then name) is hidden in the whole block too; if there is none, the total is hidden in the
   whole block instead. Repeated until no piece has exactly one hidden team present. A team with nobody
   in a piece is known to be 0 there and does not count as hidden. Every week and month is a union of
   pieces, so none of them has exactly one hidden team present either.
5. `min_headcount` is withheld in every row of a restricted view: it is one day's count, and the
   centre's, next to the shown teams', tells how many people of the hidden teams were in on that day —
   with teams of three, which small team was in, e.g. that only one was in on the days of a piece
   where another had left and the next not yet started. The centre's `headcount` (people employed on
   some day of the period), `fte_days` and `fte` are published: the sick figures need them, and where
   the total is shown their hidden share in a piece, week or month is a sum over at least two hidden
   teams present there (rule 4), or nothing.

What this guarantees for every block, weekly and monthly views together and for any range asked (the
decisions do not depend on it): a team's figures are either all published or all hidden in the block;
the published figures fix each shown team's figure and the total in every piece, and the hidden teams
enter only as their sum in a piece where at least two of them are present (or the total is hidden). So
no hidden team's figure on a piece, week or month, nor any sum of one hidden team's figures, is a linear
combination of published ones, even for someone who knows in which pieces each team had anyone
(tests/models/test_absence_views.py checks this by the rank of the published equations over team ×
piece unknowns). Not covered: a sum of hidden teams that is 0 shows that none of them was sick;
`headcount` counts distinct people and is not a sum over pieces, so only its period differences are
covered by the argument above; a spell still open at the end of the imported rows is classified by
its rows so far; and an import that adds or corrects rows of a block or of the 70 days around it (the
current block's later days count with the roster as imported so far) can change its figures and
decision between two readings, which only the audit log of reads (api.audit) keeps track of.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from models.absence import (
    CONTINUATION_DAYS,
    SHORT_TERM_MAX_DAYS,
    TOTAL,
    absence_days,
    period_starts,
    sick_spells,
    team_sort_key,
)
from models.errors import ModelInputError

PeriodKind = Literal["week", "month"]
# What figures are counted over: weeks and months, and the pieces the rule decides on (a week's days in one month).
Grouping = Literal["week", "month", "piece"]
View = Literal["full", "restricted"]
Reason = Literal["small_group", "complementary"]

MIN_GROUP_SIZE = 5  # standards.md "Privacy": absence only for groups of at least 5 people
SMALL_GROUP: Reason = "small_group"
COMPLEMENTARY: Reason = "complementary"
# A short-term spell (≤ 14 sick days, ≤ 4 healthy days between) spans at most 14 + 13 × 4 = 66 calendar days,
# and a row continuing a spell starts at most 5 days after its last sick day. So a spell with a sick day in
# first..last is classified (and starts) the same with all rows as with the rows overlapping first − 70 .. last + 70:
# the absences to read before and after the days counted, and the only ones `daily_records` uses.
SHORT_SPELL_MAX_SPAN_DAYS = SHORT_TERM_MAX_DAYS + (SHORT_TERM_MAX_DAYS - 1) * (CONTINUATION_DAYS - 1)  # 66
SPELL_LOOKBACK_DAYS = SHORT_SPELL_MAX_SPAN_DAYS - 1 + CONTINUATION_DAYS  # 70
SPELL_LOOKAHEAD_DAYS = SPELL_LOOKBACK_DAYS

FIGURE_COLUMNS = [
    "period_start",
    "period_end",
    "team",
    "days",
    "headcount",
    "min_headcount",
    "fte_days",
    "fte",
    "spells",
    "sick_days",
    "sick_days_per_fte",
    "present",
]
VALUE_COLUMNS = ["headcount", "min_headcount", "fte_days", "fte", "spells", "sick_days", "sick_days_per_fte"]
SHOWN_COLUMNS = [*FIGURE_COLUMNS[:-1], "suppressed", "reason"]

_FREQ: dict[str, Literal["W-MON", "MS"]] = {"week": "W-MON", "month": "MS"}
_GROUPINGS = ("week", "month", "piece")


# ----- periods and blocks -------------------------------------------------------------------------


def period_bounds(day: date, period: Grouping) -> tuple[date, date]:
    """The first and last day of the ISO week, calendar month or piece (the week's days in the month) holding `day`."""
    day = pd.Timestamp(day).date()
    if period == "piece":
        week, month = period_bounds(day, "week"), period_bounds(day, "month")
        return max(week[0], month[0]), min(week[1], month[1])
    if period == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    if period == "month":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    raise ModelInputError(f"period must be 'week' or 'month'; got {period!r}")


def is_piece(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whether each start..end is a whole piece: the days one ISO week shares with one calendar month."""
    start, end = pd.to_datetime(start), pd.to_datetime(end)
    one_week = (end - start).dt.days.between(0, 6) & (start.dt.day_of_week <= end.dt.day_of_week)
    one_month = start.dt.to_period("M") == end.dt.to_period("M")
    starts = start.dt.day_of_week.eq(0) | start.dt.day.eq(1)
    ends = end.dt.day_of_week.eq(6) | end.dt.is_month_end
    return one_week & one_month & starts & ends


def block_bounds(day: date) -> tuple[date, date]:
    """The privacy block holding `day`: from the latest first-of-month on a Monday to the day before the next one."""
    day = pd.Timestamp(day).date()
    first = day.replace(day=1)
    while first.weekday() != 0:
        first = (first - timedelta(days=1)).replace(day=1)
    following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    while following.weekday() != 0:
        following = (following + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def decision_window(start: date, end: date) -> tuple[date, date]:
    """The whole blocks covering start..end: the days whose data decides what a restricted view of them shows."""
    if end < start:
        raise ModelInputError(f"end {end} is before start {start}")
    return block_bounds(start)[0], block_bounds(end)[1]


def data_window(period: PeriodKind, start: date, end: date, view: View) -> tuple[tuple[date, date], tuple[date, date]]:
    """The staff days and the absence days to read (rows overlapping them) for absence_view(..., start, end, view).

    Staff over the whole periods (restricted: the whole blocks) of start..end; absences from
    SPELL_LOOKBACK_DAYS before to SPELL_LOOKAHEAD_DAYS after them, so that every spell is classified with
    all its rows. Reading more changes nothing; reading less can change the figures.
    """
    first, last = period_bounds(start, period)[0], period_bounds(end, period)[1]
    if last < first:
        raise ModelInputError(f"end {end} is before start {start}")
    if view == "restricted":
        first, last = decision_window(first, last)
    elif view != "full":
        raise ModelInputError(f"view must be 'full' or 'restricted'; got {view!r}")
    spells = (first - timedelta(days=SPELL_LOOKBACK_DAYS), last + timedelta(days=SPELL_LOOKAHEAD_DAYS))
    return (first, last), spells


# ----- figures ------------------------------------------------------------------------------------


def team_period_figures(
    absences: pd.DataFrame, staff: pd.DataFrame, period: Grouping, start: date, end: date
) -> pd.DataFrame:
    """Per period (whole weeks, months or pieces covering start..end) and team, plus "total": FIGURE_COLUMNS.

    Unsuppressed. Every team named in staff or absences gets a row in every period (zeros where it had
    nobody); `present` says whether it had anyone employed or any short-term sick leave in the period.
    """
    first, last = period_bounds(start, period)[0], period_bounds(end, period)[1]
    if last < first:
        raise ModelInputError(f"end {end} is before start {start}")
    return _figures(daily_records(absences, staff, first, last), period)


@dataclass(frozen=True)
class DailyRecords:
    """Who was employed, and short-term sick, on each day of first..last, as integer codes (read once per view).

    Spells are classified from the absence rows overlapping first − SPELL_LOOKBACK_DAYS .. last +
    SPELL_LOOKAHEAD_DAYS only: with them, every spell with a sick day in first..last is classified as with
    all rows, and rows further away change nothing (the module docstring says why).

    Frames of int64 codes: `employee` and `team` index `employees` and `teams`, `day` counts from `first`.
    employed: employee, team, day, fte (capped at 1), one row per person, team and day employed;
    sick: employee, team, day, extent, the sick days that belong to a short-term spell;
    spells: employee, team, day, the first day of each short-term spell that starts in the window.
    """

    first: date
    last: date
    employees: tuple[str, ...]
    teams: tuple[str, ...]
    employed: pd.DataFrame
    sick: pd.DataFrame
    spells: pd.DataFrame

    @property
    def days(self) -> int:
        """The number of days first..last."""
        return (self.last - self.first).days + 1


def daily_records(absences: pd.DataFrame, staff: pd.DataFrame, first: date, last: date) -> DailyRecords:
    """The staff rows and short-term sick leave of first..last, day by day (spells by models.absence's rules)."""
    employed = _employment_days(staff, first, last)
    absences = _spell_rows(absences, first, last)
    spells = sick_spells(absences)
    in_window = spells["start_date"].between(pd.Timestamp(first), pd.Timestamp(last))
    starts = spells.loc[spells["short_term"] & in_window, ["employee", "team", "start_date"]]
    starts = starts.rename(columns={"start_date": "date"})
    sick = _short_term_days(absences, spells, first, last)
    teams = tuple(sorted(set(_column(staff, "team")) | set(sick["team"]) | set(starts["team"]), key=team_sort_key))
    names = pd.concat([employed["employee"], sick["employee"], starts["employee"]], ignore_index=True)
    employees = tuple(sorted(set(names.astype(str))))
    origin = np.datetime64(first, "D")

    def coded(frame: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
        day = frame["date"].to_numpy().astype("datetime64[D]") - origin
        return pd.DataFrame(
            {
                "employee": pd.Index(employees).get_indexer(pd.Index(frame["employee"].astype(str))),
                "team": pd.Index(teams).get_indexer(pd.Index(frame["team"].astype(str))),
                "day": day.astype(np.int64),
                **{column: frame[column].to_numpy(dtype=np.float64) for column in extra},
            }
        )

    return DailyRecords(
        first=first,
        last=last,
        employees=employees,
        teams=teams,
        employed=coded(employed, ["fte"]),
        sick=coded(sick, ["extent"]),
        spells=coded(starts, []),
    )


def _figures(daily: DailyRecords, period: Grouping) -> pd.DataFrame:
    """FIGURE_COLUMNS per period and team of `daily` (whose window is made of whole periods), totals last."""
    if period not in _GROUPINGS:
        raise ModelInputError(f"period must be 'week' or 'month'; got {period!r}")
    n_days, n_teams = daily.days, len(daily.teams)
    days = pd.Series(pd.date_range(daily.first, daily.last, freq="D"))
    if period == "piece":  # a piece starts on the later of its week's and its month's first day
        day_start = np.maximum(period_starts(days, "W-MON").to_numpy(), period_starts(days, "MS").to_numpy())
    else:
        day_start = period_starts(days, _FREQ[period]).to_numpy()
    code, periods = pd.factorize(day_start)  # periods are runs of days, in order
    bounds = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    lengths = np.diff(np.r_[bounds, n_days]).astype(np.int64)
    n_periods = len(periods)

    emp, sick, spells = daily.employed, daily.sick, daily.spells
    emp_day, emp_team, emp_id = (emp[c].to_numpy(dtype=np.int64) for c in ("day", "team", "employee"))
    emp_period = code[emp_day]
    on_day = np.zeros((n_days, n_teams), dtype=np.int64)
    np.add.at(on_day, (emp_day, emp_team), 1)  # rows are unique per person, team and day
    min_team = np.minimum.reduceat(on_day, bounds, axis=0) if n_teams else np.zeros((n_periods, 0), np.int64)
    fte_days = np.zeros((n_periods, n_teams))
    np.add.at(fte_days, (emp_period, emp_team), emp["fte"].to_numpy(dtype=np.float64))
    headcount = _distinct_count(emp_id, emp_period, emp_team, n_periods, n_teams)
    sick_days = np.zeros((n_periods, n_teams))
    np.add.at(
        sick_days, (code[sick["day"].to_numpy(np.int64)], sick["team"].to_numpy(np.int64)), sick["extent"].to_numpy()
    )
    spell_count = np.zeros((n_periods, n_teams), dtype=np.int64)
    np.add.at(spell_count, (code[spells["day"].to_numpy(np.int64)], spells["team"].to_numpy(np.int64)), 1)

    centre_on_day = _distinct_count(emp_id, emp_day, np.zeros_like(emp_day), n_days, 1)[:, 0]
    centre_min = np.minimum.reduceat(centre_on_day, bounds)
    centre_head = _distinct_count(emp_id, emp_period, np.zeros_like(emp_period), n_periods, 1)[:, 0]

    def with_total(grid: NDArray[Any], total: NDArray[Any]) -> NDArray[Any]:
        return np.column_stack([grid, total]).ravel()  # per period: its teams, then its total

    width = n_teams + 1
    start = np.repeat(pd.DatetimeIndex(periods).to_numpy(), width)
    frame = pd.DataFrame(
        {
            "period_start": start,
            "period_end": start + np.repeat(lengths - 1, width).astype("timedelta64[D]"),
            "team": np.tile(np.array([*daily.teams, TOTAL], dtype=object), n_periods),
            "days": np.repeat(lengths, width),
            "headcount": with_total(headcount, centre_head),
            "min_headcount": with_total(min_team, centre_min),
            "fte_days": with_total(fte_days, fte_days.sum(axis=1)),
            "spells": with_total(spell_count, spell_count.sum(axis=1)),
            "sick_days": with_total(sick_days, sick_days.sum(axis=1)),
        }
    )
    frame["fte"] = frame["fte_days"] / frame["days"]
    frame["sick_days_per_fte"] = frame["sick_days"] / frame["fte"].where(frame["fte"] > 0)
    frame["present"] = (frame["headcount"] > 0) | (frame["spells"] > 0) | (frame["sick_days"] > 0)
    return frame[FIGURE_COLUMNS]


def _distinct_count(
    who: NDArray[np.int64], row: NDArray[np.int64], col: NDArray[np.int64], n_rows: int, n_cols: int
) -> NDArray[np.int64]:
    """How many distinct `who` fall in each (row, col) cell of an n_rows × n_cols grid."""
    grid = np.zeros((n_rows, n_cols), dtype=np.int64)
    if len(who):
        span = int(who.max()) + 1
        cells = np.unique((row * n_cols + col) * span + who) // span  # one per distinct (row, col, who)
        np.add.at(grid, (cells // n_cols, cells % n_cols), 1)
    return grid


def _employment_days(staff: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """One row per person, team and day employed in first..last: employee, team, date, fte (capped at 1)."""
    missing = [c for c in ("employee", "team", "start_date", "end_date", "fte") if c not in staff.columns]
    if missing:
        raise ModelInputError(f"staff lacks columns {missing}")
    lo, hi = np.datetime64(first, "D"), np.datetime64(last, "D")
    begin = pd.to_datetime(staff["start_date"]).to_numpy().astype("datetime64[D]")
    finish = pd.to_datetime(staff["end_date"]).to_numpy().astype("datetime64[D]")
    if np.isnat(begin).any():
        raise ModelInputError("staff rows need a start_date")
    finish = np.where(np.isnat(finish), hi, finish)
    begin, finish = np.maximum(begin, lo), np.minimum(finish, hi)
    keep = begin <= finish
    begin, finish = begin[keep], finish[keep]
    lengths = (finish - begin).astype(np.int64) + 1
    index = np.repeat(np.flatnonzero(keep), lengths)
    offsets = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    day = np.repeat(begin, lengths) + offsets.astype("timedelta64[D]")
    rows = pd.DataFrame(
        {
            "employee": staff["employee"].astype(str).to_numpy()[index],
            "team": staff["team"].astype(str).to_numpy()[index],
            "date": pd.DatetimeIndex(day.astype("datetime64[ns]")),
            "fte": pd.to_numeric(staff["fte"]).to_numpy(dtype=np.float64)[index],
        }
    )
    per_day = rows.groupby(["employee", "team", "date"])["fte"].sum().clip(upper=1.0)
    return per_day.reset_index()


def _spell_rows(absences: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """The absence rows that decide the spells of first..last: those overlapping the days around it (DailyRecords)."""
    if "start_date" not in absences.columns or "end_date" not in absences.columns:
        return absences  # models.absence says what is missing
    lo = pd.Timestamp(first - timedelta(days=SPELL_LOOKBACK_DAYS))
    hi = pd.Timestamp(last + timedelta(days=SPELL_LOOKAHEAD_DAYS))
    outside = (pd.to_datetime(absences["end_date"]) < lo) | (pd.to_datetime(absences["start_date"]) > hi)
    return absences[~outside.to_numpy()]


def _short_term_days(absences: pd.DataFrame, spells: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """The sick days in first..last that belong to a short-term spell: employee, team, date, extent (0–1)."""
    days = absence_days(absences, reasons=("sick",))
    days = days[days["date"].between(pd.Timestamp(first), pd.Timestamp(last))]
    if days.empty or spells.empty:
        return days.iloc[0:0]
    left = days.sort_values("date")
    right = spells[["employee", "start_date", "end_date", "short_term"]].sort_values("start_date")
    joined = pd.merge_asof(left, right, left_on="date", right_on="start_date", by="employee", direction="backward")
    keep = joined["short_term"].eq(True) & (joined["date"] <= joined["end_date"])
    return joined.loc[keep, ["employee", "team", "date", "extent"]].reset_index(drop=True)


def _column(frame: pd.DataFrame, name: str) -> list[str]:
    return list(frame[name].astype(str)) if name in frame.columns else []


# ----- suppression --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suppression:
    """What a restricted view hides: per block (its first day), each hidden team (or "total") and why."""

    hidden: Mapping[date, Mapping[str, Reason]]

    def reason(self, day: date, team: str) -> Reason | None:
        """Why `team` ("total" for the centre) is hidden in the block holding `day`; None when it is shown."""
        return self.hidden.get(block_bounds(day)[0], {}).get(team)


def decide_suppression(cells: pd.DataFrame, min_size: int = MIN_GROUP_SIZE) -> Suppression:
    """Which teams and totals a restricted view hides, block by block (the rule in the module docstring).

    `cells` holds every piece of whole blocks, the days an ISO week shares with a calendar month
    (team_period_figures(..., "piece", ...) over decision_window): period_start, period_end, team (with
    "total" rows), headcount, min_headcount and present. Weeks and months are refused: the rule has to see
    each piece, since a week's or a month's presence does not say who was in on the days they share. A
    block without "total" rows is taken to publish no total.
    """
    missing = [
        c for c in ("period_start", "period_end", "team", "headcount", "min_headcount", "present") if c not in cells
    ]
    if missing:
        raise ModelInputError(f"cells lack columns {missing}")
    if not is_piece(cells["period_start"], cells["period_end"]).all():
        raise ModelInputError("cells must be pieces (a week's days in one month), not whole weeks or months")
    starts = pd.to_datetime(cells["period_start"])
    block_of = {d: block_bounds(d.date())[0] for d in pd.DatetimeIndex(starts.unique())}
    blocks = starts.map(block_of)
    hidden: dict[date, dict[str, Reason]] = {}
    for block in sorted(set(block_of.values())):
        decided = _decide_block(cells[(blocks == block).to_numpy()], min_size)
        if decided:
            hidden[block] = decided
    return Suppression(hidden)


def _decide_block(part: pd.DataFrame, min_size: int) -> dict[str, Reason]:
    is_total = part["team"].astype(str).eq(TOTAL).to_numpy()
    groups, totals = part[~is_total], part[is_total]
    reasons: dict[str, Reason] = {}
    smallest = groups.groupby("team")["min_headcount"].min()
    for team in sorted(smallest.index[smallest < min_size], key=team_sort_key):
        reasons[str(team)] = SMALL_GROUP
    if totals.empty:
        return reasons  # no total is published: nothing to subtract from
    if (totals["min_headcount"] < min_size).any():
        reasons[TOTAL] = SMALL_GROUP
    present = groups[groups["present"].astype(bool)]
    by_piece = list(present.groupby(["period_start", "period_end"], sort=True))
    while TOTAL not in reasons:
        lone = next(
            (rows for _, rows in by_piece if rows["team"].isin(reasons.keys()).sum() == 1),
            None,
        )
        if lone is None:
            break
        shown = lone[~lone["team"].isin(reasons.keys())]
        if shown.empty:
            reasons[TOTAL] = COMPLEMENTARY
        else:
            sizes = zip(shown["headcount"], shown["team"].astype(str), strict=True)
            _, team = min(sizes, key=lambda size_team: (size_team[0], team_sort_key(size_team[1])))
            reasons[team] = COMPLEMENTARY
    return reasons


def apply_suppression(figures: pd.DataFrame, suppression: Suppression | None) -> pd.DataFrame:
    """The figures as a view shows them: SHOWN_COLUMNS, hidden cells' values missing; None shows everything.

    With a suppression (a restricted view), `min_headcount` is missing in every row (module docstring, rule 5).
    """
    out = figures.reset_index(drop=True)
    reason = pd.Series([None] * len(out), index=out.index, dtype=object)
    if suppression is not None and len(out):
        starts = pd.to_datetime(out["period_start"])
        unique = pd.DatetimeIndex(starts.unique())
        block = starts.map(pd.Series([block_bounds(d.date())[0] for d in unique], index=unique))
        reason = pd.Series(
            [suppression.hidden.get(b, {}).get(str(t)) for b, t in zip(block, out["team"], strict=True)],
            index=out.index,
            dtype=object,
        )
    hide = reason.notna().to_numpy()
    out = out.astype({"headcount": "Int64", "min_headcount": "Int64", "spells": "Int64"})
    out = out.astype({c: np.float64 for c in ("fte_days", "fte", "sick_days", "sick_days_per_fte")})
    for column in VALUE_COLUMNS:
        out.loc[hide, column] = pd.NA if str(out[column].dtype) == "Int64" else np.nan
    if suppression is not None:
        out["min_headcount"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    out["suppressed"] = hide
    out["reason"] = reason
    return out[SHOWN_COLUMNS]


# ----- the view -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AbsenceView:
    """One view of absence per team and period: the teams' rows, the centre's rows and whom they cover."""

    period: PeriodKind
    view: View
    start: date  # the first day of the first period
    end: date  # the last day of the last period
    teams: pd.DataFrame  # SHOWN_COLUMNS, one row per team and period
    centre: pd.DataFrame  # SHOWN_COLUMNS, team == "total", one row per period
    people: int  # distinct people behind the published figures


def absence_view(
    absences: pd.DataFrame,
    staff: pd.DataFrame,
    period: PeriodKind,
    start: date,
    end: date,
    view: View,
    teams: Collection[str] | None = None,
) -> AbsenceView:
    """Absence per team and week or month over start..end (whole periods), as `view` may see it.

    The frames must hold the rows overlapping data_window(period, start, end, view): a restricted view
    is decided on whole blocks, piece by piece, for every team, and only then cut to the periods and
    `teams` asked for; spells are classified with the absences around the days counted (daily_records).
    `people` counts everyone employed or sick in a team and period whose figures (or whose centre total)
    are published.
    """
    if view not in ("full", "restricted"):
        raise ModelInputError(f"view must be 'full' or 'restricted'; got {view!r}")
    first, last = period_bounds(start, period)[0], period_bounds(end, period)[1]
    if last < first:
        raise ModelInputError(f"end {end} is before start {start}")
    if view == "full":
        daily = daily_records(absences, staff, first, last)
        suppression = None
        figures = _figures(daily, period)
    else:
        daily = daily_records(absences, staff, *decision_window(first, last))
        suppression = decide_suppression(_figures(daily, "piece"))
        figures = _figures(daily, period)
        figures = figures[figures["period_start"].between(pd.Timestamp(first), pd.Timestamp(last))]
    shown = apply_suppression(figures, suppression)
    is_total = shown["team"].eq(TOTAL)
    rows = shown[~is_total]
    if teams is not None:
        rows = rows[rows["team"].isin(list(teams))]
    return AbsenceView(
        period=period,
        view=view,
        start=first,
        end=last,
        teams=rows.reset_index(drop=True),
        centre=shown[is_total].reset_index(drop=True),
        people=people_covered(daily, first, last, suppression, teams),
    )


def people_covered(
    daily: DailyRecords,
    first: date,
    last: date,
    suppression: Suppression | None,
    teams: Collection[str] | None = None,
) -> int:
    """Distinct people employed or short-term sick in first..last in a listed team or centre figure that is shown."""
    parts = [daily.employed, daily.sick, daily.spells]
    members = pd.concat([p[["employee", "team", "day"]] for p in parts], ignore_index=True)
    lo, hi = (first - daily.first).days, (last - daily.first).days
    members = members[members["day"].between(lo, hi)]
    if suppression is None or members.empty:
        return int(members["employee"].nunique())  # the centre's rows are shown: they cover everyone
    # Per day of the window, its block; per block, which teams (the last column: the total) are hidden.
    blocks: list[date] = []
    day_block = np.empty(daily.days, dtype=np.int64)
    day = daily.first
    while day <= daily.last:
        block_first, block_last = block_bounds(day)
        a, b = (day - daily.first).days, (min(block_last, daily.last) - daily.first).days
        day_block[a : b + 1] = len(blocks)
        blocks.append(block_first)
        day = block_last + timedelta(days=1)
    labels = [*daily.teams, TOTAL]
    hidden = np.array([[label in suppression.hidden.get(b, {}) for label in labels] for b in blocks], dtype=bool)
    listed = np.array([teams is None or team in teams for team in daily.teams], dtype=bool)
    block = day_block[members["day"].to_numpy(np.int64)]
    team = members["team"].to_numpy(np.int64)
    shown = ~hidden[block, -1] | (listed[team] & ~hidden[block, team])
    return int(members.loc[shown, "employee"].nunique())
