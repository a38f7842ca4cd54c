"""Unplanned absence ahead: how often each group's people fall ill (or stay home with a sick child), and for how long.

Absence that is never known in advance comes in three kinds: short-term sick leave (spells of at most
14 sick days), longer sick leave, and child care (vab). For each, the history gives a hazard — new
spells per FTE-day at work on an open day — as

    h(team, day) = base × season[month] × weekday[weekday] × level[team] × environment[team]

- **season** and **weekday**: the centre's own pattern over all history (illness over a weekend is
  reported on Monday), each shrunk towards no pattern by `PRIOR_EVENTS` pseudo-spells so that a thin
  month cannot make one up;
- **level**: the group's recent level (the last `RECENT_WEEKS` weeks) against what the centre's
  rates predict for it, shrunk towards the centre by a gamma prior whose strength comes from how much
  groups really differ beyond chance (method of moments, bounded); a group created last month thus has
  the centre's level, and a group of three with one bad winter does not carry all of it forward;
- **environment** (short-term sick leave only, the outcome the Evidence estimates are for): the rate
  ratio of the zone's exposure against the good band, from the Evidence analysis's combined estimates
  (models.evidence) — only quantities whose combined interval excludes no effect (confidence "high" or
  "moderate"). The forecast applies the zone's recent exposure; the history is weighed with each
  week's own (a week without data with the zone's mean), so the level is measured net of the
  environment as it was, and the environment is not counted twice.

Spell lengths (calendar days) and extents are drawn from the group-independent pool of past spells
of the same kind: long sick leave keeps its share. `simulate_absence` runs the spells day by day for
every Monte Carlo draw and person at once (one step per calendar day, never per draw), from a seed per
day, so a scenario that changes the hazards meets the same random numbers (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from models.absence import sick_spells
from models.errors import ModelInputError
from models.staffing import available_agents_daily

FloatArray = NDArray[np.float64]
KINDS = ("short_sick", "long_sick", "child_care")  # the first is the one the environment acts on
RECENT_WEEKS = 52  # a group's "recent level"
PRIOR_EVENTS = 10.0  # pseudo-spells behind a month's or weekday's factor of 1
STRENGTH_BOUNDS = (2.0, 50.0)  # expected spells the gamma prior of a group's level is worth
MAX_SPELL_DAYS = 366  # longer spells are cut (the horizon is weeks)
# Random-number streams: each draws from its own spawn key, so no two share numbers.
STREAM_DAYS, STREAM_ONGOING = 101, 102


@dataclass(frozen=True)
class KindRates:
    """One kind's hazard and spell pool."""

    kind: str
    base: float  # spells per FTE-day at work on an open day, centre-wide
    month: FloatArray  # 12 factors
    weekday: FloatArray  # 7 factors (Monday first; closed days 0)
    level: Mapping[str, float]  # per team, shrunk
    spells: int  # spells behind the rates
    recent: Mapping[str, tuple[int, float]]  # per team: spells and expected spells in the recent weeks
    lengths: NDArray[np.int64]  # calendar days of past spells
    extents: FloatArray  # and their mean extent


@dataclass(frozen=True)
class AbsenceRates:
    """Both kinds' rates, the environment multipliers, and what they rest on."""

    kinds: tuple[KindRates, ...]
    environment: Mapping[str, float] = field(default_factory=dict)  # sick-leave ratio per team vs the good band
    person_days: float = 0.0  # FTE-days at work behind the rates
    weeks: int = 0

    def hazard(self, teams: Sequence[str], days: pd.DatetimeIndex, open_day: NDArray[np.bool_]) -> FloatArray:
        """(kinds, teams, days): spells per FTE-day on each open day, 0 on closed days."""
        month = days.month.to_numpy() - 1
        weekday = days.day_of_week.to_numpy()
        out = np.zeros((len(self.kinds), len(teams), len(days)))
        for k, rates in enumerate(self.kinds):
            per_day = rates.base * rates.month[month] * rates.weekday[weekday] * open_day
            for t, team in enumerate(teams):
                env = self.environment.get(team, 1.0) if rates.kind == KINDS[0] else 1.0
                out[k, t] = per_day * rates.level.get(team, 1.0) * env
        return out

    def expected_days_per_fte_year(self) -> float:
        """Expected unplanned absence, calendar days per FTE-year, at the centre's level (for reports)."""
        return float(sum(r.base * 250.0 * r.lengths.mean() * r.extents.mean() for r in self.kinds if len(r.lengths)))


