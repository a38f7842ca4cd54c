"""Who will be there: each staff row's capacity per coming day, planned leave, and vacancies with their gap.

The forecast uses how many agents are available, never why someone is away (standards.md "Privacy").
From the roster (staff.csv, with its future starts and end dates) and the absence file:

- **Capacity.** A staff row adds its FTE on the days it is employed; a new hire (no row of the same
  person ending the week before, i.e. not a move between groups) starts at `Training.start_capacity`
  of an agent and ramps linearly to a whole one over `Training.days` (standards.md "Staffing").
- **Vacancies.** A leaver (an end date with no later row of the same person) leaves a seat. It is filled
  by the group's next new hire that starts after the leaver's last day less `OVERLAP_DAYS` (a hire can
  begin before the leaver goes); without one, a replacement is *assumed* to start `recruitment_days`
  after the last day, in training like any hire. An assumed start already past is overdue: the seat is
  taken to stay open, and the outlook says so rather than inventing a start.
- **Planned leave.** Absence rows that are known on the as-of day: those already begun (someone on leave
  or sick leave with an end date), and future rows of any reason but sick and child care (vacation,
  parental leave, other leave are planned; illness and a sick child are not).
- **Full strength** of a group is the FTE employed on the as-of day plus its open vacancies: what the
  group would have with every seat filled by a trained agent (the "vacancies" driver's reference).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from models.absence import absence_days, sick_spells, team_sort_key
from models.errors import ModelInputError
from models.holidays import WEEKDAYS, opening_days
from models.staffing import TRAINING_DAYS, TRAINING_START, training_capacity

FloatArray = NDArray[np.float64]
UNPLANNED_REASONS = ("sick", "child_care")  # never known in advance; every other reason can be planned
RECRUITMENT_DAYS = 91  # standards.md: a vacancy costs up to three months of recruiting ...
OVERLAP_DAYS = 92  # a hire up to three months before the leaver goes still fills the leaver's seat
MOVE_GAP_DAYS = 7  # a row that starts within a week of the same person's previous row is a move, not a hire
STAFF_COLUMNS = ["employee", "team", "start_date", "end_date", "fte"]


@dataclass(frozen=True)
class Training:
    """A new hire's ramp: `start_capacity` of an agent on the first day, a whole one after `days` days."""

    days: int = TRAINING_DAYS
    start_capacity: float = TRAINING_START

    def __post_init__(self) -> None:
        if self.days < 0 or not 0 <= self.start_capacity <= 1:
            raise ModelInputError(f"training needs days ≥ 0 and a start capacity in [0, 1], got {self}")


@dataclass(frozen=True)
class Vacancy:
    """A seat left by a leaver, and when (if at all) it is filled."""

    team: str
    fte: float
    last_day: date  # the leaver's last day
    start: date | None  # the replacement's first day; None: assumed to stay open in the horizon
    known: bool  # a hire in the roster (True) or an assumed replacement after the recruitment gap (False)
    person: int | None  # the outlook row of the replacement (None when the seat stays open)

    def describe(self) -> str:
        """In words, for the drivers."""
        fte = f"{self.fte:g} FTE"
        if self.start is None:
            return f"a vacancy ({fte}) open since {self.last_day.isoformat()} with no hire in the roster"
        how = "hire starts" if self.known else "replacement expected (recruitment gap)"
        return (
            f"a vacancy ({fte}) from {(self.last_day + timedelta(days=1)).isoformat()}, {how} {self.start.isoformat()}"
        )


