"""Absence spells: short and long sick leave, child care (vab) and other, day by day for each person.

Each person has one hazard of starting an absence on each open day they are at work, split into
competing causes. Short-term sick onsets carry the season, the weekday, a personal proneness and the
planted environment multiplier of the person's zone that month. All random numbers are drawn per
person and day up front, so planting a larger effect mostly adds spells rather than reshuffling them.

Simplifications: onsets only on open days (illness over a weekend is reported on Monday); no new
sick spell within `relapse_gap_days` of the last (a relapse would continue it), so every generated
spell is one spell by the 5-day rule; a long spell that ends part-time is two adjacent rows; spells
run to their planned end even past the period's end, but never past the end of employment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from models.absence import SHORT_TERM_MAX_DAYS
from synthetic.centre.config import AbsenceParams
from synthetic.centre.staff import Employment
from synthetic.streams import stream

FloatArray = NDArray[np.float64]
ABSENCE_COLUMNS = ["employee_id", "team", "start_date", "end_date", "reason", "extent_pct"]
SPELL_COLUMNS = ["employee_id", "team", "zone", "reason", "kind", "start_date", "end_date", "days", "multiplier"]

LONG, SHORT, CHILD, OTHER = range(4)


@dataclass(frozen=True)
class Calendar:
    """The simulated days: dates, whether the centre is open, month (1–12) and weekday (0 = Monday)."""

    days: NDArray[np.datetime64]
    open: NDArray[np.bool_]
    month: NDArray[np.int64]
    weekday: NDArray[np.int64]

    @property
    def first(self) -> date:
        """The first simulated day."""
        return _to_date(self.days[0])


@dataclass(frozen=True)
class Absences:
    """The HR export's rows, one row per spell in the truth, and each person's absent share per day."""

    rows: pd.DataFrame
    spells: pd.DataFrame
    extent: dict[str, FloatArray]  # employee_id → share of the day absent (0–1), per calendar day


def make_calendar(first: date, last: date, open_days: set[date]) -> Calendar:
    """The calendar from first to last inclusive."""
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    index = pd.DatetimeIndex(days)
    return Calendar(
        days=days,
        open=np.array([_to_date(d) in open_days for d in days], dtype=bool),
        month=index.month.to_numpy(dtype=np.int64),
        weekday=index.day_of_week.to_numpy(dtype=np.int64),
    )


def draw_absences(
    roster: list[Employment],
    calendar: Calendar,
    multiplier: dict[str, FloatArray],
    params: AbsenceParams,
    seed: int,
) -> Absences:
    """Every absence of everyone on the roster; `multiplier` is the planted hazard ratio per team and day."""
    rows: list[tuple[str, str, date, date, str, int]] = []
    spells: list[tuple[str, str, str, str, str, date, date, int, float]] = []
    extent: dict[str, FloatArray] = {}
    n_days = len(calendar.days)
    per_day = 1.0 / params.open_days_per_year
    short_months = np.asarray(params.short_sick_months)[calendar.month - 1]
    child_months = np.asarray(params.child_care_months)[calendar.month - 1]
    onset_weekdays = np.asarray(params.onset_weekdays)[calendar.weekday]
    for index, person in enumerate(roster):
        rng = stream(seed, "absence", index)  # the roster is in order of hire, as are the ids
        frailty = float(rng.gamma(params.frailty_shape, 1.0 / params.frailty_shape))
        parent = bool(rng.random() < params.child_care_share)
        draws = rng.random((n_days, 4))  # onset, duration, extent, shape of a long spell
        at_work = calendar.open & _employed(person, calendar.days)
        hazards = np.zeros((4, n_days))
        hazards[LONG] = params.long_sick_per_fte_year * per_day
        hazards[SHORT] = (
            params.short_sick_per_fte_year * per_day * short_months * onset_weekdays * frailty * multiplier[person.team]
        )
        hazards[CHILD] = params.child_care_per_year * per_day * child_months * parent
        hazards[OTHER] = params.other_per_fte_year * per_day
        # Part-timers work fewer days, so they have fewer days on which to fall ill or stay home.
        hazards *= person.fte * at_work
        bounds = np.cumsum(hazards, axis=0)
        absent = np.zeros(n_days)
        free_from = 0
        for i in np.flatnonzero(draws[:, 0] < bounds[-1]).tolist():
            if i < free_from:
                continue  # already away, or within the relapse gap of a sick spell
            cause = int(np.searchsorted(bounds[:, i], draws[i, 0], side="right"))
            start = _to_date(calendar.days[i])
            pieces = _spell(cause, start, *draws[i, 1:].tolist(), params=params)
            if person.end is not None:
                # Nobody is on sick leave from an employer they have left.
                last = person.end
                pieces = [(s, min(e, last), x) for s, e, x in pieces if s <= last]
            end = pieces[-1][1]
            reason = "sick" if cause in (LONG, SHORT) else "child_care" if cause == CHILD else "other"
            days = (end - start).days + 1
            kind = reason if reason != "sick" else "short" if days <= SHORT_TERM_MAX_DAYS else "long"
            mult = float(multiplier[person.team][i]) if cause == SHORT else 1.0
            spells.append((person.employee_id, person.team, person.zone, reason, kind, start, end, days, mult))
            for s, e, x in pieces:
                rows.append((person.employee_id, person.team, s, e, reason, x))
                # Spells may run past the calendar (the sick note's planned end); slicing clips them.
                absent[(s - calendar.first).days : (e - calendar.first).days + 1] = x / 100.0
            gap = params.relapse_gap_days if reason == "sick" else 0
            free_from = (end - calendar.first).days + 1 + gap
        extent[person.employee_id] = absent
    return Absences(
        rows=pd.DataFrame(rows, columns=ABSENCE_COLUMNS),
        spells=pd.DataFrame(spells, columns=SPELL_COLUMNS),
        extent=extent,
    )


def _spell(
    cause: int, start: date, u_days: float, u_extent: float, u_shape: float, *, params: AbsenceParams
) -> list[tuple[date, date, int]]:
    """The rows (start, end, extent %) of one spell, from its cause and three uniform draws."""
    if cause == SHORT:
        days = _pick(params.short_sick_days, u_days) + 1
        extent = _pick_value(params.short_sick_extent, u_extent)
        return [(start, start + timedelta(days=days - 1), extent)]
    if cause == LONG:
        # Skewed towards the short end of each range: most long spells end within weeks.
        over_90 = u_shape < params.long_over_90_share
        days = 91 + int(209 * u_days**1.5) if over_90 else 15 + int(76 * u_days**1.5)
        end = start + timedelta(days=days - 1)
        if u_extent < params.long_part_time_share:
            # Back to work part-time for the last ~40 %: one spell, two rows at different extents.
            full = max(1, round(days * 0.6))
            part = (50, 75, 25)[int(u_extent / params.long_part_time_share * 3) % 3]
            return [(start, start + timedelta(days=full - 1), 100), (start + timedelta(days=full), end, part)]
        return [(start, end, 100)]
    weights = params.child_care_days if cause == CHILD else params.other_days
    days = _pick(weights, u_days) + 1
    # Working days only: a spell that would run into the weekend ends on Friday.
    end = min(start + timedelta(days=days - 1), start + timedelta(days=max(0, 4 - start.weekday())))
    extent = 50 if cause == CHILD and u_extent < params.child_care_part_share else 100
    return [(start, end, extent)]


def _pick(weights: tuple[float, ...], u: float) -> int:
    """Index drawn from unnormalised weights by the inverse CDF at u."""
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64))
    return min(int(np.searchsorted(cdf / cdf[-1], u, side="right")), len(weights) - 1)


def _pick_value(options: tuple[tuple[int, float], ...], u: float) -> int:
    return options[_pick(tuple(w for _, w in options), u)][0]


def _employed(person: Employment, days: NDArray[np.datetime64]) -> NDArray[np.bool_]:
    start = np.datetime64(person.start, "D")
    if person.end is None:
        return np.asarray(days >= start)
    return np.asarray((days >= start) & (days <= np.datetime64(person.end, "D")))


def _to_date(day: np.datetime64) -> date:
    return date.fromordinal(int(day.astype("datetime64[D]").astype(np.int64)) + date(1970, 1, 1).toordinal())