def fit_absence_rates(
    absences: pd.DataFrame,
    staff: pd.DataFrame,
    open_days: Sequence[date],
    *,
    environment: Mapping[str, float] | None = None,
    environment_history: pd.DataFrame | None = None,
    teams: Sequence[str] | None = None,
) -> AbsenceRates:
    """Hazards of every kind from the history's open days (see the module doc).

    environment: each group's short-term sick-leave ratio now (applied ahead); environment_history:
    team, week_start, rate_ratio of the past weeks (the history is weighed with it; without it, with
    today's ratio).
    """
    if not open_days:
        raise ModelInputError("no open days of history: absence rates need some")
    days = pd.DatetimeIndex(sorted(pd.Timestamp(d) for d in open_days))
    daily = available_agents_daily(staff, absences, days)
    if teams is not None:
        daily = daily[daily["team"].isin(list(teams))]
    present = daily.pivot_table(index="date", columns="team", values="available_fte", aggfunc="sum").fillna(0.0)
    env = dict(environment or {})
    weights = _environment_by_day(present, env, environment_history)
    person_days = float(present.to_numpy().sum())
    kinds = tuple(
        _fit_kind(kind, _onsets(absences, kind), present, weights if kind == KINDS[0] else np.ones(present.shape))
        for kind in KINDS
    )
    weeks = len({(d - timedelta(days=d.weekday())) for d in (x.date() for x in days)})
    return AbsenceRates(kinds, env, person_days, weeks)


def simulate_absence(
    hazard: FloatArray,
    person_team: NDArray[np.int64],
    fte: FloatArray,
    pools: Sequence[tuple[NDArray[np.int64], FloatArray]],
    draws: int,
    seed: int,
    multiplier: FloatArray | None = None,
    ongoing: Sequence[Ongoing] = (),
    at_work: NDArray[np.bool_] | None = None,
) -> NDArray[np.float32]:
    """(draws, persons, days): the share of each day each person is away, unplanned, in each draw.

    hazard: (kinds, teams, days) from AbsenceRates.hazard (0 on closed days: no onsets then, but a spell
    runs on over weekends). multiplier: (draws, teams, days) on the short-term sick hazard (a scenario's
    or a driver's change), or None. ongoing: spells under way when the horizon begins, each continued
    by a length drawn from its kind's pool among those at least as long as it has lasted. The random
    numbers come from one seed per day, so two calls with the same seed meet the same numbers.
    at_work: (persons, days), where a new spell can begin — employed and not on planned leave (the rates
    are per FTE-day at work); None: everywhere.
    """
    n_kinds, _, n_days = hazard.shape
    persons = len(person_team)
    out = np.zeros((draws, persons, n_days), dtype=np.float32)
    if persons == 0:
        return out
    remaining = np.zeros((draws, persons), dtype=np.int32)
    extent = np.zeros((draws, persons), dtype=np.float32)
    rng = np.random.default_rng([seed, STREAM_ONGOING])
    for spell in ongoing:
        lengths = np.concatenate([pools[k][0] for k in spell.pools or (spell.kind,)])
        longer = lengths[lengths >= spell.elapsed]
        if spell.person < 0 or spell.person >= persons or len(longer) == 0:
            continue
        total = longer[rng.integers(0, len(longer), draws)]
        remaining[:, spell.person] = np.maximum(total - spell.elapsed - spell.gap, 0)
        extent[:, spell.person] = spell.extent
    per_person = hazard[:, person_team, :] * fte[None, :, None]  # (kinds, persons, days)
    for d in range(n_days):
        rng = np.random.default_rng([seed, STREAM_DAYS, d])
        u = rng.random((draws, persons), dtype=np.float32)
        pick = rng.random((draws, persons), dtype=np.float32)
        if per_person[:, :, d].any():
            p = np.broadcast_to(per_person[:, None, :, d], (n_kinds, draws, persons)).astype(np.float32)
            if multiplier is not None:
                p = p.copy()
                p[0] *= multiplier[:, person_team, d].astype(np.float32)
            cumulative = np.cumsum(p, axis=0)
            onset = (remaining == 0) & (u < cumulative[-1])
            if at_work is not None:
                onset &= at_work[None, :, d]
            kind = (u[None] >= cumulative).sum(axis=0)  # 0 … kinds-1 where an onset happens
            for k, (lengths, extents) in enumerate(pools):
                starts = onset & (kind == k)
                if not starts.any() or len(lengths) == 0:
                    continue
                index = np.minimum((pick[starts] * len(lengths)).astype(np.int64), len(lengths) - 1)
                remaining[starts] = lengths[index]
                extent[starts] = extents[index]
        out[:, :, d] = np.where(remaining > 0, extent, 0.0)
        np.subtract(remaining, 1, out=remaining, where=remaining > 0)
    return out