@dataclass(frozen=True)
class Outlook:
    """Per staff row (and assumed replacement) and calendar day of the horizon: capacity and planned leave."""

    days: pd.DatetimeIndex  # every calendar day of the horizon (local dates)
    open_day: NDArray[np.bool_]
    teams: tuple[str, ...]
    employees: tuple[str, ...]  # per person row (assumed replacements: a placeholder)
    person_team: NDArray[np.int64]  # index into teams
    fte: FloatArray
    starts: tuple[date, ...]  # per person row: first day (assumed replacements: the assumed start)
    ends: tuple[date | None, ...]
    new_hire: NDArray[np.bool_]
    capacity: FloatArray  # (persons, days): FTE × training ramp while employed, else 0
    planned: FloatArray  # (persons, days): share of the day on known leave (0–1)
    full_strength: FloatArray  # per team
    vacancies: tuple[Vacancy, ...]
    training: Training = field(default_factory=Training)
    notes: tuple[str, ...] = ()

    @property
    def open_index(self) -> NDArray[np.int64]:
        """Positions of the open days among `days`."""
        return np.flatnonzero(self.open_day)

    def rostered(self) -> FloatArray:
        """(teams, days): capacity summed per team, before any absence."""
        onehot = np.eye(len(self.teams))[self.person_team]
        return np.asarray(onehot.T @ self.capacity, dtype=np.float64)

    def with_start(self, person: int, start: date) -> Outlook:
        """The same outlook with one (new-hire) row starting on another day: the "filled earlier" scenario."""
        capacity = self.capacity.copy()
        capacity[person] = _capacity_row(start, self.ends[person], self.fte[person], True, self.days, self.training)
        starts = list(self.starts)
        starts[person] = start
        return replace(self, capacity=capacity, starts=tuple(starts))


def outlook(
    staff: pd.DataFrame,
    absences: pd.DataFrame,
    as_of: date,
    first_day: date,
    last_day: date,
    *,
    weekdays: Sequence[int] = WEEKDAYS,
    training: Training = Training(),
    recruitment_days: int = RECRUITMENT_DAYS,
    teams: Sequence[str] | None = None,
) -> Outlook:
    """The horizon first_day … last_day as seen on `as_of`: capacity, planned leave and vacancies."""
    missing = [c for c in STAFF_COLUMNS if c not in staff.columns]
    if missing:
        raise ModelInputError(f"staff lacks columns {missing}")
    if last_day < first_day:
        raise ModelInputError(f"the horizon ends ({last_day}) before it begins ({first_day})")
    if recruitment_days < 0:
        raise ModelInputError(f"recruitment_days must be ≥ 0, got {recruitment_days}")
    names = tuple(teams) if teams is not None else tuple(sorted(set(staff["team"].astype(str)), key=team_sort_key))
    rows = [r for r in _rows(staff) if r.team in names]
    days = pd.date_range(first_day, last_day, freq="D")
    open_set = set(opening_days(first_day, last_day, weekdays))
    open_day = np.array([d.date() in open_set for d in days], dtype=bool)
    vacancies, assumed, notes = _vacancies(rows, as_of, last_day, recruitment_days, training.days)
    rows = rows + assumed
    capacity = (
        np.vstack([_capacity_row(r.start, r.end, r.fte, r.new_hire, days, training) for r in rows])
        if rows
        else np.zeros((0, len(days)))
    )
    planned = _planned(rows, absences, as_of, days)
    team_index = {t: i for i, t in enumerate(names)}
    person_team = np.array([team_index[r.team] for r in rows], dtype=np.int64)
    full = np.zeros(len(names))
    for r in rows:
        if not r.assumed and r.start <= as_of and (r.end is None or r.end >= as_of):
            full[team_index[r.team]] += r.fte
    for v in vacancies:
        if v.last_day < as_of and (v.start is None or v.start > as_of):
            full[team_index[v.team]] += v.fte
    return Outlook(
        days=days,
        open_day=open_day,
        teams=names,
        employees=tuple(r.employee for r in rows),
        person_team=person_team,
        fte=np.array([r.fte for r in rows], dtype=np.float64),
        starts=tuple(r.start for r in rows),
        ends=tuple(r.end for r in rows),
        new_hire=np.array([r.new_hire for r in rows], dtype=bool),
        capacity=capacity,
        planned=planned,
        full_strength=full,
        vacancies=tuple(vacancies),
        training=training,
        notes=tuple(notes),
    )


