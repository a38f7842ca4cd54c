"""The analysis as one results object: a period's exposure, team-week panel, associations and ranked actions.

`analyse` composes the models (exposure → panel → associations → actions → follow-ups) from frames the
wiring has read; `Analysis` carries the results, the data behind them and the notes, and turns into the
JSON of `officewell analyze --json` and of the API. Nothing here reads a store or a file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

from models.actions import ActionSpec, effects_from_associations, rank_actions, ranked_records
from models.associations import ROSTERED, Association, team_week_panel
from models.associations import associations as fit_associations
from models.errors import ModelInputError
from models.evidence import QuantityEvidence
from models.exposure import exposure
from models.follow_up import FollowUp, follow_up
from models.glm import single_threaded_blas
from models.holidays import opening_days
from models.occupancy import OccupiedHours
from sensors.quantities import QUANTITIES
from sensors.site import Site

Progress = Callable[[int, int], None]
DEFAULT_YEARS = 2
RECENT_WEEKS = 8  # the "current" exposure an action starts from
WORKING_DAYS_PER_YEAR = 250.0  # open days in a Swedish year: person-days at work → FTE-years
CONFIDENCE_ORDER = {"high": 0, "moderate": 1, "low": 2, "none": 3}
DONE_COLUMNS = ["id", "title", "zone", "quantity", "action", "done_on"]  # the improvement board's done items


@dataclass(frozen=True)
class Period:
    """The analysed local dates, first and last inclusive (whole ISO weeks: Monday to Sunday)."""

    start: date
    end: date

    def to_dict(self) -> dict[str, str]:
        """ISO dates."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True)
class Economics:
    """What ranking actions needs beyond the data: the value of a sick day and the queue's call parameters."""

    sick_day_value_sek: float = 3000.0
    handle_time_s: float = 300.0
    patience_s: float = 120.0


@dataclass(frozen=True)
class ActionFollowUp:
    """A done item of the improvement board and its follow-up (models.follow_up)."""

    item_id: int
    title: str
    action: str | None
    follow_up: FollowUp

    def to_dict(self, *, small_groups: bool = True) -> dict[str, Any]:
        """A JSON-ready form; small_groups=False withholds the sick leave of groups under five people."""
        shown = self.follow_up if small_groups else self.follow_up.without_small_groups()
        return {"item_id": self.item_id, "title": self.title, "action": self.action, **shown.to_dict()}


@dataclass(frozen=True)
class Analysis:
    """What `analyze` found: the associations (best supported first), exposure, and the data behind them."""

    period: Period
    associations: tuple[Association, ...]
    exposure: pd.DataFrame  # weekly: zone, quantity, week_start, period, mean, p95, band hours, completeness, status
    panel: pd.DataFrame  # team-weeks (HR data: absences per three-person group)
    data: Mapping[str, Any]
    notes: tuple[str, ...] = field(default=())
    actions: pd.DataFrame = field(default_factory=pd.DataFrame)  # ranked with each team's own sick-day rate
    actions_centre_rate: pd.DataFrame = field(default_factory=pd.DataFrame)  # ranked with the centre's average
    follow_ups: tuple[ActionFollowUp, ...] = field(default=())  # the done board items with a zone and a date

    def exposure_summary(self) -> list[dict[str, Any]]:
        """Per zone and quantity over the period: mean of the weeks with enough data, weeks judged, completeness."""
        rows: list[dict[str, Any]] = []
        if self.exposure.empty:
            return rows
        for (zone, quantity), group in self.exposure.groupby(["zone", "quantity"], sort=True):
            ok = group[group["status"] == "ok"]
            act = float(ok["hours_act"].sum()) if len(ok) else 0.0
            judged = float(ok["hours_with_data"].sum()) if len(ok) else 0.0
            rows.append(
                {
                    "zone": zone,
                    "quantity": quantity,
                    "unit": QUANTITIES[str(quantity)].unit,
                    "mean": None if ok.empty else round(float(ok["mean"].mean()), QUANTITIES[str(quantity)].decimals),
                    "weeks": len(group),
                    "weeks_with_data": len(ok),
                    "completeness": round(float(group["completeness"].fillna(0).mean()), 3),
                    "share_of_hours_act": None if judged == 0 else round(act / judged, 3),
                }
            )
        return rows

    def ranked_actions(self, *, team_rates: bool = True) -> tuple[str, list[dict[str, Any]]]:
        """The sick-day rate the actions were ranked on, in words, and the ranked actions as JSON-ready rows."""
        frame = self.actions if team_rates else self.actions_centre_rate
        baseline = "each team's own short-term sick days" if team_rates else "the centre's average"
        return baseline, ranked_records(frame) if not frame.empty else []

    def to_dict(self, *, team_rates: bool = True) -> dict[str, Any]:
        """The JSON of `officewell analyze --json` (contracts §7, with more keys).

        team_rates=False ranks the actions on the centre's average sick-day rate instead of each team's
        own: for readers who may not see a three-person group's absence.
        """
        baseline, actions = self.ranked_actions(team_rates=team_rates)
        return {
            "period": self.period.to_dict(),
            "associations": [a.to_dict() for a in self.associations],
            "actions": actions,
            "actions_baseline": baseline,
            "exposure": self.exposure_summary(),
            "follow_ups": [f.to_dict(small_groups=team_rates) for f in self.follow_ups],
            "data": dict(self.data),
            "notes": list(self.notes),
        }


