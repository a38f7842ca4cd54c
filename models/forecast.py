"""Risk forecast: each answer group's and the centre's chance of missing the answer-rate goal in the coming weeks.

One Monte Carlo over the coming open days, every draw at once (arrays of draws × groups × days; the
only loop steps through calendar days, for the absence spells):

1. **Calls** per group and open day from the volume model (models.volume), times factors per draw —
   a week's and a day's that the centre shares, and a week's and a day's of the group's own, lognormal
   with the over-dispersion found beyond Poisson in the centre's and the groups' weekly and daily sums
   (the Poisson arrivals themselves are Erlang's business).
2. **Agents available** per group and open day: the roster's capacity with training ramps and
   vacancies (models.roster_outlook), less planned leave, less unplanned absence simulated spell by
   spell from each group's hazard (models.absence_outlook).
3. **The day's answer rate** from Erlang A at its calls and agents (models.queue_calibration, with the
   patience and phone shares calibrated on history, or the settings'); a week's rate is the calls-weighted
   mean of its days plus the binomial noise of that many calls; the centre's is the calls-weighted mean
   of its groups' in the same draw.
4. **P(below target)**, the expected rate and p10 / p50 / p90 per group and week and for the centre.

**Drivers.** The same draws rerun with one source of risk taken away — absence (everyone rostered
present), vacancies and training (every seat filled by a trained agent), the environment (every zone in
its good band) and volume (calls at the group's usual level, without surprise) — and each driver's
share is how far P(below target) falls without it. Words name the biggest (e.g. the weekday when the
fewest agents are expected).

**Scenarios** (models.scenarios) run on the same random numbers and report the change in P(below
target) and in the expected answer rate against the baseline.

Nothing here reads a file or a store; the wiring hands in the frames.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from models.absence import team_sort_key
from models.absence_outlook import AbsenceRates, Ongoing, fit_absence_rates, ongoing_spells, simulate_absence
from models.actions import SickLeaveEffect, counted_change, good_band
from models.errors import ModelInputError
from models.holidays import WEEKDAYS, opening_days
from models.queue_calibration import (
    HISTORY_COLUMNS,
    DailyQueue,
    QueueParameters,
    calibrate,
    daily_queue,
    erlang_grid,
)
from models.roster_outlook import RECRUITMENT_DAYS, Outlook, Training, outlook
from models.scenarios import ActionDone, EarlierHire, Scenario, StandIn, iso_week
from models.staffing import interval_offsets
from models.targets import TARGET_ANSWER_RATE
from models.volume import VolumeModel, daily_calls, fit_volume
from sensors.quantities import QUANTITIES

FloatArray = NDArray[np.float64]
HISTORY_YEARS = 2  # history the rates and the volume model are fitted on
CALIBRATION_WEEKS = 52
PROFILE_WEEKS = 8
EXPOSURE_WEEKS = 4  # the zone's "recent" environment
SHOWN_CONFIDENCE = ("high", "moderate")  # environment effects the forecast uses
DRIVERS = ("absence", "vacancies", "environment", "volume")
RECENT_CALL_WEEKS = 4  # a group without a call in these weeks before the forecast gets no number
NEW_GROUP_DAYS = 125  # open days: half a year
# Why a scenario could not be run, as a code (ScenarioResult.reason says it in words).
SCENARIO_REASONS = (
    "not_forecast",
    "outside",
    "no_start",
    "no_action",
    "no_team",
    "no_estimate",
    "no_evidence",
    "good_band",
    "nothing",
)
STREAM_WEEK_NOISE, STREAM_VOLUME, STREAM_ACTION = 201, 202, 203  # own random-number streams (see absence_outlook)
LOW_RISK = 0.10  # below this P(below target) a week's drivers are not spelled out


@dataclass(frozen=True)
class SiteHours:
    """The site's calendar as the forecast needs it."""

    tz: str = "Europe/Stockholm"
    weekdays: tuple[int, ...] = WEEKDAYS
    open_time: time = time(8, 0)
    close_time: time = time(17, 0)


@dataclass(frozen=True)
class ForecastSettings:
    """The forecast's knobs (officewell's settings fill them)."""

    draws: int = 2000
    target: float = TARGET_ANSWER_RATE
    training: Training = field(default_factory=Training)
    recruitment_days: int = RECRUITMENT_DAYS
    stand_in_fte: float = 1.0
    handle_time_s: float = 300.0
    patience_s: float | None = None  # None: calibrate on history
    default_phone_share: float = 0.9
    interval_minutes: int = 15
    seed: int = 20261201
    queue: QueueParameters | None = None  # calibrated before (a backtest's first origin): not calibrated again

    def __post_init__(self) -> None:
        if not 100 <= self.draws <= 100_000:
            raise ModelInputError(f"draws must be 100–100 000, got {self.draws}")
        if not 0 < self.target <= 1:
            raise ModelInputError(f"the target is a share in (0, 1], got {self.target}")


@dataclass(frozen=True)
class ForecastInputs:
    """The frames the wiring read: history and roster, and the Evidence results (may be empty)."""

    calls: pd.DataFrame  # interval_start, team, offered, answered
    staff: pd.DataFrame  # employee, team, start_date, end_date, fte (future starts and ends count)
    absences: pd.DataFrame  # employee, team, start_date, end_date, reason, extent_pct (future rows too)
    hours: SiteHours = field(default_factory=SiteHours)
    team_zone: Mapping[str, str] = field(default_factory=dict)
    exposure: pd.DataFrame = field(default_factory=pd.DataFrame)  # weekly: zone, quantity, week_start, mean, status
    effects: Mapping[str, SickLeaveEffect] = field(default_factory=dict)  # combined effects per quantity
    actions: pd.DataFrame = field(
        default_factory=pd.DataFrame
    )  # ranked actions: zone, action, quantity, counted_change


@dataclass(frozen=True)
class WeekForecast:
    """One group's (or the centre's, team "total") week."""

    team: str
    week_start: date
    open_days: int
    expected_offered: float | None
    expected_answer_rate: float | None
    p10: float | None
    p50: float | None
    p90: float | None
    p_below_target: float | None
    agents_expected: float | None  # mean available agents per open day
    full_strength: float | None
    drivers: tuple[str, ...] = ()
    driver_shares: Mapping[str, float] = field(default_factory=dict)
    reason: str | None = None
    daily_offered: tuple[tuple[date, float], ...] = ()  # expected calls per open day: the weekday profile

    @property
    def week(self) -> str:
        """ISO week, e.g. 2027-W03."""
        return iso_week(self.week_start)

    def to_dict(self) -> dict[str, Any]:
        """The contract's week object (contracts §7) with more keys."""
        return {
            "week": self.week,
            "week_start": self.week_start.isoformat(),
            "team": self.team,
            "open_days": self.open_days,
            "expected_offered": _round(self.expected_offered, 0),
            "expected_answer_rate": _round(self.expected_answer_rate, 4),
            "p10": _round(self.p10, 4),
            "p50": _round(self.p50, 4),
            "p90": _round(self.p90, 4),
            "p_below_target": _round(self.p_below_target, 3),
            "agents_expected": _round(self.agents_expected, 2),
            "full_strength": _round(self.full_strength, 2),
            "drivers": list(self.drivers),
            "driver_shares": {k: round(v, 3) for k, v in self.driver_shares.items()},
            "reason": self.reason,
            "expected_offered_by_day": [
                {"date": d.isoformat(), "expected_offered": round(v, 1)} for d, v in self.daily_offered
            ],
        }


