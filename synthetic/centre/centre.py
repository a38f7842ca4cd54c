"""generate_centre(): a whole customer service centre — staff, absences, calls, NKI, feedback — with its truth."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from models.holidays import holidays_between, opening_days
from sensors.site import Site
from synthetic.centre.absences import Absences, draw_absences, make_calendar
from synthetic.centre.calls import draw_calls
from synthetic.centre.config import GeneratorConfig
from synthetic.centre.effects import PlantedEffects
from synthetic.centre.environment import ENVIRONMENT_COLUMNS, month_starts, zone_environment
from synthetic.centre.feedback import draw_feedback, empty_feedback, feedback_csv
from synthetic.centre.nki import draw_nki
from synthetic.centre.staff import Employment, build_roster, capacity, seats
from synthetic.errors import SyntheticInputError
from synthetic.office import FilterLoading, ZoneChange
from synthetic.office.changes import ZoneChanges
from synthetic.office.simulator import DEFAULT_FILTERS
from synthetic.streams import check_seed

STAFF_COLUMNS = ["employee_id", "team", "start_date", "end_date", "fte"]
HAZARD_COLUMNS = ["team", "zone", "month", "co2_ppm", "temperature_c", "sound_dba", "multiplier"]
STAFFING_COLUMNS = ["date", "team", "seats", "people", "rostered_fte", "capacity", "absent", "available"]
FILES = ("absences", "staff", "calls", "nki", "feedback")


@dataclass(frozen=True, eq=False)
class Truth:
    """What the generator planted, for checking analytics against a known answer."""

    effects: PlantedEffects
    environment: pd.DataFrame  # zone, month: occupied-hours CO2, temperature, LAeq that drove the hazard
    hazard: pd.DataFrame  # team, zone, month: the short-term sick-onset multiplier
    employments: pd.DataFrame  # everyone, with training end and the vacancy before them
    spells: pd.DataFrame  # one row per absence spell; sick spells are "short" (≤ 14 days) or "long"
    staffing: pd.DataFrame  # team and calendar day: seats, people, FTE, capacity after training, absent, available
    intervals: pd.DataFrame  # team and interval: expected calls, agents on the phone, answer probability
    config: GeneratorConfig
    changes: tuple[ZoneChange, ...] = ()  # the actions planted in zones, in date order

    @property
    def short_term_spells(self) -> pd.DataFrame:
        """The planted short-term sick spells (kind "short": models.absence's at most 14 sick days).

        A generated spell has no healthy days inside it, so its calendar days are its sick days.
        """
        return self.spells[self.spells["kind"] == "short"]


@dataclass(frozen=True, eq=False)
class Centre:
    """A generated centre: the contract files as frames (contracts §5) and the truth behind them."""

    site_id: str
    start: date
    end: date
    seed: int
    staff: pd.DataFrame
    absences: pd.DataFrame
    calls: pd.DataFrame
    nki: pd.DataFrame
    truth: Truth = field(repr=False)
    feedback: pd.DataFrame = field(default_factory=empty_feedback)  # citizen feedback to the municipality

    def write_csv(self, directory: str | Path) -> dict[str, Path]:
        """Write absences.csv, staff.csv, calls.csv, nki.csv and feedback.csv (UTF-8, comma, ISO dates); their paths."""
        out = Path(directory)
        out.mkdir(mode=0o700, parents=True, exist_ok=True)  # HR-like data, even if made up
        frames = {
            "absences": _with_dates(self.absences, ("start_date", "end_date")),
            "staff": _with_dates(self.staff, ("start_date", "end_date")),
            # With the UTC offset, so the local times stay unambiguous across daylight-saving changes.
            "calls": self.calls.assign(interval_start=_iso_with_offset(self.calls["interval_start"])),
            "nki": _with_dates(self.nki, ("period_start", "period_end")).assign(
                score=self.nki["score"].map("{:.2f}".format)
            ),
            "feedback": feedback_csv(self.feedback),
        }
        paths = {}
        for name in FILES:
            path = out / f"{name}.csv"
            frames[name].to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
            paths[name] = path
        return paths


def generate_centre(
    site: Site,
    start: date,
    end: date,
    seed: int = 0,
    effects: PlantedEffects = PlantedEffects(),  # noqa: B008 - frozen, so one shared default is safe
    *,
    config: GeneratorConfig = GeneratorConfig(),  # noqa: B008 - frozen
    environment: pd.DataFrame | None = None,
    changes: Iterable[ZoneChange] = (),
    filters: FilterLoading | None = DEFAULT_FILTERS,
) -> Centre:
    """Generate the centre's records for [start, end], deterministic in seed.

    The zones' environment comes from the office simulator with the same seed, filter loading and
    planted `changes` (synthetic.office.changes), so the planted effects follow a changed room.
    `environment` (columns zone, month, co2_ppm, temperature_c, sound_dba) replaces the simulator's
    zone environment, e.g. to reuse one across several generations; it must cover the burn-in too,
    and it cannot be combined with changes or other filters, which act through the simulator.
    """
    check_seed(seed)
    if end < start:
        raise SyntheticInputError(f"end {end} is before start {start}")
    planted = ZoneChanges(site, changes).changes  # checked against the site, in date order
    if environment is not None and (planted or filters != DEFAULT_FILTERS):
        raise SyntheticInputError(
            "an environment given to generate_centre replaces the office simulator, so it cannot take changes or "
            "filters: pass them to zone_environment and its result as environment"
        )
    first = start - timedelta(days=config.burn_in_days)
    teams, zone_of = _teams(site)
    open_days = opening_days(first, end, site.site.working_hours.days)
    calendar = make_calendar(first, end, set(open_days))
    if environment is None:
        environment = zone_environment(
            site, first, end, seed, config.environment_days_per_month, changes=planted, filters=filters
        )
    hazard = _hazard(teams, zone_of, environment, month_starts(first, end), effects)
    multiplier = _daily_multiplier(hazard, teams, calendar.days)

    roster = build_roster(site, first, end, seed, config.staff)
    absences = draw_absences(roster, calendar, multiplier, config.absence, seed)
    staffing, available = _staffing(site, roster, absences, calendar.days, teams, config)

    period = (calendar.days >= np.datetime64(start, "D")) & calendar.open
    period_days = [d for d in open_days if d >= start]
    calls = draw_calls(
        site, period_days, _after_closed(site, period_days), teams, available[:, period], config.calls, seed
    )
    months = [(m, (pd.Timestamp(m) + pd.offsets.MonthEnd(0)).date()) for m in month_starts(start, end)]
    months = [(m0, m1) for m0, m1 in months if m0 >= start and m1 <= end]  # complete months only
    answer, untrained = _monthly_service(calls.rows, staffing, teams, months)
    nki = draw_nki(months, teams, answer, untrained, config.nki, seed)

    staff = _staff_frame(roster, start, end)
    rows = _overlapping(_dated(absences.rows, ("start_date", "end_date")), start, end)
    spells = _overlapping(_dated(absences.spells, ("start_date", "end_date")), start, end)
    truth = Truth(
        effects=effects,
        environment=environment,
        hazard=hazard,
        employments=_employment_frame(roster),
        spells=spells.reset_index(drop=True),
        staffing=staffing[staffing["date"] >= pd.Timestamp(start)].reset_index(drop=True),
        intervals=calls.truth,
        config=config,
        changes=planted,
    )
    return Centre(
        site_id=site.id,
        start=start,
        end=end,
        seed=seed,
        staff=staff,
        absences=rows.sort_values(["start_date", "employee_id"]).reset_index(drop=True),
        calls=calls.rows,
        nki=nki,
        truth=truth,
        feedback=draw_feedback(start, end, config.feedback, seed),
    )


# ----- pieces ------------------------------------------------------------------------------------


def _teams(site: Site) -> tuple[list[str], dict[str, str]]:
    teams: list[str] = []
    zone_of: dict[str, str] = {}
    for seat in seats(site):
        if seat.team not in zone_of:
            teams.append(seat.team)
            zone_of[seat.team] = seat.zone
    if not teams:
        raise SyntheticInputError(f"site {site.id!r} has no zone with teams: nothing to generate")
    return teams, zone_of


def _hazard(
    teams: list[str], zone_of: dict[str, str], environment: pd.DataFrame, months: list[date], effects: PlantedEffects
) -> pd.DataFrame:
    """The planted multiplier of each team in each month, from its zone's environment (NaN: no effect)."""
    missing = [c for c in ENVIRONMENT_COLUMNS[:5] if c not in environment.columns]
    if missing:
        raise SyntheticInputError(f"environment lacks columns {missing}")
    env = environment[ENVIRONMENT_COLUMNS[:5]].assign(month=pd.to_datetime(environment["month"]))
    grid = pd.DataFrame(
        [(team, zone_of[team], pd.Timestamp(month)) for team in teams for month in months],
        columns=["team", "zone", "month"],
    )
    frame = grid.merge(env.drop_duplicates(["zone", "month"]), on=["zone", "month"], how="left")
    frame["multiplier"] = effects.multiplier(frame["co2_ppm"], frame["temperature_c"], frame["sound_dba"])
    return frame[HAZARD_COLUMNS]


def _daily_multiplier(hazard: pd.DataFrame, teams: list[str], days: np.ndarray) -> dict[str, np.ndarray]:
    month_of_day = pd.DatetimeIndex(days).to_period("M").to_timestamp()
    out = {}
    for team in teams:
        by_month = hazard[hazard["team"] == team].set_index("month")["multiplier"]
        out[team] = by_month.reindex(month_of_day).fillna(1.0).to_numpy(dtype=np.float64)
    return out


def _staffing(
    site: Site,
    roster: list[Employment],
    absences: Absences,
    days: np.ndarray,
    teams: list[str],
    config: GeneratorConfig,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Per team and calendar day: seats, people, FTE, capacity after training, absent and available."""
    index = {team: i for i, team in enumerate(teams)}
    seat_count = Counter(seat.team for seat in seats(site))
    shape = (len(teams), len(days))
    people, rostered, cap, avail = (np.zeros(shape) for _ in range(4))
    for person in roster:
        t = index[person.team]
        c = capacity(person, days, config.staff)
        people[t] += c > 0
        rostered[t] += np.where(c > 0, person.fte, 0.0)
        cap[t] += c
        avail[t] += c * (1.0 - absences.extent[person.employee_id])
    frame = pd.DataFrame(
        {
            "date": np.tile(pd.DatetimeIndex(days), len(teams)),
            "team": np.repeat(teams, len(days)),
            "seats": np.repeat([seat_count[t] for t in teams], len(days)),
            "people": people.ravel().astype(np.int64),
            "rostered_fte": rostered.ravel(),
            "capacity": cap.ravel(),
            "absent": (cap - avail).ravel(),
            "available": avail.ravel(),
        },
        columns=STAFFING_COLUMNS,
    )
    return frame.sort_values(["date"], kind="stable").reset_index(drop=True), avail


def _after_closed(site: Site, days: list[date]) -> np.ndarray:
    """Whether the day before each open day was a working weekday closed for a holiday."""
    if not days:
        return np.zeros(0, dtype=bool)
    weekdays = set(site.site.working_hours.days)
    closed = holidays_between(days[0] - timedelta(days=1), days[-1])
    before = [d - timedelta(days=1) for d in days]
    return np.asarray([b.isoweekday() in weekdays and b in closed for b in before], dtype=bool)


def _monthly_service(
    calls: pd.DataFrame, staffing: pd.DataFrame, teams: list[str], months: list[tuple[date, date]]
) -> tuple[np.ndarray, np.ndarray]:
    """(team, month) answer rates and agent-equivalents missing to training."""
    month_index = pd.DatetimeIndex([pd.Timestamp(first) for first, _ in months])
    call_month = calls["interval_start"].dt.tz_localize(None).dt.to_period("M").dt.to_timestamp()
    sums = calls.groupby([calls["team"], call_month])[["offered", "answered"]].sum()
    rate = (sums["answered"] / sums["offered"].where(sums["offered"] > 0)).unstack()
    staff_month = staffing["date"].dt.to_period("M").dt.to_timestamp()
    gap = (staffing["rostered_fte"] - staffing["capacity"]).groupby([staffing["team"], staff_month]).mean().unstack()
    answer = rate.reindex(index=teams, columns=month_index).to_numpy(dtype=np.float64)
    untrained = gap.reindex(index=teams, columns=month_index).fillna(0.0).to_numpy(dtype=np.float64)
    return answer, untrained


def _staff_frame(roster: list[Employment], start: date, end: date) -> pd.DataFrame:
    rows = [
        (p.employee_id, p.team, p.start, p.end, p.fte)
        for p in roster
        if p.start <= end and (p.end is None or p.end >= start)
    ]
    frame = pd.DataFrame(rows, columns=STAFF_COLUMNS)
    return _dated(frame, ("start_date", "end_date"))


def _employment_frame(roster: list[Employment]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            (p.employee_id, p.team, p.zone, p.seat, p.start, p.end, p.fte, p.training_end, p.vacancy_days)
            for p in roster
        ],
        columns=[
            "employee_id",
            "team",
            "zone",
            "seat",
            "start_date",
            "end_date",
            "fte",
            "training_end",
            "vacancy_days",
        ],
    )
    frame["vacancy_days"] = frame["vacancy_days"].astype("Int64")
    return _dated(frame, ("start_date", "end_date", "training_end"))


def _overlapping(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Rows whose [start_date, end_date] overlaps [start, end]."""
    return frame[(frame["start_date"] <= pd.Timestamp(end)) & (frame["end_date"] >= pd.Timestamp(start))]


def _dated(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Date columns as datetime64 (midnight), missing as NaT."""
    return frame.assign(**{c: pd.to_datetime(frame[c]) for c in columns})


def _with_dates(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Date columns as ISO YYYY-MM-DD text; NaT becomes an empty cell."""
    return frame.assign(**{c: frame[c].dt.strftime("%Y-%m-%d").fillna("") for c in columns})


def _iso_with_offset(times: pd.Series) -> pd.Series:
    """ISO 8601 local times with a ±HH:MM offset, e.g. 2025-03-31T08:00:00+02:00."""
    # strftime on aware timestamps is slow; format the wall clock and the (few distinct) offsets apart.
    wall = times.dt.tz_localize(None)
    offset_min = ((wall - times.dt.tz_convert("UTC").dt.tz_localize(None)) // pd.Timedelta(minutes=1)).astype(int)
    text = pd.Series(np.datetime_as_string(wall.to_numpy(dtype="datetime64[s]"), unit="s"), index=times.index)
    return text + offset_min.map({m: _offset_text(int(m)) for m in offset_min.unique()})


def _offset_text(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"