MAX_WEEKS = 5 * 53  # an analysis reads and fits at most five years (time and memory grow with the weeks)


def default_period(today: date, since: date | None, until: date | None) -> Period:
    """Whole ISO weeks: up to the last Sunday before today (or `until`'s week), two years back (or from `since`)."""
    if until is None:
        until = today - timedelta(days=today.isoweekday())  # the Sunday of last week
    else:
        until = until + timedelta(days=7 - until.isoweekday())  # its week's Sunday
    if since is None:
        since = until - timedelta(weeks=52 * DEFAULT_YEARS) + timedelta(days=1)
    else:
        since = since - timedelta(days=since.isoweekday() - 1)  # its week's Monday
    if since > until:
        raise ModelInputError(f"the period's start {since} is after its end {until}")
    if (until - since).days >= MAX_WEEKS * 7:
        raise ModelInputError(
            f"{since} to {until} is more than {MAX_WEEKS} weeks; an analysis covers at most five years"
        )
    return Period(since, until)


def occupied_hours(site: Site) -> OccupiedHours:
    """The site's occupied hours: its working hours on its working days, public holidays closed."""
    hours = site.site.working_hours
    return OccupiedHours(site.site.tz, hours.start, hours.end, tuple(hours.days))


def window_width(site: Site) -> timedelta:
    """The windows a working day divides into: an hour, or a quarter for hours like 08:30–16:30."""
    hours = site.site.working_hours
    return timedelta(hours=1) if hours.start.minute == hours.end.minute == 0 else timedelta(minutes=15)


def analysed_quantities(evidence: Mapping[str, QuantityEvidence]) -> list[str]:
    """The quantities analysed: those of the evidence table that have comfort bands."""
    return [q for q in evidence if QUANTITIES[q].bands]


def period_bounds(site: Site, period: Period) -> tuple[datetime, datetime]:
    """The period as instants: local midnight of its first day to local midnight after its last."""
    tz = site.site.tz
    return datetime.combine(period.start, time(), tz), datetime.combine(period.end + timedelta(days=1), time(), tz)


def analyse(
    site: Site,
    period: Period,
    windows: Mapping[str, pd.DataFrame],
    absences: pd.DataFrame,
    staff: pd.DataFrame,
    calls: pd.DataFrame,
    evidence: Mapping[str, QuantityEvidence],
    *,
    catalogue: Sequence[ActionSpec] = (),
    economics: Economics = Economics(),
    done: pd.DataFrame | None = None,
    records_begin: Mapping[str, date | datetime] | None = None,
) -> Analysis:
    """Exposure per zone and week, the team-week panel, every association and the ranked actions.

    windows: per quantity, the store's windows of `window_width(site)` over the period (quantity, zone,
    ts, mean, count). absences: from a month before the period (spells reaching into it); staff and
    calls: the period's. An empty roster raises ModelInputError: without people there is nothing to relate.
    done: the improvement board's done items (DONE_COLUMNS); each with a zone and a date is followed up.
    records_begin: when the stored absences and call intervals begin (RecordsStore.records_begin); without
    it, where the frames given begin.
    """
    period, clipped = _covered(period, absences, calls, site.site.timezone, records_begin)
    occupied = occupied_hours(site)
    start, stop = period_bounds(site, period)
    width = window_width(site)
    team_zone = {team: zone.id for zone in site.zones for team in zone.teams}
    zones = sorted(set(team_zone.values()))
    frames = []
    for quantity, quantity_windows in windows.items():
        weekly = exposure(quantity_windows, quantity, occupied, start, stop, zones=zones, width=width)
        frames.append(weekly.assign(quantity=quantity).rename(columns={"period_start": "week_start"}))
    weekly_exposure = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if staff.empty:
        raise ModelInputError(f"no roster for {period.start} – {period.end}: import staff.csv first")
    hours = site.site.working_hours
    days = opening_days(period.start, period.end, hours.days)
    panel = team_week_panel(absences, staff, calls if not calls.empty else None, days, tz=site.site.timezone)
    notes = list(clipped)
    if weekly_exposure.empty or not (weekly_exposure["status"] == "ok").any():
        notes.append("no sensor data with enough occupied hours in the period: no environment to compare")
    if calls.empty:
        notes.append("no call intervals in the period: the answer rate is not analysed")
    found = fit_associations(
        panel,
        weekly_exposure if not weekly_exposure.empty else _no_exposure(),
        team_zone,
        evidence,
        outcomes=("short_term_sick_spells", "short_term_sick_days", *(() if calls.empty else ("answer_rate",))),
    )
    ordered = tuple(sorted(found, key=rank_key))
    with single_threaded_blas():  # the Erlang and interval sums are small too
        actions, centre_rate = _actions(site, catalogue, weekly_exposure, ordered, panel, days, period, economics)
    data = {
        "teams": int(panel["team"].nunique()),
        "team_weeks": len(panel),
        "short_term_sick_spells": int(panel["short_term_sick_spells"].sum()),
        "person_days_at_work": round(float(panel["person_days"].sum()), 1),
        "offered_calls": int(panel["offered"].fillna(0).sum()),
        "zones": zones,
        "open_days": len(days),
        **_measured(weekly_exposure),
    }
    follow_ups = _follow_ups(done, panel, weekly_exposure, team_zone, catalogue)
    return Analysis(period, ordered, weekly_exposure, panel, data, tuple(notes), actions, centre_rate, follow_ups)