@dataclass(frozen=True)
class ScenarioWeek:
    """A scenario's effect on one group's (or the centre's) week.

    Both runs share their random numbers, so the change is known draw by draw: `change_p10` and `change_p90`
    bound the answer-rate change in eight of ten simulated futures, and `p_below_change_se` is the Monte
    Carlo standard error of the change in risk (of the paired differences: how much the figure would move
    with other draws, not how sure the inputs are).
    """

    team: str
    week_start: date
    p_below_baseline: float
    p_below_scenario: float
    expected_baseline: float
    expected_scenario: float
    change_p10: float = math.nan
    change_p90: float = math.nan
    p_below_change_se: float = math.nan

    @classmethod
    def paired(cls, team: str, week_start: date, base: FloatArray, run: FloatArray, target: float) -> ScenarioWeek:
        """The week from the two runs' draws of one group's (or the centre's) answer rate."""
        below = (run < target).astype(float) - (base < target).astype(float)
        change = run - base
        finite = change[np.isfinite(change)]
        p10, p90 = np.percentile(finite, [10, 90]) if finite.size else (math.nan, math.nan)
        return cls(
            team,
            week_start,
            float((base < target).mean()),
            float((run < target).mean()),
            float(np.nanmean(base)),
            float(np.nanmean(run)),
            float(p10),
            float(p90),
            float(below.std(ddof=1) / math.sqrt(below.size)) if below.size > 1 else math.nan,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with the changes."""
        return {
            "week": iso_week(self.week_start),
            "team": self.team,
            "p_below_baseline": round(self.p_below_baseline, 3),
            "p_below_scenario": round(self.p_below_scenario, 3),
            "p_below_change": round(self.p_below_scenario - self.p_below_baseline, 3),
            "expected_baseline": round(self.expected_baseline, 4),
            "expected_scenario": round(self.expected_scenario, 4),
            "expected_change_pp": round(100 * (self.expected_scenario - self.expected_baseline), 2),
            "change_p10_pp": _round_or_none(100 * self.change_p10, 2),
            "change_p90_pp": _round_or_none(100 * self.change_p90, 2),
            "p_below_change_se": _round_or_none(self.p_below_change_se, 4),
        }


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario against the baseline: the weeks it changes, or why it cannot be run."""

    scenario: Scenario
    weeks: tuple[ScenarioWeek, ...] = ()
    reason: str | None = None
    note: str | None = None
    reason_code: str | None = None  # one of SCENARIO_REASONS, for programs and pages (`reason` says it in words)

    def __post_init__(self) -> None:
        """A reason comes with its code."""
        if (self.reason is None) != (self.reason_code is None) or (
            self.reason_code is not None and self.reason_code not in SCENARIO_REASONS
        ):
            raise ValueError(
                f"a scenario's reason needs one of {SCENARIO_REASONS} as its code, got {self.reason_code!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "scenario": self.scenario.to_dict(),
            "description": self.scenario.describe(),
            "weeks": [w.to_dict() for w in self.weeks],
            "reason": self.reason,
            "reason_code": self.reason_code,
            "note": self.note,
        }


@dataclass(frozen=True)
class Forecast:
    """The forecast: weeks per group and for the centre, scenarios, and what it rests on."""

    as_of: date
    first_week: date
    weeks_ahead: int
    target: float
    rows: tuple[WeekForecast, ...]
    scenarios: tuple[ScenarioResult, ...]
    queue: QueueParameters
    environment: Mapping[str, Mapping[str, Any]]
    notes: tuple[str, ...]
    data: Mapping[str, Any]
    draws: int
    intraday_profile: tuple[tuple[str, float], ...] = ()  # the centre's share of a day's calls per interval

    def to_dict(self, generated_at: datetime | None = None) -> dict[str, Any]:
        """The JSON of `officewell forecast --json` (contracts §7, with more keys)."""
        return {
            "generated_at": (generated_at or datetime.now().astimezone()).isoformat(timespec="seconds"),
            "as_of": self.as_of.isoformat(),
            "first_week": iso_week(self.first_week),
            "weeks_ahead": self.weeks_ahead,
            "target_answer_rate": self.target,
            "draws": self.draws,
            "weeks": [r.to_dict() for r in self.rows],
            "scenarios": [s.to_dict() for s in self.scenarios],
            "queue": self.queue.to_dict(),
            "environment": {k: dict(v) for k, v in self.environment.items()},
            "data": dict(self.data),
            "notes": list(self.notes),
            "intraday_profile": [{"time": t, "share": round(v, 4)} for t, v in self.intraday_profile],
        }


def default_as_of(newest: datetime | None, tz: str, weekdays: Sequence[int] = WEEKDAYS) -> date:
    """The Sunday that ends the last complete week of call data, given the newest interval's start (contracts §7).

    The forecast starts the week after; `newest` is None when no calls are stored.
    """
    if newest is None:
        raise ModelInputError("no call intervals are stored: import calls.csv before forecasting")
    last = pd.Timestamp(newest).tz_convert(tz).date()
    monday = last - timedelta(days=last.weekday())
    sunday = monday + timedelta(days=6)
    # A week is complete when its last open day has calls (Christmas week ends on the 23rd).
    open_days = opening_days(monday, sunday, weekdays)
    return sunday if not open_days or last >= open_days[-1] else monday - timedelta(days=1)


def forecast(
    inputs: ForecastInputs,
    as_of: date,
    weeks: int,
    settings: ForecastSettings = ForecastSettings(),
    scenarios: Sequence[Scenario] = (),
) -> Forecast:
    """Forecast `weeks` weeks from the Monday after `as_of` (see the module doc)."""
    if not 1 <= weeks <= 26:
        raise ModelInputError(f"a forecast covers 1–26 weeks, got {weeks}")
    engine = _Engine.prepare(inputs, as_of, weeks, settings)
    base = engine.run()
    rows = engine.summarise(base)
    results = tuple(engine.scenario(s, base) for s in scenarios)
    return Forecast(
        as_of=as_of,
        first_week=engine.first_day,
        weeks_ahead=weeks,
        target=settings.target,
        rows=tuple(rows),
        scenarios=results,
        queue=engine.queue,
        environment=engine.environment_summary,
        notes=tuple(engine.notes),
        data=engine.data,
        draws=settings.draws,
        intraday_profile=engine.intraday(),
    )


# ----- the engine --------------------------------------------------------------------------------


@dataclass
class _Run:
    """One pass of the Monte Carlo: per draw, group and week."""

    rate: FloatArray  # (draws, teams, weeks) realised answer rate
    offered: FloatArray  # (draws, teams, weeks) calls
    agents: FloatArray  # (draws, teams, open days) available agents
    calls: FloatArray  # (draws, teams, open days) expected calls


@dataclass
class _Engine:
    inputs: ForecastInputs
    settings: ForecastSettings
    as_of: date
    first_day: date
    weeks: int
    teams: tuple[str, ...]
    forecastable: NDArray[np.bool_]  # per team: a volume forecast exists
    reasons: dict[str, str]
    roster: Outlook
    rates: AbsenceRates
    hazard: FloatArray  # (kinds, teams, days)
    queues: list[DailyQueue]
    queue: QueueParameters
    expected_calls: FloatArray  # (teams, open days)
    usual_week: FloatArray  # (teams,) calls in a usual open week of five days
    week_of_day: NDArray[np.int64]  # per open day: its week 0 … weeks-1
    open_per_week: NDArray[np.int64]
    volume_cv: tuple[float, FloatArray]  # centre's and each team's own cv of the week's calls
    day_cv: float  # and of a group's day's calls beyond its week's
    shared_day_cv: float  # and of a day's swing all groups share
    environment: dict[str, list[dict[str, Any]]]
    env_rr: FloatArray  # (teams,)
    notes: list[str]
    data: dict[str, Any]
    ongoing: list[Ongoing] = field(default_factory=list)
    profile: FloatArray = field(default_factory=lambda: np.ones(1))
    absent: NDArray[np.float32] | None = None

    @classmethod
    def prepare(cls, inputs: ForecastInputs, as_of: date, weeks: int, settings: ForecastSettings) -> _Engine:
        hours = inputs.hours
        tz = hours.tz
        notes: list[str] = []
        first_day = as_of + timedelta(days=7 - as_of.weekday())
        last_day = first_day + timedelta(days=7 * weeks - 1)
        history_start = as_of - timedelta(days=round(365.25 * HISTORY_YEARS))
        calls = _calls_between(inputs.calls, tz, history_start, as_of)
        if calls.empty:
            raise ModelInputError(
                f"no call intervals in the two years up to {as_of.isoformat()}: import calls.csv (or choose --as-of)"
            )
        daily, gaps = _without_gaps(daily_calls(calls, tz, hours.weekdays))
        if gaps:
            shown = ", ".join(iso_week(w) for w in gaps[:5]) + (" …" if len(gaps) > 5 else "")
            notes.append(
                f"no group had a call in {len(gaps)} open week(s) ({shown}): taken as gaps in the export and left "
                "out of the volume model, not as weeks without calls"
            )
        volume = fit_volume(daily, hours.weekdays)
        employed = _employed_teams(inputs.staff, as_of, last_day)
        teams = tuple(sorted(set(volume.teams) | set(daily["team"].astype(str)) | employed, key=team_sort_key))
        reasons: dict[str, str] = {}
        for team in teams:
            if team not in volume.teams:
                have = volume.days_per_team.get(team, 0)
                reasons[team] = (
                    f"only {have} open days of call history: too little to forecast its calls"
                    if have
                    else "no call history: its calls cannot be forecast"
                )
            elif team not in employed:
                reasons[team] = "nobody in the roster from now on: import the group's staff rows"
            elif _recent_calls(daily, team, as_of) == 0:
                reasons[team] = (
                    f"no calls in the {RECENT_CALL_WEEKS} weeks before {as_of.isoformat()}: its calls cannot be "
                    "forecast (has the group closed or merged?)"
                )
        forecastable = np.array([t not in reasons for t in teams])
        roster = outlook(
            inputs.staff,
            inputs.absences,
            as_of,
            first_day,
            last_day,
            weekdays=hours.weekdays,
            training=settings.training,
            recruitment_days=settings.recruitment_days,
            teams=teams,
        )
        notes.extend(roster.notes)
        open_idx = roster.open_index
        open_dates = pd.DatetimeIndex(roster.days[open_idx])
        week_of_day = ((open_dates - pd.Timestamp(first_day)).days // 7).to_numpy(dtype=np.int64)
        open_per_week = np.bincount(week_of_day, minlength=weeks)
        expected_calls = np.vstack([volume.expected(t, open_dates) for t in teams])

        history_days = opening_days(history_start, as_of, hours.weekdays)
        env_rr, environment, env_notes = _environment(inputs, teams, as_of, first_day.month)
        notes.extend(env_notes)
        begun = inputs.absences[_started_by(inputs.absences, as_of)]
        rates = fit_absence_rates(
            begun,
            inputs.staff,
            history_days,
            environment=dict(zip(teams, env_rr, strict=True)),
            environment_history=_environment_history(inputs, teams, as_of),
            teams=teams,
        )
        hazard = rates.hazard(teams, roster.days, roster.open_day)
        employed_then = (roster.capacity[:, 0] > 0).tolist() if roster.capacity.size else None
        ongoing = ongoing_spells(begun, roster.employees, as_of, first_day, employed_then)
        for team in teams:
            if team not in reasons and volume.days_per_team.get(team, 0) < NEW_GROUP_DAYS:
                notes.append(
                    f"group {team} has less than half a year of history: its sick-leave level is mostly the "
                    "centre's, and its calls rest on few weeks"
                )

        profile = _profile(calls, hours, settings.interval_minutes)
        if settings.queue is not None:
            queue = settings.queue
            if queue.source == "calibrated":
                notes.append("the queue's figures were calibrated before this forecast and passed in (a backtest)")
        else:
            history = _history(calls, inputs, as_of, hours, settings)
            queue = calibrate(
                history,
                profile,
                settings.interval_minutes,
                handle_time_s=settings.handle_time_s,
                patience_s=settings.patience_s,
                default_share=settings.default_phone_share,
                teams=teams,
                opening_minute=hours.open_time.hour * 60 + hours.open_time.minute,
            )
        notes.append(queue.note)
        max_calls = float(max(expected_calls.max(initial=0.0), 1.0)) * 3.0
        max_agents = (
            float(roster.rostered().max(initial=0.0))
            + 2 * settings.stand_in_fte
            + float(roster.full_strength.max(initial=0.0))
            + 1.0
        )
        shares = [queue.shares_for(t, len(profile)) for t in teams]
        peak = max_calls * float(profile.max()) / (settings.interval_minutes / 60.0)
        top = max_agents * max(float(share.max()) for share in shares)
        erlang = erlang_grid(peak, top, queue.handle_time_s, queue.patience_s)
        queues = [
            daily_queue(
                profile,
                settings.interval_minutes,
                queue.handle_time_s,
                queue.patience_s,
                share,
                max_calls,
                max_agents,
                erlang,
            )
            for share in shares
        ]
        weekly = _weekly_history(daily)
        usual = np.array([_usual(weekly, t, len(hours.weekdays)) for t in teams])
        centre_cv, team_cv, shared_day_cv, day_cv = _volume_cv(volume, daily, weekly, teams, len(hours.weekdays))
        volume_cv = (centre_cv, team_cv)
        data = {
            "history_from": max(history_start, pd.Timestamp(daily["date"].min()).date()).isoformat(),
            "history_to": as_of.isoformat(),
            "history_weeks": int(daily["date"].dt.to_period("W").nunique()),
            "teams": len(teams),
            "teams_forecast": int(forecastable.sum()),
            "offered_calls_history": int(daily["offered"].sum()),
            "short_term_sick_spells_history": rates.kinds[0].spells,
            "long_term_sick_spells_history": rates.kinds[1].spells,
            "child_care_spells_history": rates.kinds[2].spells,
            "unplanned_spells_under_way": len(ongoing),
            "person_days_history": round(rates.person_days, 1),
            "environment_used": bool(environment),
        }
        return cls(
            inputs,
            settings,
            as_of,
            first_day,
            weeks,
            teams,
            forecastable,
            reasons,
            roster,
            rates,
            hazard,
            queues,
            queue,
            expected_calls,
            usual,
            week_of_day,
            open_per_week,
            volume_cv,
            day_cv,
            shared_day_cv,
            environment,
            env_rr,
            notes,
            data,
            ongoing,
            profile,
        )

    # -- the Monte Carlo --

    def _absence(self, roster: Outlook, multiplier: FloatArray | None = None) -> NDArray[np.float32]:
        pools = [(k.lengths, k.extents) for k in self.rates.kinds]
        # A spell begins on a day at work: employed (a hire only from the start) and not on planned leave.
        at_work = (roster.capacity > 0) & (roster.planned < 1.0)
        absent = simulate_absence(
            self.hazard,
            roster.person_team,
            roster.fte,
            pools,
            self.settings.draws,
            self.settings.seed,
            multiplier,
            self.ongoing,
            at_work,
        )
        return absent[:, :, roster.open_index]

    def run(
        self,
        *,
        roster: Outlook | None = None,
        multiplier: FloatArray | None = None,
        extra: FloatArray | None = None,
        absence: bool = True,
        usual_volume: bool = False,
    ) -> _Run:
        """One pass; the arguments take a scenario's or a driver's change (None: the baseline's)."""
        roster = roster or self.roster
        draws = self.settings.draws
        open_idx = roster.open_index
        capacity = roster.capacity[:, open_idx]  # (persons, open days)
        if absence:
            if multiplier is None and roster is self.roster:
                if self.absent is None:
                    self.absent = self._absence(roster)
                absent = self.absent
            else:
                absent = self._absence(roster, multiplier)
            away = np.maximum(roster.planned[None, :, open_idx], absent)
            present = capacity[None] * (1.0 - away)
        else:
            present = np.broadcast_to(capacity[None], (1, *capacity.shape))
        onehot = np.eye(len(self.teams))[roster.person_team]  # (persons, teams)
        agents = np.einsum("dpo,pt->dto", present, onehot, optimize=True)
        if agents.shape[0] == 1:
            agents = np.broadcast_to(agents, (draws, *agents.shape[1:]))
        if extra is not None:
            agents = agents + extra[None]
        calls = self._calls(usual_volume)
        rate = np.empty_like(calls)
        for t, queue in enumerate(self.queues):
            rate[:, t] = queue.rate(calls[:, t], agents[:, t])
        weeks = self.weeks
        index = self.week_of_day
        answered = np.zeros((draws, len(self.teams), weeks))
        offered = np.zeros((draws, len(self.teams), weeks))
        np.add.at(answered, (slice(None), slice(None), index), calls * rate)  # type: ignore[arg-type]
        np.add.at(offered, (slice(None), slice(None), index), calls)  # type: ignore[arg-type]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(offered > 0, answered / np.where(offered > 0, offered, 1.0), np.nan)
        # What a week of that many calls answers scatters binomially around the queue's rate.
        z = np.random.default_rng([self.settings.seed, STREAM_WEEK_NOISE]).standard_normal(mean.shape)
        # And the queue model misses by its calibration residual (lunch, meetings, long calls it does not see).
        noise = np.sqrt(np.clip(mean * (1 - mean), 0.0, None) / np.maximum(offered, 1.0) + self.queue.residual_sd**2)
        realised = np.clip(mean + z * noise, 0.0, 1.0)
        return _Run(realised, offered, np.asarray(agents), calls)

    def _calls(self, usual_volume: bool) -> FloatArray:
        """(draws, teams, open days): each draw's expected calls per day."""
        draws = self.settings.draws
        expected = self.expected_calls
        if usual_volume:
            week_total = np.zeros((len(self.teams), self.weeks))
            np.add.at(week_total, (slice(None), self.week_of_day), expected)  # type: ignore[arg-type]
            usual = self.usual_week[:, None] * self.open_per_week[None, :] / max(len(self.inputs.hours.weekdays), 1)
            factor = np.where(week_total > usual, usual / np.where(week_total > 0, week_total, 1.0), 1.0)
            return np.broadcast_to((expected * factor[:, self.week_of_day])[None], (draws, *expected.shape)).copy()
        rng = np.random.default_rng([self.settings.seed, STREAM_VOLUME])
        centre_cv, team_cv = self.volume_cv
        z_centre = rng.standard_normal((draws, 1, self.weeks))
        z_team = rng.standard_normal((draws, len(self.teams), self.weeks))
        factor = _lognormal(z_centre, centre_cv) * _lognormal(z_team, team_cv[None, :, None])
        # And each day its own swing (a letter goes out, the web is down): a week of uneven days answers less.
        z_day = rng.standard_normal((draws, len(self.teams), expected.shape[1]))
        z_shared = rng.standard_normal((draws, 1, expected.shape[1]))
        days = _lognormal(z_day, self.day_cv) * _lognormal(z_shared, self.shared_day_cv)
        return expected[None] * factor[:, :, self.week_of_day] * days

    # -- results --

    def summarise(self, base: _Run) -> list[WeekForecast]:
        """Per group and week, then the centre, with drivers."""
        target = self.settings.target
        below = base.rate < target
        counterfactual = {
            "absence": self.run(absence=False),
            "vacancies": self.run(extra=self._vacancy_fill()),
            "volume": self.run(usual_volume=True),
        }
        if np.any(self.env_rr != 1.0):
            counterfactual["environment"] = self.run(multiplier=self._env_multiplier())
        # Every driver away at once: what is left is the group's structural shortfall (or an interaction).
        all_away = self.run(absence=False, extra=self._vacancy_fill(), usual_volume=True)
        rows: list[WeekForecast] = []
        rostered = self.roster.rostered()[:, self.roster.open_index]
        for w in range(self.weeks):
            week_start = self.first_day + timedelta(weeks=w)
            days = self.week_of_day == w
            for t, team in enumerate(self.teams):
                if not self.forecastable[t]:
                    rows.append(_empty_row(team, week_start, int(self.open_per_week[w]), self.reasons[team]))
                    continue
                if self.open_per_week[w] == 0:
                    rows.append(_empty_row(team, week_start, 0, "no open day this week"))
                    continue
                offered = base.offered[:, t, w]
                if float(offered.mean()) < 0.5:
                    rows.append(_empty_row(team, week_start, int(self.open_per_week[w]), "no calls expected this week"))
                    continue
                p_below = float(below[:, t, w].mean())
                shares = {
                    k: max(p_below - float((run.rate[:, t, w] < target).mean()), 0.0)
                    for k, run in counterfactual.items()
                }
                drivers = self._words(t, w, p_below, shares, base, rostered[:, days], all_away)
                rows.append(
                    self._with_days(
                        w,
                        base.calls[:, t],
                        _row(
                            team,
                            week_start,
                            int(self.open_per_week[w]),
                            base.rate[:, t, w],
                            offered,
                            p_below,
                            float(base.agents[:, t, days].mean()),
                            float(self.roster.full_strength[t]),
                            drivers,
                            _normalised(shares),
                        ),
                    )
                )
            total = base.calls[:, self.forecastable].sum(axis=1) if self.forecastable.any() else None
            row = self._total(week_start, w, base, counterfactual)
            rows.append(self._with_days(w, total, row) if total is not None and row.reason is None else row)
        return rows

    def _with_days(self, w: int, per_day: FloatArray, row: WeekForecast) -> WeekForecast:
        """The row with its expected calls per open day (draws' mean; per_day is (draws, open days))."""
        days = np.flatnonzero(self.week_of_day == w)
        dates = [pd.Timestamp(self.roster.days[self.roster.open_index[d]]).date() for d in days]
        means = per_day[:, days].mean(axis=0)
        return replace(row, daily_offered=tuple(zip(dates, (float(v) for v in means), strict=True)))

    def intraday(self) -> tuple[tuple[str, float], ...]:
        """The centre's share of a day's calls per opening interval (the time-of-day profile of every forecast day)."""
        hours = self.inputs.hours
        offsets = interval_offsets(hours.open_time, hours.close_time, self.settings.interval_minutes)
        times = [f"{int(o.total_seconds() // 3600):02d}:{int(o.total_seconds() % 3600 // 60):02d}" for o in offsets]
        return tuple(zip(times, (float(v) for v in self.profile), strict=True))

    def _total(self, week_start: date, w: int, base: _Run, counterfactual: Mapping[str, _Run]) -> WeekForecast:
        """The centre's week: calls-weighted over the groups with a forecast, in each draw."""
        target = self.settings.target
        mask = self.forecastable
        if not mask.any() or self.open_per_week[w] == 0:
            why = "no open day this week" if self.open_per_week[w] == 0 else "no group can be forecast this week"
            return _empty_row("total", week_start, int(self.open_per_week[w]), why)

        def centre(run: _Run) -> tuple[FloatArray, FloatArray]:
            offered = run.offered[:, mask, w]
            rate = np.nan_to_num(run.rate[:, mask, w])
            total = offered.sum(axis=1)
            return (offered * rate).sum(axis=1) / np.where(total > 0, total, 1.0), total

        rate, offered = centre(base)
        p_below = float((rate < target).mean())
        shares = {k: max(p_below - float((centre(run)[0] < target).mean()), 0.0) for k, run in counterfactual.items()}
        group_p = {self.teams[t]: float((base.rate[:, t, w] < target).mean()) for t in np.flatnonzero(mask)}
        worst = sorted(group_p.items(), key=lambda kv: -kv[1])[:3]
        words = []
        main = max(shares, key=lambda k: shares[k]) if any(v > 0 for v in shares.values()) else None
        if p_below < LOW_RISK:
            words.append(f"Low risk: the centre misses {100 * target:.0f} % in {100 * p_below:.0f} % of the draws.")
        elif main is not None:
            words.append(f"Most of the centre's risk comes from {_DRIVER_WORDS[main]}.")
        # Groups at risk are named even when the centre is not: a group of three can miss on its own.
        listed = ", ".join(f"group {t} ({100 * p:.0f} %)" for t, p in worst if p >= LOW_RISK)
        if listed:
            words.append(f"Groups most likely to miss {100 * target:.0f} %: {listed}.")
        if (~mask).any():
            left = ", ".join(self.teams[t] for t in np.flatnonzero(~mask))
            words.append(f"Without group(s) {left}, which cannot be forecast.")
        agents = float(base.agents[:, mask][:, :, self.week_of_day == w].sum(axis=1).mean())
        return _row(
            "total",
            week_start,
            int(self.open_per_week[w]),
            rate,
            offered,
            p_below,
            agents,
            float(self.roster.full_strength[mask].sum()),
            tuple(words),
            _normalised(shares),
        )

    def _words(
        self,
        t: int,
        w: int,
        p_below: float,
        shares: Mapping[str, float],
        base: _Run,
        rostered: FloatArray,
        all_away: _Run,
    ) -> tuple[str, ...]:
        """The week's drivers in a manager's words, biggest first."""
        target = self.settings.target
        team = self.teams[t]
        if p_below < LOW_RISK:
            return (f"Low risk: {100 * p_below:.0f} % chance of missing {100 * target:.0f} %.",)
        out = []
        total = sum(shares.values())
        for key, share in sorted(shares.items(), key=lambda kv: -kv[1]):
            if share < 0.02 or (total > 0 and share / total < 0.15):
                continue
            points = f"{100 * share:.0f} of the {100 * p_below:.0f} points of risk"
            out.append(f"{self._detail(key, t, w, base, rostered)} ({points}).")
        rest = float((all_away.rate[:, t, w] < target).mean())
        if rest >= 0.5:
            out.append(
                f"Even at full strength, with everyone present and calls at their usual level, the group misses "
                f"{100 * target:.0f} % in {100 * rest:.0f} % of the draws: its calls are more than its seats answer."
            )
        elif not out:
            out.append(
                f"No single driver explains the {100 * p_below:.0f} % risk; absence, vacancies and calls together do "
                f"(with all of them at their usual level it is {100 * rest:.0f} %)."
            )
        if out and shares and max(shares.values()) == shares.get("absence", -1) and p_below >= 0.5:
            out[0] = f"Group {team}: " + out[0][0].lower() + out[0][1:]
        return tuple(out)

    def _detail(self, key: str, t: int, w: int, base: _Run, rostered: FloatArray) -> str:
        days = np.flatnonzero(self.week_of_day == w)
        if key == "absence":
            agents = base.agents[:, t, days]
            cap = rostered[t]
            short = (agents <= cap[None, :] - 1.0 + 1e-9).mean(axis=0)  # a whole agent or more away
            worst = int(np.argmax(short))
            day = pd.Timestamp(self.roster.days[self.roster.open_index[days[worst]]])
            return (
                f"Absence: on {day.strftime('%A')} {day.date().isoformat()}, {max(cap[worst] - 1, 0):.1f} or fewer of "
                f"{cap[worst]:.1f} rostered agents are available in {100 * short[worst]:.0f} % of the draws "
                f"(expected {agents[:, worst].mean():.1f})"
            )
        if key == "vacancies":
            week_end = self.first_day + timedelta(weeks=w + 1) - timedelta(days=1)
            team = self.teams[t]
            open_seats = [v.describe() for v in self.roster.vacancies if v.team == team and v.last_day < week_end]
            trainees = self._trainees(t, w)
            parts = open_seats + trainees
            text = "; ".join(parts) if parts else "seats not filled to the group's strength"
            return f"Vacancies and training: {text}"
        if key == "environment":
            items = self.environment.get(self.teams[t], [])
            text = ", ".join(
                f"{i['label']} {i['mean']:g} {i['unit']} (sick leave ×{i['rate_ratio']:.2f})" for i in items
            )
            return f"Environment: the zone's {text} against its good band"
        expected = float(base.offered[:, t, w].mean())
        usual = float(self.usual_week[t]) * self.open_per_week[w] / max(len(self.inputs.hours.weekdays), 1)
        change = 100 * (expected / usual - 1) if usual > 0 else 0.0
        return f"Calls: {expected:.0f} expected, {change:+.0f} % against the group's usual week, and uncertain"

    def _trainees(self, t: int, w: int) -> list[str]:
        """New hires still in training during week w, in words."""
        roster = self.roster
        monday = self.first_day + timedelta(weeks=w)
        out = []
        for p in np.flatnonzero((roster.person_team == t) & roster.new_hire):
            start = roster.starts[p]
            day = (monday - start).days
            if 0 <= day < roster.training.days:
                col = (monday - roster.days[0].date()).days
                share = roster.capacity[p, col] / roster.fte[p] if roster.fte[p] else 0.0
                out.append(f"a new hire in training since {start.isoformat()} ({100 * share:.0f} % of an agent)")
        return out

    def _vacancy_fill(self) -> FloatArray:
        """(teams, open days): capacity that tops each group up to its full strength."""
        rostered = self.roster.rostered()[:, self.roster.open_index]
        return np.maximum(self.roster.full_strength[:, None] - rostered, 0.0)

    def _env_multiplier(self) -> FloatArray:
        """(draws, teams, days) on the sick hazard: every zone in its good band."""
        factor = 1.0 / self.env_rr
        return np.broadcast_to(factor[None, :, None], (self.settings.draws, len(self.teams), len(self.roster.days)))

    @property
    def environment_summary(self) -> dict[str, dict[str, Any]]:
        return {
            team: {"rate_ratio": round(float(self.env_rr[i]), 3), "quantities": self.environment.get(team, [])}
            for i, team in enumerate(self.teams)
            if team in self.environment
        }

    # -- scenarios --

    def scenario(self, scenario: Scenario, base: _Run) -> ScenarioResult:
        """Run a scenario on the baseline's random numbers and compare week by week."""
        if isinstance(scenario, StandIn):
            return self._stand_in(scenario, base)
        if isinstance(scenario, EarlierHire):
            return self._earlier_hire(scenario, base)
        return self._action(scenario, base)

    def _team(self, team: str) -> int | None:
        return self.teams.index(team) if team in self.teams else None

    def _stand_in(self, s: StandIn, base: _Run) -> ScenarioResult:
        t = self._team(s.team)
        if t is None or not self.forecastable[t]:
            return ScenarioResult(
                s,
                reason=f"group {s.team} is not forecast: {self.reasons.get(s.team, 'unknown group')}",
                reason_code="not_forecast",
            )
        last_week = self.first_day + timedelta(weeks=self.weeks - 1)
        if s.last_week < self.first_day or s.first_week > last_week:
            return ScenarioResult(s, reason="the weeks lie outside the forecast", reason_code="outside")
        extra = np.zeros((len(self.teams), len(self.roster.open_index)))
        first = (s.first_week - self.first_day).days // 7
        last = (s.last_week - self.first_day).days // 7
        extra[t, (self.week_of_day >= first) & (self.week_of_day <= last)] = s.fte or self.settings.stand_in_fte
        return self._compare(s, base, self.run(extra=extra))

    def _earlier_hire(self, s: EarlierHire, base: _Run) -> ScenarioResult:
        upcoming = [
            v
            for v in self.roster.vacancies
            if v.team == s.team and v.person is not None and v.start is not None and v.start > self.first_day
        ]
        hires = [
            p
            for p in np.flatnonzero(self.roster.new_hire)
            if self.teams[self.roster.person_team[p]] == s.team and self.roster.starts[p] > self.first_day
        ]
        people = sorted(
            {*(v.person for v in upcoming if v.person is not None), *map(int, hires)},
            key=lambda p: self.roster.starts[p],
        )
        if not people:
            return ScenarioResult(
                s,
                reason=f"group {s.team} has no start ahead (a hire or an expected replacement) to move",
                reason_code="no_start",
            )
        person = people[0]
        old = self.roster.starts[person]
        new = max(old - timedelta(weeks=s.weeks), self.first_day)
        note = f"start moved from {old.isoformat()} to {new.isoformat()}"
        if new == self.first_day and old - timedelta(weeks=s.weeks) < self.first_day:
            note += " (not before the forecast's first day)"
        result = self._compare(s, base, self.run(roster=self.roster.with_start(person, new)))
        return replace(result, note=note)

    def _action(self, s: ActionDone, base: _Run) -> ScenarioResult:
        actions = self.inputs.actions
        if actions.empty or not {"zone", "action", "counted_change", "quantity"} <= set(actions.columns):
            return ScenarioResult(
                s, reason="no ranked actions: run the analysis with sensor data first", reason_code="no_action"
            )
        row = actions[(actions["zone"].astype(str) == s.zone) & (actions["action"].astype(str) == s.action)]
        if row.empty:
            return ScenarioResult(
                s,
                reason=f"no action {s.action!r} for zone {s.zone!r} among the ranked actions",
                reason_code="no_action",
            )
        quantity = str(row["quantity"].iloc[0])
        counted = float(row["counted_change"].iloc[0]) if pd.notna(row["counted_change"].iloc[0]) else 0.0
        effect = self.inputs.effects.get(quantity)
        teams = [i for i, t in enumerate(self.teams) if self.inputs.team_zone.get(t) == s.zone]
        if not teams:
            return ScenarioResult(s, reason=f"no answer group sits in zone {s.zone}", reason_code="no_team")
        if effect is None or effect.estimate is None:
            return ScenarioResult(
                s,
                reason=f"no estimate of how {QUANTITIES[quantity].label} affects sick leave",
                reason_code="no_estimate",
            )
        if effect.confidence not in SHOWN_CONFIDENCE:
            # As in the baseline's environment term: an effect the evidence does not show is not counted.
            return ScenarioResult(
                s,
                reason=f"the evidence does not show that {QUANTITIES[quantity].label} affects short-term sick leave "
                f"(confidence {effect.confidence}): no change in sick leave, and so in the answer rate, is claimed",
                reason_code="no_evidence",
            )
        if counted == 0:
            return ScenarioResult(
                s,
                reason="the action changes nothing outside the good band here: no effect on sick leave",
                reason_code="good_band",
            )
        units = counted / effect.unit_change
        e = effect.estimate
        z = np.random.default_rng([self.settings.seed, STREAM_ACTION]).standard_normal(self.settings.draws)
        ratio = np.exp((e.log + z * e.se) * units)  # each draw's effect, from the combined estimate's spread
        days = np.asarray(self.roster.days.date) >= s.by_week
        multiplier = np.ones((self.settings.draws, len(self.teams), len(self.roster.days)))
        for t in teams:
            multiplier[:, t, days] = ratio[:, None]
        result = self._compare(s, base, self.run(multiplier=multiplier))
        note = (
            f"{QUANTITIES[quantity].label} changed by {counted:g} {QUANTITIES[quantity].unit} (the part outside the "
            f"good band); sick spells ×{math.exp(e.log * units):.2f}, confidence {effect.confidence}"
        )
        return replace(result, note=note)

    def _compare(self, s: Scenario, base: _Run, run: _Run) -> ScenarioResult:
        target = self.settings.target
        weeks: list[ScenarioWeek] = []
        mask = self.forecastable
        for w in range(self.weeks):
            week_start = self.first_day + timedelta(weeks=w)
            if self.open_per_week[w] == 0:
                continue
            for t in np.flatnonzero(mask):
                b, r = base.rate[:, t, w], run.rate[:, t, w]
                if np.allclose(b, r):
                    continue
                weeks.append(ScenarioWeek.paired(self.teams[t], week_start, b, r, target))
            if any(x.week_start == week_start for x in weeks):
                cb, cr = _centre(base, mask, w), _centre(run, mask, w)
                weeks.append(ScenarioWeek.paired("total", week_start, cb, cr, target))
        if not weeks:
            return ScenarioResult(s, reason="it changes nothing in the forecast's weeks", reason_code="nothing")
        return ScenarioResult(s, tuple(weeks))


# ----- helpers -----------------------------------------------------------------------------------


def _round_or_none(value: float, digits: int) -> float | None:
    """The value rounded for JSON; None where it is not a number (too few draws)."""
    return round(value, digits) if math.isfinite(value) else None


_DRIVER_WORDS = {
    "absence": "absence (planned leave and expected sick leave)",
    "vacancies": "vacancies and new hires in training",
    "environment": "the zones' environment",
    "volume": "call volume",
}


def _centre(run: _Run, mask: NDArray[np.bool_], w: int) -> FloatArray:
    offered = run.offered[:, mask, w]
    total = offered.sum(axis=1)
    return np.asarray((offered * np.nan_to_num(run.rate[:, mask, w])).sum(axis=1) / np.where(total > 0, total, 1.0))


def _row(
    team: str,
    week_start: date,
    open_days: int,
    rate: FloatArray,
    offered: FloatArray,
    p_below: float,
    agents: float,
    full: float,
    drivers: tuple[str, ...],
    shares: Mapping[str, float],
) -> WeekForecast:
    p10, p50, p90 = np.quantile(rate, [0.1, 0.5, 0.9])
    return WeekForecast(
        team,
        week_start,
        open_days,
        float(offered.mean()),
        float(rate.mean()),
        float(p10),
        float(p50),
        float(p90),
        p_below,
        agents,
        full,
        drivers,
        shares,
    )


def _empty_row(team: str, week_start: date, open_days: int, reason: str) -> WeekForecast:
    return WeekForecast(team, week_start, open_days, None, None, None, None, None, None, None, None, (), {}, reason)


def _normalised(shares: Mapping[str, float]) -> dict[str, float]:
    total = sum(shares.values())
    return {k: v / total for k, v in shares.items()} if total > 0 else {}


def _lognormal(z: FloatArray, cv: float | FloatArray) -> FloatArray:
    """Mean-1 lognormal factors with coefficient of variation cv from standard normals."""
    sigma2 = np.log1p(np.square(cv))
    return np.asarray(np.exp(np.sqrt(sigma2) * z - sigma2 / 2), dtype=np.float64)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, digits)


def _without_gaps(daily: pd.DataFrame) -> tuple[pd.DataFrame, list[date]]:
    """The daily calls without the weeks in which no group had a single call (an export gap, not a quiet week)."""
    if daily.empty:
        return daily, []
    monday = daily["date"] - pd.to_timedelta(daily["date"].dt.day_of_week, unit="D")
    totals = daily.groupby(monday)["offered"].sum()
    empty = totals[totals == 0].index
    if len(empty) == 0:
        return daily, []
    keep = ~monday.isin(empty)
    return daily[keep].reset_index(drop=True), sorted(pd.Timestamp(w).date() for w in empty)


def _recent_calls(daily: pd.DataFrame, team: str, as_of: date) -> int:
    """The group's offered calls in the RECENT_CALL_WEEKS weeks up to as_of."""
    since = pd.Timestamp(as_of) - pd.Timedelta(weeks=RECENT_CALL_WEEKS)
    mine = daily[(daily["team"] == team) & (daily["date"] > since)]
    return int(mine["offered"].sum())


def _calls_between(calls: pd.DataFrame, tz: str, first: date, last: date) -> pd.DataFrame:
    """The call intervals whose local date lies in [first, last]."""
    if calls.empty:
        return calls
    local = pd.to_datetime(calls["interval_start"], utc=True).dt.tz_convert(tz).dt.date
    return calls[(local >= first) & (local <= last)].reset_index(drop=True)


def _started_by(absences: pd.DataFrame, as_of: date) -> pd.Series:
    """Absence rows begun by `as_of` (history for the rates; later rows are the future)."""
    if absences.empty:
        return pd.Series(dtype=bool)
    return pd.to_datetime(absences["start_date"]) <= pd.Timestamp(as_of)


def _employed_teams(staff: pd.DataFrame, as_of: date, last_day: date) -> set[str]:
    """Groups with someone employed between as_of and the horizon's end."""
    if staff.empty:
        return set()
    start = pd.to_datetime(staff["start_date"])
    end = pd.to_datetime(staff["end_date"])
    active = (start <= pd.Timestamp(last_day)) & (end.isna() | (end >= pd.Timestamp(as_of)))
    return set(staff.loc[active, "team"].astype(str))


def _profile(calls: pd.DataFrame, hours: SiteHours, interval_minutes: int) -> FloatArray:
    """The centre's share of a day's calls per opening interval over the last weeks (uniform without calls)."""
    offsets = interval_offsets(hours.open_time, hours.close_time, interval_minutes)
    slots = [int(o.total_seconds() // 60) for o in offsets]
    if not slots:
        raise ModelInputError("the site's working hours hold no whole call interval")
    local = pd.to_datetime(calls["interval_start"], utc=True).dt.tz_convert(hours.tz)
    recent = local >= local.max().normalize() - pd.Timedelta(weeks=PROFILE_WEEKS)
    minute = (local.dt.hour * 60 + local.dt.minute)[recent]
    per_slot = calls["offered"][recent].groupby(minute).sum()
    counts = np.array([float(per_slot.get(s, 0.0)) for s in slots])
    if counts.sum() <= 0:
        return np.full(len(slots), 1.0 / len(slots))
    return counts / counts.sum()


def _history(
    calls: pd.DataFrame, inputs: ForecastInputs, as_of: date, hours: SiteHours, settings: ForecastSettings
) -> pd.DataFrame:
    """HISTORY_COLUMNS over the calibration weeks: each group-interval's calls and answers, the day's agents."""
    first = as_of - timedelta(weeks=CALIBRATION_WEEKS) + timedelta(days=1)
    recent = _calls_between(calls, hours.tz, first, as_of)
    if recent.empty:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    wall = pd.to_datetime(recent["interval_start"], utc=True).dt.tz_convert(hours.tz).dt.tz_localize(None)
    opening = hours.open_time.hour * 60 + hours.open_time.minute
    per_day = pd.DataFrame(
        {
            "team": recent["team"].astype(str).to_numpy(),
            "date": wall.dt.normalize().astype("datetime64[ns]").to_numpy(),
            "slot": ((wall.dt.hour * 60 + wall.dt.minute - opening) // settings.interval_minutes).to_numpy(),
            "offered": recent["offered"].to_numpy(),
            "answered": recent["answered"].to_numpy(),
        }
    )
    known = inputs.absences[_started_by(inputs.absences, as_of)] if not inputs.absences.empty else inputs.absences
    past = outlook(
        inputs.staff,
        known,
        as_of,
        first,
        as_of,
        weekdays=hours.weekdays,
        training=settings.training,
        recruitment_days=settings.recruitment_days,
    )
    present = past.capacity * (1.0 - past.planned)
    onehot = np.eye(len(past.teams))[past.person_team]
    agents = pd.DataFrame(onehot.T @ present, index=list(past.teams), columns=past.days)
    long = agents.stack().reset_index()
    long.columns = pd.Index(["team", "date", "agents"])
    long["date"] = pd.to_datetime(long["date"]).astype("datetime64[ns]")
    out = per_day.merge(long, on=["team", "date"], how="inner")
    out["week_start"] = out["date"] - pd.to_timedelta(out["date"].dt.day_of_week, unit="D")
    return out[HISTORY_COLUMNS]


def _weekly_history(daily: pd.DataFrame) -> pd.DataFrame:
    week_start = daily["date"] - pd.to_timedelta(daily["date"].dt.day_of_week, unit="D")
    grouped = daily.assign(week_start=week_start).groupby(["team", "week_start"])
    return grouped.agg(offered=("offered", "sum"), days=("offered", "size")).reset_index()


def _usual(weekly: pd.DataFrame, team: str, days_per_week: int) -> float:
    """The group's calls in a usual full week: the mean per open day over the last year × open days of a week."""
    mine = weekly[(weekly["team"] == team)]
    mine = mine[mine["week_start"] >= mine["week_start"].max() - pd.Timedelta(weeks=52)] if len(mine) else mine
    days = float(mine["days"].sum())
    return float(mine["offered"].sum()) / days * days_per_week if days > 0 else 0.0


def _volume_cv(
    model: VolumeModel, daily: pd.DataFrame, weekly: pd.DataFrame, teams: Sequence[str], days_per_week: int
) -> tuple[float, FloatArray, float, float]:
    """Calls' coefficients of variation beyond Poisson: centre's week, group's week, shared day, group's day.

    By the method of moments, with independent lognormal factors: over n open days the days' swings
    partly cancel in a week (their variance / n). The centre's daily and weekly sums give the shared day
    (centre daily − centre weekly = shared day² · (n − 1)/n) and the centre's week; the groups' daily and
    weekly sums the rest the same way.
    """
    n = max(days_per_week, 2)
    team_mean = weekly.groupby("team")["offered"].mean()
    weekly2 = {t: (model.dispersion - 1.0) / float(team_mean[t]) for t in model.teams if team_mean.get(t, 0) > 0}
    frames, ratios, inverse = [], [], []
    for team, rows in daily.groupby("team"):
        if str(team) not in weekly2:
            continue
        mu = model.expected(str(team), pd.DatetimeIndex(rows["date"]))
        frames.append(pd.DataFrame({"date": rows["date"].to_numpy(), "offered": rows["offered"].to_numpy(), "mu": mu}))
        keep = mu > 1.0
        ratios.append(rows["offered"].to_numpy(dtype=np.float64)[keep] / mu[keep] - 1.0)
        inverse.append(1.0 / mu[keep])
    if not frames:
        return 0.0, np.zeros(len(teams)), 0.0, 0.0
    centre_days = pd.concat(frames).groupby("date")[["offered", "mu"]].sum()
    centre_daily2 = float(np.var(centre_days["offered"] / centre_days["mu"] - 1.0)) - float(
        np.mean(1.0 / centre_days["mu"])
    )
    week_mean = float(weekly.groupby("week_start")["offered"].sum().mean())
    centre_weekly2 = max((model.centre_dispersion - 1.0) / week_mean, 0.0) if week_mean > 0 else 0.0
    shared_day2 = max((centre_daily2 - centre_weekly2) * n / (n - 1), 0.0)
    centre_week2 = max(centre_weekly2 - shared_day2 / n, 0.0)
    daily2 = float(np.var(np.concatenate(ratios))) - float(np.mean(np.concatenate(inverse)))
    own_day2 = max((daily2 - float(np.mean(list(weekly2.values())))) * n / (n - 1) - shared_day2, 0.0)
    own = [math.sqrt(max(weekly2.get(t, 0.0) - centre_week2 - (shared_day2 + own_day2) / n, 0.0)) for t in teams]
    return math.sqrt(centre_week2), np.array(own), math.sqrt(shared_day2), math.sqrt(own_day2)


def _environment_history(inputs: ForecastInputs, teams: Sequence[str], as_of: date) -> pd.DataFrame | None:
    """team, week_start, rate_ratio: each past week's short-term sick-leave ratio of the group's zone vs its band.

    None without shown effects or exposure; only weeks up to as_of (a backtest must not see later ones).
    """
    shown = {q: e for q, e in inputs.effects.items() if e.estimate is not None and e.confidence in SHOWN_CONFIDENCE}
    exposure = inputs.exposure
    if not shown or exposure.empty or not {"zone", "quantity", "week_start", "mean", "status"} <= set(exposure.columns):
        return None
    ok = exposure[
        (exposure["status"] == "ok")
        & exposure["quantity"].isin(list(shown))
        & (pd.to_datetime(exposure["week_start"]) <= pd.Timestamp(as_of))
    ]
    rows: dict[tuple[str, pd.Timestamp], float] = {}
    zone_teams: dict[str, list[str]] = {}
    for team in teams:
        zone = inputs.team_zone.get(team)
        if zone is not None:
            zone_teams.setdefault(zone, []).append(team)
    for zone, quantity, week, mean in zip(ok["zone"], ok["quantity"], pd.to_datetime(ok["week_start"]), ok["mean"],
                                          strict=True):  # fmt: skip
        if zone not in zone_teams or mean is None or not math.isfinite(float(mean)):
            continue
        ratio = _ratio_against_band(str(quantity), float(mean), week.month, shown[str(quantity)])
        for team in zone_teams[zone]:
            rows[(team, week)] = rows.get((team, week), 1.0) * ratio
    return pd.DataFrame(
        [{"team": t, "week_start": w, "rate_ratio": r} for (t, w), r in rows.items()],
        columns=["team", "week_start", "rate_ratio"],
    )


def _ratio_against_band(quantity: str, mean: float, month: int, effect: SickLeaveEffect) -> float:
    """The short-term sick-leave ratio of `mean` against the edge of the quantity's good band (1 inside it)."""
    band = good_band(quantity, month)
    if band is None or effect.estimate is None:
        return 1.0
    edge = band[1] if mean > band[1] else band[0] if mean < band[0] else mean
    counted = counted_change(quantity, mean, edge, month)
    return math.exp(-effect.estimate.log * counted / effect.unit_change) if counted else 1.0


def _environment(
    inputs: ForecastInputs, teams: Sequence[str], as_of: date, month: int
) -> tuple[FloatArray, dict[str, list[dict[str, Any]]], list[str]]:
    """Per group: the sick-leave ratio of its zone's recent environment against the good band (see the module doc)."""
    rr = np.ones(len(teams))
    detail: dict[str, list[dict[str, Any]]] = {}
    exposure = inputs.exposure
    shown = {q: e for q, e in inputs.effects.items() if e.estimate is not None and e.confidence in SHOWN_CONFIDENCE}
    if exposure.empty or not {"zone", "quantity", "week_start", "mean", "status"} <= set(exposure.columns):
        return rr, detail, ["no sensor data: the environment term is left out of the absence forecast"]
    begin = pd.Timestamp(as_of) - pd.Timedelta(weeks=EXPOSURE_WEEKS) + pd.Timedelta(days=1)
    recent = exposure[
        (pd.to_datetime(exposure["week_start"]) >= begin)
        & (pd.to_datetime(exposure["week_start"]) <= pd.Timestamp(as_of))
        & (exposure["status"] == "ok")
    ]
    if recent.empty:
        return (
            rr,
            detail,
            [
                f"no sensor data with enough occupied hours in the {EXPOSURE_WEEKS} weeks before {as_of.isoformat()}: "
                "the environment term is left out of the absence forecast"
            ],
        )
    if not shown:
        return (
            rr,
            detail,
            [
                "no environment effect on sick leave is shown (confidence high or moderate): the "
                "environment term is left out of the absence forecast"
            ],
        )
    means = recent.groupby(["zone", "quantity"])["mean"].mean()
    for i, team in enumerate(teams):
        zone = inputs.team_zone.get(team)
        for quantity, effect in shown.items():
            if zone is None or (zone, quantity) not in means.index or effect.estimate is None:
                continue
            mean = float(means[(zone, quantity)])
            ratio = _ratio_against_band(quantity, mean, month, effect)
            if ratio == 1.0:
                continue
            rr[i] *= ratio
            spec = QUANTITIES[quantity]
            detail.setdefault(team, []).append(
                {
                    "zone": zone,
                    "quantity": quantity,
                    "label": spec.label,
                    "unit": spec.unit,
                    "mean": round(mean, spec.decimals),
                    "rate_ratio": round(ratio, 3),
                    "confidence": effect.confidence,
                }
            )
    return rr, detail, []


def weeks_of(forecast_rows: Sequence[WeekForecast], team: str) -> list[WeekForecast]:
    """The rows of one group (or "total"), in week order."""
    return sorted((r for r in forecast_rows if r.team == team), key=lambda r: r.week_start)
