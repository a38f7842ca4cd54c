"""The roster: three seats per answer group, people who leave, vacancies and new hires in training."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from models.staffing import training_capacity
from sensors.site import Site
from synthetic.centre.config import StaffParams
from synthetic.streams import stream

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Employment:
    """One person in one seat: hired on `start`, last day `end` (None: still employed at the horizon)."""

    employee_id: str
    team: str
    zone: str
    seat: int
    start: date
    end: date | None
    fte: float
    training_end: date  # full capacity from this day on
    vacancy_days: int | None  # how long the seat stood empty before this hire (None: initial staff)


@dataclass(frozen=True)
class Seat:
    """A desk in an answer group."""

    team: str
    zone: str
    index: int


def seats(site: Site) -> list[Seat]:
    """The seats of every team, zone by zone: a zone's capacity shared among its teams."""
    out: list[Seat] = []
    for zone in site.zones:
        if not zone.teams:
            continue
        per_team = max(1, zone.capacity // len(zone.teams))
        for team in zone.teams:
            out.extend(Seat(team, zone.id, i) for i in range(per_team))
    return out


def build_roster(site: Site, first_day: date, horizon: date, seed: int, params: StaffParams) -> list[Employment]:
    """Everyone who holds a seat at some time in [first_day, horizon], ids numbered in order of hire."""
    rng = stream(seed, "staff")
    fte_p = np.asarray(params.fte_weights, dtype=np.float64)
    fte_p = fte_p / fte_p.sum()
    # (start, seat, end, fte, training_end, vacancy) per occupant; ids are given once all are known.
    chains: list[tuple[date, int, date | None, float, date, int | None]] = []
    for s_index, _seat in enumerate(seats(site)):
        low, high = params.tenure_years
        start = first_day - timedelta(days=int(rng.uniform(low, high) * 365.25))
        vacancy: int | None = None
        while True:
            fte = float(rng.choice(np.asarray(params.fte_levels), p=fte_p))
            stays = int(rng.exponential(365.25 / params.turnover_per_year)) if params.turnover_per_year > 0 else 10**6
            # Tenure before the simulated period does not count towards leaving within it.
            leave = max(start, first_day) + timedelta(days=stays)
            end = leave if leave <= horizon else None
            training_end = start + timedelta(days=params.training_days)
            chains.append((start, s_index, end, fte, training_end, vacancy))
            if end is None:
                break
            vacancy = int(rng.integers(params.vacancy_days[0], params.vacancy_days[1] + 1))
            start = _next_weekday(end + timedelta(days=vacancy + 1))
            vacancy = (start - end).days - 1
            if start > horizon:
                break
    chains.sort(key=lambda c: (c[0], c[1]))
    all_seats = seats(site)
    roster = []
    for number, (start, s_index, end, fte, training_end, vacancy) in enumerate(chains, params.first_employee_number):
        seat = all_seats[s_index]
        roster.append(
            Employment(
                f"{params.id_prefix}{number}", seat.team, seat.zone, seat.index, start, end, fte, training_end, vacancy
            )
        )
    return roster


def capacity(person: Employment, days: NDArray[np.datetime64], params: StaffParams) -> FloatArray:
    """What the person adds to their team on each day: FTE × training ramp, 0 outside employment."""
    start = np.datetime64(person.start, "D")
    end = np.datetime64(person.end, "D") if person.end is not None else np.datetime64("9999-12-31", "D")
    employed = (days >= start) & (days <= end)
    since = (days - start).astype(np.int64).astype(np.float64)
    ramp = training_capacity(since, params.training_days, params.training_start_capacity)
    return np.where(employed, person.fte * ramp, 0.0)


def _next_weekday(day: date) -> date:
    """New hires start on a weekday: a Saturday or Sunday start moves to Monday."""
    return day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day