def _follow_ups(
    done: pd.DataFrame | None,
    panel: pd.DataFrame,
    weekly: pd.DataFrame,
    team_zone: Mapping[str, str],
    catalogue: Sequence[ActionSpec],
) -> tuple[ActionFollowUp, ...]:
    """Each done item with a zone and a date, followed up on its quantity (its own, else its action's)."""
    if done is None or done.empty or weekly.empty:
        return ()
    missing = [c for c in DONE_COLUMNS if c not in done.columns]
    if missing:
        raise ModelInputError(f"the board's done items lack columns {missing}")
    quantity_of = {a.key: a.quantity for a in catalogue}
    out = []
    for item in done.to_dict("records"):
        zone, done_on, action, own = item["zone"], item["done_on"], item["action"], item["quantity"]
        if not isinstance(zone, str) or done_on is None or pd.isna(done_on):
            continue
        quantity = own if isinstance(own, str) else quantity_of.get(str(action))
        result = follow_up(zone, pd.Timestamp(done_on).date(), panel, weekly, team_zone, quantity)
        out.append(
            ActionFollowUp(int(item["id"]), str(item["title"]), action if isinstance(action, str) else None, result)
        )
    return tuple(out)


def _covered(
    period: Period,
    absences: pd.DataFrame,
    calls: pd.DataFrame,
    tz: str,
    records_begin: Mapping[str, date | datetime] | None = None,
) -> tuple[Period, list[str]]:
    """The period from the week the records begin in: weeks before the first absence or call are unknown.

    A roster reaching further back than the absence file would otherwise count those weeks as weeks
    without sick leave, and dilute every rate. (A centre of a dozen people has an absence of some kind,
    a sick child or a leave, nearly every week; so the first one marks where the file begins.) The
    beginning is taken over all stored records when given: the frames hold only the period's, and a
    quiet month at its start is not where the file begins.
    """
    begins: dict[str, date | datetime] = {}
    if records_begin is not None:
        begins.update(records_begin)
    else:
        if len(absences):
            begins["absences"] = pd.Timestamp(absences["start_date"].min()).date()
        if len(calls):
            begins["call intervals"] = pd.Timestamp(calls["interval_start"].min()).to_pydatetime()
    notes = []
    start = period.start
    for what, first in begins.items():
        if isinstance(first, datetime):
            stamp = pd.Timestamp(first)
            first = (stamp.tz_convert(tz) if stamp.tzinfo else stamp).date()
        monday = first - timedelta(days=first.weekday())
        if monday > start:
            # The week, not the day: the first absence's date is a person's.
            notes.append(f"the {what} begin in the week of {monday.isoformat()}: the analysis starts with that week")
            start = monday
    if "absences" not in begins:
        notes.append("no absences are stored: every week reads as one without sick leave, so nothing can be said of it")
    if start > period.end:
        raise ModelInputError(
            f"no absences or call intervals in {period.start} – {period.end}: the records begin in the week of "
            f"{start.isoformat()}; import absences.csv, calls.csv and staff.csv for the period, or analyse a later one"
        )
    return Period(start, period.end), notes


def _measured(weekly: pd.DataFrame) -> dict[str, Any]:
    """Which quantities the sensors measure at all, and the share of their occupied hours with data.

    A quantity no sensor measures (PM2.5 without a particle sensor) is not missing data: it is left out.
    """
    if weekly.empty:
        return {"quantities_measured": [], "exposure_completeness": None}
    measured = weekly.groupby("quantity")["hours_with_data"].sum()
    keys = sorted(str(q) for q in measured[measured > 0].index)
    shown = weekly[weekly["quantity"].isin(keys)]
    share = None if shown.empty else round(float(shown["completeness"].fillna(0).mean()), 3)
    return {"quantities_measured": keys, "exposure_completeness": share}