def known_on(
    staff: pd.DataFrame, absences: pd.DataFrame, as_of: date, notice_days: int = 30, certificate_day: int = 8
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The roster and absence file as they stood on `as_of` (for backtests on complete files).

    A start or an end date is known `notice_days` ahead (a signed contract, a notice period); an absence
    row is known once it has begun, or ahead of time if it is planned leave (not sick, not child care).
    Sick leave or child care under way is known to the as-of day only — a sick spell's end date only
    once a medical certificate gives one (from its `certificate_day`th day, as in Sweden).
    """
    horizon = pd.Timestamp(as_of + timedelta(days=notice_days))
    start = pd.to_datetime(staff["start_date"])
    end = pd.to_datetime(staff["end_date"])
    kept = staff[start <= horizon].copy()
    kept["end_date"] = end[start <= horizon].where(end[start <= horizon] <= horizon)
    day = pd.Timestamp(as_of)
    a_start = pd.to_datetime(absences["start_date"])
    rows = absences[(a_start <= day) | ~absences["reason"].isin(UNPLANNED_REASONS)].copy()
    start, end = pd.to_datetime(rows["start_date"]), pd.to_datetime(rows["end_date"])
    uncertified = rows["reason"].isin(UNPLANNED_REASONS) & (start <= day) & (end > day)
    # A row may continue an older spell (a relapse within five days, part-time after full-time): the
    # certificate counts from the spell's first day.
    spell_start = _spell_starts(rows[(rows["reason"] == "sick") & (start <= day)], start)
    uncertified &= (rows["reason"] != "sick") | ((day - spell_start).dt.days + 1 < certificate_day)
    rows["end_date"] = end.where(~uncertified, day)
    return kept.reset_index(drop=True), rows.reset_index(drop=True)


# ----- internals ---------------------------------------------------------------------------------


def _spell_starts(sick: pd.DataFrame, start: pd.Series) -> pd.Series:
    """Per absence row (start's index): the first day of the sick spell it belongs to (its own start otherwise)."""
    out = start.copy()
    if sick.empty:
        return out
    spells = sick_spells(sick)
    for index, employee, first in zip(sick.index, sick["employee"].astype(str), start[sick.index], strict=True):
        mine = spells[
            (spells["employee"].astype(str) == employee)
            & (pd.to_datetime(spells["start_date"]) <= first)
            & (pd.to_datetime(spells["end_date"]) >= first)
        ]
        if len(mine):
            out[index] = pd.Timestamp(mine["start_date"].iloc[0])
    return out


@dataclass(frozen=True)
class _Person:
    """One staff row (or an assumed replacement) with its dates, and whether it starts or ends employment."""

    employee: str
    team: str
    start: date
    end: date | None
    fte: float
    new_hire: bool = True
    leaves: bool = False
    assumed: bool = False


def _rows(staff: pd.DataFrame) -> list[_Person]:
    """The staff rows with dates, and whether each is a new hire (not a move from another group)."""
    employees = staff["employee"].astype(str).tolist()
    teams = staff["team"].astype(str).tolist()
    starts = [pd.Timestamp(d).date() for d in staff["start_date"]]
    ends = [None if pd.isna(d) else pd.Timestamp(d).date() for d in staff["end_date"]]
    ftes = [float(f) for f in pd.to_numeric(staff["fte"])]
    if not all(0 < f <= 1 for f in ftes):
        raise ModelInputError("staff: fte must lie in (0, 1]")
    previous_end: dict[str, list[date]] = {}
    next_start: dict[str, list[date]] = {}
    for employee, start, end in zip(employees, starts, ends, strict=True):
        if end is not None:
            previous_end.setdefault(employee, []).append(end)
        next_start.setdefault(employee, []).append(start)
    gap = timedelta(days=MOVE_GAP_DAYS)
    out = []
    for employee, team, start, end, fte in zip(employees, teams, starts, ends, ftes, strict=True):
        new_hire = not any(start - gap <= e < start for e in previous_end.get(employee, ()))
        leaves = end is not None and not any(end < s <= end + gap for s in next_start.get(employee, ()))
        out.append(_Person(employee, team, start, end, fte, new_hire, leaves))
    return out


def _vacancies(
    rows: list[_Person], as_of: date, last_day: date, recruitment_days: int, training_days: int
) -> tuple[list[Vacancy], list[_Person], list[str]]:
    """Leavers that matter to the horizon, matched with the group's hires; assumed replacements for the rest."""
    vacancies: list[Vacancy] = []
    assumed: list[_Person] = []
    notes: list[str] = []
    # A seat left before this is either filled long since or no longer part of the group.
    relevant = as_of - timedelta(days=recruitment_days + training_days)
    for team in dict.fromkeys(r.team for r in rows):
        hires = sorted((r.start, i) for i, r in enumerate(rows) if r.team == team and r.new_hire)
        used: set[int] = set()
        leavers = sorted(
            (r for r in rows if r.team == team and r.leaves and r.end is not None), key=lambda r: r.end or r.start
        )
        for r in leavers:
            assert r.end is not None
            end = r.end
            match = next(
                (i for s, i in hires if i not in used and s > end - timedelta(days=OVERLAP_DAYS) and s > r.start),
                None,
            )
            if match is not None:
                used.add(match)
            if end < relevant or end > last_day:
                continue
            if match is not None:
                vacancies.append(Vacancy(team, r.fte, end, rows[match].start, True, match))
                continue
            start = _weekday_on_or_after(end + timedelta(days=recruitment_days + 1))
            if start <= as_of:
                vacancies.append(Vacancy(team, r.fte, end, None, False, None))
                notes.append(
                    f"group {team}: the seat left on {end.isoformat()} has no hire in the roster and the usual "
                    "recruitment time has passed: it is taken to stay open"
                )
                continue
            person = len(rows) + len(assumed)
            assumed.append(_Person(f"(replacement {len(assumed) + 1})", team, start, None, r.fte, assumed=True))
            vacancies.append(Vacancy(team, r.fte, end, start, False, person))
    return vacancies, assumed, notes


def _capacity_row(
    start: date, end: date | None, fte: float, new_hire: bool, days: pd.DatetimeIndex, training: Training
) -> FloatArray:
    """FTE × training ramp on the days of employment, 0 on the others."""
    day = days.to_numpy().astype("datetime64[D]")
    first = np.datetime64(start, "D")
    last = np.datetime64(end, "D") if end is not None else np.datetime64("9999-12-31", "D")
    employed = (day >= first) & (day <= last)
    ramp = (
        training_capacity((day - first).astype(np.int64).astype(np.float64), training.days, training.start_capacity)
        if new_hire
        else np.ones(len(day))
    )
    return np.where(employed, fte * ramp, 0.0)


def _planned(rows: list[_Person], absences: pd.DataFrame, as_of: date, days: pd.DatetimeIndex) -> FloatArray:
    """(persons, days): the share of each day on leave known on `as_of`, within the row's employment."""
    planned = np.zeros((len(rows), len(days)))
    if absences.empty or not rows:
        return planned
    start = pd.to_datetime(absences["start_date"])
    known = absences[(start <= pd.Timestamp(as_of)) | ~absences["reason"].isin(UNPLANNED_REASONS)]
    known = known[pd.to_datetime(known["end_date"]) >= days[0]]
    if known.empty:
        return planned
    per_day = absence_days(known)
    per_day = per_day[(per_day["date"] >= days[0]) & (per_day["date"] <= days[-1])]
    column = ((per_day["date"] - days[0]).dt.days).to_numpy()
    by_employee: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_employee.setdefault(r.employee, []).append(i)
    day_dates = [d.date() for d in days]
    for employee, col, extent in zip(
        per_day["employee"].astype(str), column.tolist(), per_day["extent"].tolist(), strict=True
    ):
        for i in by_employee.get(employee, ()):
            r = rows[i]
            if r.start <= day_dates[col] and (r.end is None or day_dates[col] <= r.end):
                planned[i, col] = max(planned[i, col], float(extent))
    return planned


def _weekday_on_or_after(day: date) -> date:
    """Hires start on a weekday: a Saturday or Sunday moves to Monday."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day