@dataclass(frozen=True)
class Ongoing:
    """An unplanned spell under way on the as-of day whose end is not known."""

    person: int  # row of the outlook
    kind: int  # index into KINDS
    elapsed: int  # calendar days it has lasted up to the as-of day
    extent: float
    gap: int = 0  # calendar days between the as-of day and the horizon's first day
    pools: tuple[int, ...] = ()  # the kinds whose spell lengths it goes on by (empty: its own kind's)


def ongoing_spells(
    absences: pd.DataFrame,
    employees: Sequence[str],
    as_of: date,
    first_day: date,
    employed: Sequence[bool] | None = None,
) -> list[Ongoing]:
    """The unplanned spells whose last known day is the as-of day: they may go on (the file cannot say).

    employees: the outlook's person rows; employed: whether each row is employed on the first day (a
    person who moved groups has two rows: the spell goes on in the current one). A sick spell goes on by
    the lengths of all past sick spells at least as long — a week-old one may well turn out long.
    """
    if absences.empty:
        return []
    end = pd.to_datetime(absences["end_date"])
    start = pd.to_datetime(absences["start_date"])
    day = pd.Timestamp(as_of)
    rows = absences[(end == day) & (start <= day) & absences["reason"].isin(["sick", "child_care"])]
    if rows.empty:
        return []
    sick = sick_spells(absences[absences["reason"] == "sick"]) if (rows["reason"] == "sick").any() else None
    current = list(employed) if employed is not None else [True] * len(employees)
    index: dict[str, int] = {}
    for i, employee in enumerate(employees):
        if employee not in index or (current[i] and not current[index[employee]]):
            index[employee] = i
    extents = pd.to_numeric(rows["extent_pct"]).fillna(100) if "extent_pct" in rows else pd.Series(100, rows.index)
    spells: dict[int, Ongoing] = {}
    for employee, reason, first, extent in zip(
        rows["employee"].astype(str), rows["reason"], pd.to_datetime(rows["start_date"]), extents, strict=True
    ):
        if employee not in index:
            continue
        kinds: tuple[int, ...] = (KINDS.index("child_care"),)
        if reason == "sick":
            kinds = (KINDS.index("short_sick"), KINDS.index("long_sick"))
            mine = (
                None
                if sick is None
                else sick[(sick["employee"].astype(str) == employee) & (pd.to_datetime(sick["end_date"]) == day)]
            )
            if mine is not None and len(mine):
                first = pd.Timestamp(mine["start_date"].iloc[0])
        spell = Ongoing(
            index[employee],
            kinds[0],
            (day - first).days + 1,
            float(extent) / 100.0,
            (first_day - as_of).days - 1,
            kinds,
        )
        # Two rows ending that day (sick half-time and a sick child): the longer-running one, at the larger extent.
        kept = spells.get(spell.person)
        if kept is None or spell.elapsed > kept.elapsed:
            spells[spell.person] = replace(spell, extent=max(spell.extent, kept.extent if kept else 0.0))
        else:
            spells[spell.person] = replace(kept, extent=max(spell.extent, kept.extent))
    return list(spells.values())


# ----- internals ---------------------------------------------------------------------------------


def _onsets(absences: pd.DataFrame, kind: str) -> pd.DataFrame:
    """team, start (a Timestamp), days (calendar), extent of each spell of the kind."""
    if absences.empty:
        return pd.DataFrame({"team": [], "start": pd.Series(dtype="datetime64[ns]"), "days": [], "extent": []})
    if kind in ("short_sick", "long_sick"):
        spells = sick_spells(absences)
        spells = spells[spells["short_term"] == (kind == "short_sick")]
        days = spells["calendar_days"].to_numpy(dtype=np.int64)
        extent = np.where(days > 0, spells["fte_days"].to_numpy() / np.maximum(spells["sick_days"].to_numpy(), 1), 1.0)
        return pd.DataFrame(
            {
                "team": spells["team"].astype(str),
                "start": pd.to_datetime(spells["start_date"]),
                "days": days,
                "extent": extent,
            }
        )
    rows = absences[absences["reason"] == kind]
    start, end = pd.to_datetime(rows["start_date"]), pd.to_datetime(rows["end_date"])
    return pd.DataFrame(
        {
            "team": rows["team"].astype(str).to_numpy(),
            "start": start.to_numpy(),
            "days": ((end - start).dt.days + 1).to_numpy(dtype=np.int64),
            "extent": (
                pd.to_numeric(rows["extent_pct"]).to_numpy(dtype=np.float64) / 100.0
                if "extent_pct" in rows.columns
                else np.ones(len(rows))
            ),
        }
    )