def rank_key(a: Association) -> tuple[int, float, str, int, str]:
    """Best supported first: by confidence word, then by how far the combined interval lies from no effect."""
    word, _ = a.confidence()
    z = 0.0
    if a.combined is not None and a.combined.estimate.se > 0:
        z = abs(a.combined.estimate.log) / a.combined.estimate.se
    return (CONFIDENCE_ORDER[word], -z if math.isfinite(z) else 0.0, a.outcome, a.lag_weeks, a.quantity)


def _actions(
    site: Site,
    catalogue: Sequence[ActionSpec],
    weekly: pd.DataFrame,
    found: Sequence[Association],
    panel: pd.DataFrame,
    days: Sequence[date],
    period: Period,
    economics: Economics,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ranked actions twice: on each team's own sick-day rate, and on the centre's average."""
    if not catalogue or weekly.empty:
        return pd.DataFrame(), pd.DataFrame()
    recent_start = pd.Timestamp(period.end) - pd.Timedelta(weeks=RECENT_WEEKS) + pd.Timedelta(days=1)
    recent = weekly[weekly["week_start"] >= recent_start]
    ok = recent[recent["status"] == "ok"]
    exposure_now = (
        recent.groupby(["zone", "quantity"])
        .agg(completeness=("completeness", "mean"))
        .join(ok.groupby(["zone", "quantity"]).agg(mean=("mean", "mean"), weeks=("mean", "size")))
        .reset_index()
        .fillna({"weeks": 0})
    )
    team_zone = {team: zone.id for zone in site.zones for team in zone.teams}
    years = len(days) / WORKING_DAYS_PER_YEAR if days else 1.0
    open_hours = _open_hours_per_day(site)
    per_team = panel.groupby("team").agg(
        person_days=("person_days", "sum"),
        rostered_days=(ROSTERED if ROSTERED in panel else "person_days", "sum"),
        sick_days=("short_term_sick_days", "sum"),
        offered=("offered", "sum"),
    )
    fte = per_team["person_days"] / max(len(days), 1)  # FTE present on an average open day
    # Person-time at work in FTE-years: the exposure the sick days are counted against.
    fte_years = (per_team["person_days"] / WORKING_DAYS_PER_YEAR).where(per_team["person_days"] > 0)
    own = (per_team["sick_days"] / fte_years).fillna(0.0)
    centre = float(per_team["sick_days"].sum() / fte_years.sum()) if fte_years.sum() > 0 else 0.0
    teams = pd.DataFrame(
        {
            "team": per_team.index,
            "zone": [team_zone.get(t) for t in per_team.index],
            "fte": fte.to_numpy(),
            "sick_days_per_fte_year": own.to_numpy(),
            "open_days_per_year": len(days) / years,
            "calls_per_open_hour": (per_team["offered"] / (max(len(days), 1) * open_hours)).to_numpy(),
            "available_agents": fte.to_numpy(),
        }
    ).dropna(subset=["zone"])
    zones = pd.DataFrame(
        {"zone": [z.id for z in site.zones], "area_m2": [z.area_m2 for z in site.zones],
         "capacity": [z.capacity for z in site.zones]}
    )  # fmt: skip
    effects = effects_from_associations(found)
    common: dict[str, Any] = {
        "month": period.end.month,
        "sick_day_value_sek": economics.sick_day_value_sek,
        "handle_time_s": economics.handle_time_s,
        "patience_s": economics.patience_s,
    }
    ranked = rank_actions(catalogue, exposure_now, effects, teams, zones, **common)
    # On the centre's average, a team's presence must not show through either: its rostered FTE times the
    # centre's share present stands in for the FTE it actually had at work (absence of every kind is HR's).
    present = (
        float(per_team["person_days"].sum() / per_team["rostered_days"].sum())
        if per_team["rostered_days"].sum()
        else 1.0
    )
    rostered = (per_team["rostered_days"] / max(len(days), 1) * present).reindex(teams["team"]).to_numpy()
    averaged = rank_actions(
        catalogue, exposure_now, effects,
        teams.assign(sick_days_per_fte_year=centre, fte=rostered, available_agents=rostered),
        zones, **common,
    )  # fmt: skip
    return ranked, averaged


def _open_hours_per_day(site: Site) -> float:
    hours = site.site.working_hours
    return (hours.end.hour * 60 + hours.end.minute - hours.start.hour * 60 - hours.start.minute) / 60.0


def _no_exposure() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ("zone", "week_start", "quantity", "mean", "status")})