def _environment_by_day(present: pd.DataFrame, now: Mapping[str, float], history: pd.DataFrame | None) -> FloatArray:
    """(days, teams): each history day's environment ratio per group (see fit_absence_rates)."""
    teams = [str(t) for t in present.columns]
    current = np.array([now.get(t, 1.0) for t in teams])
    if history is None or history.empty:
        return np.broadcast_to(current[None, :], present.shape).copy()
    days = pd.DatetimeIndex(present.index)
    monday = (days - pd.to_timedelta(days.day_of_week, unit="D")).normalize()
    table = history.assign(team=history["team"].astype(str), week_start=pd.to_datetime(history["week_start"]))
    wide = table.pivot_table(index="week_start", columns="team", values="rate_ratio", aggfunc="mean")
    wide = wide.reindex(columns=teams)
    mean = wide.mean(axis=0).fillna(pd.Series(current, index=teams))
    by_day = wide.reindex(monday).fillna(mean).fillna(1.0)
    return np.asarray(by_day.to_numpy(dtype=np.float64))


def _fit_kind(kind: str, onsets: pd.DataFrame, present: pd.DataFrame, env: FloatArray) -> KindRates:
    """Base rate, season, weekday and shrunk group levels of one kind (see the module doc)."""
    days = pd.DatetimeIndex(present.index)
    first, last = days.min(), days.max()
    # An onset on a closed day (a Saturday) counts on the next open day: that is when it reaches work.
    in_range = onsets[(onsets["start"] >= first) & (onsets["start"] <= last + pd.Timedelta(days=3))]
    position = np.minimum(days.searchsorted(in_range["start"].to_numpy()), len(days) - 1)
    onset_day = days[position]
    team_index = {str(t): i for i, t in enumerate(present.columns)}
    counts = np.zeros(present.shape)
    for row, team in zip(days.get_indexer(onset_day), in_range["team"], strict=True):
        if team in team_index and row >= 0:
            counts[row, team_index[team]] += 1
    exposure = present.to_numpy()
    weighted = exposure * env  # the environment's share is not the group's own level
    total_events, total_exposure = counts.sum(), weighted.sum()
    base = total_events / total_exposure if total_exposure > 0 else 0.0
    month = _factors(counts.sum(axis=1), weighted.sum(axis=1) * base, days.month.to_numpy() - 1, 12)
    weekday = _factors(counts.sum(axis=1), weighted.sum(axis=1) * base, days.day_of_week.to_numpy(), 7)
    expected = weighted * base * month[days.month.to_numpy() - 1, None] * weekday[days.day_of_week.to_numpy(), None]
    recent = days >= last - pd.Timedelta(weeks=RECENT_WEEKS)
    observed_t = counts[recent].sum(axis=0)
    expected_t = expected[recent].sum(axis=0)
    strength = _prior_strength(observed_t, expected_t)
    level = {
        str(t): float((observed_t[i] + strength) / (expected_t[i] + strength)) for i, t in enumerate(present.columns)
    }
    lengths = np.minimum(onsets["days"].to_numpy(dtype=np.int64), MAX_SPELL_DAYS)
    extents = np.clip(onsets["extent"].to_numpy(dtype=np.float64), 0.0, 1.0)
    return KindRates(
        kind=kind,
        base=float(base),
        month=month,
        weekday=weekday,
        level=level,
        spells=int(total_events),
        recent={str(t): (int(observed_t[i]), float(expected_t[i])) for i, t in enumerate(present.columns)},
        lengths=lengths[lengths > 0],
        extents=extents[lengths > 0],
    )


def _factors(events: FloatArray, expected: FloatArray, key: NDArray[np.int64], size: int) -> FloatArray:
    """Observed over expected per key (month, weekday), shrunk to 1 by PRIOR_EVENTS; keys without days get 0 or 1."""
    observed = np.bincount(key, weights=events, minlength=size)
    predicted = np.bincount(key, weights=expected, minlength=size)
    seen = np.bincount(key, minlength=size) > 0
    factor = (observed + PRIOR_EVENTS) / (predicted + PRIOR_EVENTS)
    if size == 7:  # weekdays: a day the centre is never open has no hazard
        return np.where(seen, factor, 0.0)
    return np.where(seen, factor, 1.0)


def _prior_strength(observed: FloatArray, expected: FloatArray) -> float:
    """The gamma prior's strength (in expected spells) from how much groups differ beyond Poisson chance."""
    ok = expected > 0
    if ok.sum() < 2:
        return STRENGTH_BOUNDS[1]
    ratio = observed[ok] / expected[ok]
    weights = expected[ok] / expected[ok].sum()
    mean = float((weights * ratio).sum())
    between = float((weights * (ratio - mean) ** 2).sum()) - float((weights / expected[ok]).sum()) * max(mean, 1e-9)
    if not math.isfinite(between) or between <= 1.0 / STRENGTH_BOUNDS[1]:
        return STRENGTH_BOUNDS[1]
    return float(np.clip(1.0 / between, *STRENGTH_BOUNDS))
