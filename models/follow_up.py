"""Action follow-up: a zone before and after an improvement was done, against the other zones.

For an improvement-board item that is done, with a zone and the day it was done, three things are
compared before and after, each against the other zones (difference in differences):

- the zone's **exposure** (weekly occupied-hours mean of a quantity): a difference in the quantity's
  unit (ppm, °C, …);
- its answer group's **short-term sick spells** (rate per FTE-year at work): a rate ratio;
- its answer group's **answer rate**: an odds ratio, also shown in percentage points.

**Periods.** ISO weeks (Monday, local). The week of the date and `settle_weeks` weeks after it are
left out of both periods (the work was under way, a cold caught before the change still starts a
spell then); `weeks_before` weeks before and `weeks_after` weeks after them are compared.

**The model** (models.did). One unit per zone (the teams of a zone pooled) with unit and week fixed
effects and an after × treated term. Exposure: least squares, a difference in units. Sick spells:
Poisson with the person-time at work as offset (half a spell added to the treated counts, so a period
without spells gives a finite, cautious ratio), negative-binomial variance when overdispersed. Answer
rate: binomial, quasi-binomial scale, *not* adjusted for staffing — so it keeps the action's effect
through absence, and also every vacancy and trainee, which the statement recalls when it calls a change.
The controls are the other zones with teams (the workplaces); without any team mapping, all zones.

**Inference with one treated zone: placebo in space.** A dozen groups whose weeks are autocorrelated
make model-based standard errors claim too much, and no cluster-robust error exists with a single
treated cluster. So the same estimate is made for each *other* zone as if it had had the action on the
same date (the treated zone left out of those fits). The p-value is the treated estimate's rank among
them (by estimate ÷ its standard error): with k placebos the smallest is 1/(k + 1), 1/12 ≈ 0.08 with
11, which is why the statements say "clearer than in 11 of 11 other zones" rather than claiming
significance. The interval is the model's, widened by how far the placebos stray beyond their own
standard errors, with a t quantile on k degrees of freedom.

A change is called ("fell", "rose") only when the interval excludes no change *and* the placebo p is at
most PLACEBO_LEVEL (with 11 other zones: no other zone changed as clearly). A placebo test shows that
a change is unusual for the site; it cannot rule out something else that happened in the same zone
at the same time. Too few weeks after the date give "too early to tell", none in the zone "no data".

Privacy: the sick-leave comparison describes one answer group; `group_size` says how many people it
had in the week compared with the fewest, and a caller shows groups under five to HR only
(standards.md). The version for other readers (`FollowUp.without_small_groups`) also leaves out every
sick-leave figure that pools in a small group — the total over all zones and the other teams' levels
— since subtracting the groups shown from it would give the small group's.

Estimates whose interval has no finite bounds (a ratio beyond what a float holds) are reported as no
estimate, in words; no figure is infinite or not a number.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import expit

from models.associations import PANEL_COLUMNS
from models.did import PLACEBO_LEVEL, Placebo, level_contrast, odds_contrast, placebo_inference, rate_contrast
from models.errors import ModelInputError
from sensors.quantities import QUANTITIES

Outcome = Literal["exposure", "short_term_sick_spells", "answer_rate"]
Status = Literal["estimated", "too_early", "no_data", "too_little_data", "no_team", "no_controls", "withheld"]
SMALL_GROUP = 5  # people: a sick-leave figure of a smaller group is for HR only (standards.md, "Privacy")
EXPOSURE_COLUMNS = ["zone", "week_start", "quantity", "mean", "status"]
WORKING_DAYS_PER_YEAR = 250.0  # open days in a Swedish year: person-days at work → FTE-years
MIN_CONTROLS = 2  # other zones needed for any comparison
MAX_LOG = math.log(sys.float_info.max)  # a ratio whose log lies beyond this is not a float


@dataclass(frozen=True)
class Window:
    """The weeks compared: week starts (Mondays) of the done week, the weeks left out and both periods."""

    done_on: date
    done_week: date
    excluded: tuple[date, ...]
    before: tuple[date, date]  # first and last week start
    after: tuple[date, date]

    def period(self, weeks: pd.Series) -> np.ndarray:
        """Which period each week start lies in: "before", "after" or "" (neither)."""
        w = pd.to_datetime(weeks)
        before = (w >= pd.Timestamp(self.before[0])) & (w <= pd.Timestamp(self.before[1]))
        after = (w >= pd.Timestamp(self.after[0])) & (w <= pd.Timestamp(self.after[1]))
        return np.where(before, "before", np.where(after, "after", ""))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "done_on": self.done_on.isoformat(),
            "done_week": self.done_week.isoformat(),
            "excluded_weeks": [w.isoformat() for w in self.excluded],
            "before": [d.isoformat() for d in self.before],
            "after": [d.isoformat() for d in self.after],
        }


@dataclass(frozen=True)
class Comparison:
    """One outcome before and after, treated and controls: the DiD estimate, its interval and the words."""

    outcome: Outcome
    quantity: str | None  # the exposure's quantity key; None for the team outcomes
    unit: str  # of the before/after values
    measure: str  # "difference (ppm)", "rate ratio", "odds ratio"
    status: Status
    statement: str
    verdict: str | None = None  # "fell", "rose", "unclear" (None unless estimated)
    treated_before: float | None = None
    treated_after: float | None = None
    control_before: float | None = None
    control_after: float | None = None
    estimate: float | None = None  # the difference, or the ratio
    ci_low: float | None = None
    ci_high: float | None = None
    change_pp: float | None = None  # answer rate: the change in percentage points at the treated rate after
    change_pp_low: float | None = None
    change_pp_high: float | None = None
    p_placebo: float | None = None
    clearer_than: int | None = None  # placebo zones whose change was less clear than the treated zone's
    placebos: int = 0
    weeks_before: int = 0  # weeks of the treated zone with data
    weeks_after: int = 0
    n: int = 0  # zone-weeks (team outcomes: team-weeks pooled per zone) in the model
    events_before: float | None = None  # treated zone: spells (or offered calls) in each period
    events_after: float | None = None
    events: float | None = None  # all zones
    # Sick leave: the fewest people the treated zone's teams had in a week compared (under five is for HR only).
    group_size: int | None = None
    model: str = ""
    # For `FollowUp.without_small_groups`, not in to_dict: the fewest people in a week compared of any other
    # zone whose sick leave `events` (others_size) or the control levels (controls_size) pool, None if no
    # other zone's do; and the statement without the control levels.
    others_size: int | None = field(default=None, repr=False)
    controls_size: int | None = field(default=None, repr=False)
    statement_without_controls: str | None = field(default=None, repr=False)
    # The statement with the rate ratio alone, for readers who see no sick-leave counts or levels.
    statement_ratio_only: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, rounded for people; a non-finite number becomes None."""
        out: dict[str, Any] = {}
        for name, value in self.__dict__.items():
            if name in _PRIVATE:
                continue
            if isinstance(value, float):
                value = round(value, 4) if math.isfinite(value) else None
            out[name] = value
        return out


_PRIVATE = frozenset({"others_size", "controls_size", "statement_without_controls", "statement_ratio_only"})


@dataclass(frozen=True)
class FollowUp:
    """The follow-up of one done action: its window, one comparison per outcome and a summary in words."""

    zone: str
    teams: tuple[str, ...]
    window: Window
    comparisons: tuple[Comparison, ...]
    statement: str
    notes: tuple[str, ...] = field(default=())

    def comparison(self, outcome: Outcome, quantity: str | None = None) -> Comparison:
        """The comparison of one outcome (and, for exposure, one quantity)."""
        for c in self.comparisons:
            if c.outcome == outcome and (quantity is None or c.quantity == quantity):
                return c
        raise ModelInputError(f"no {outcome} comparison{f' for {quantity}' if quantity else ''} in this follow-up")

    def without_small_groups(self, min_size: int = SMALL_GROUP) -> FollowUp:
        """The follow-up as readers who may not see a small group's absence get it: such sick leave withheld.

        A group counts as small if it had fewer than `min_size` people in any week compared. The treated
        group's sick leave is withheld if it is small (or of unknown size); otherwise only its rate ratio
        against the other teams, with its interval, is shown: no counts or levels, since a large zone's
        spells subtracted from the centre's weekly total (`/absence`) could leave a small zone's.
        Exposure and the answer rate (operations data) stay.
        """
        comparisons = [
            _shown_sick(c, min_size) if c.outcome == "short_term_sick_spells" else c for c in self.comparisons
        ]
        return replace(self, comparisons=tuple(comparisons), statement=_summary(self.zone, self.window, comparisons))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "zone": self.zone,
            "teams": list(self.teams),
            "window": self.window.to_dict(),
            "comparisons": [c.to_dict() for c in self.comparisons],
            "statement": self.statement,
            "notes": list(self.notes),
        }


def _shown_sick(c: Comparison, min_size: int) -> Comparison:
    """A sick-leave comparison without the figures of groups under `min_size` people (see without_small_groups)."""
    if c.group_size is None or c.group_size < min_size:
        people = "an unknown number of people" if c.group_size is None else f"{c.group_size} people"
        return Comparison(
            outcome=c.outcome,
            quantity=None,
            unit=c.unit,
            measure=c.measure,
            status="withheld",
            statement=(
                f"Shown to HR only: the answer group has {people} in a week compared, fewer than {min_size}, so "
                "its sick leave would identify them."
            ),
            group_size=c.group_size,
        )
    # No counts or levels at all, even of a large group: with the centre's weekly total (/absence) a large
    # zone's spells would leave a small zone's by subtraction. The rate ratio and its interval stay.
    if c.status == "estimated" and c.statement_ratio_only is not None:
        statement = c.statement_ratio_only
    elif c.status == "estimated":
        statement = "Short-term sick spells: the estimate is shown; the counts and levels are shown to HR only."
    else:
        statement = "Short-term sick spells: too little to compare; the counts are shown to HR only."
    return replace(
        c,
        statement=statement,
        events_before=None,
        events_after=None,
        events=None,
        treated_before=None,
        treated_after=None,
        control_before=None,
        control_after=None,
        others_size=None,
        controls_size=None,
        statement_without_controls=None,
        statement_ratio_only=None,
    )


def follow_up(
    item_zone: str,
    done_on: date,
    panel: pd.DataFrame,
    exposure: pd.DataFrame,
    team_zone: Mapping[str, str],
    quantity: str | None = None,
    *,
    min_weeks_after: int = 8,
    weeks_before: int = 26,
    weeks_after: int = 26,
    min_weeks_before: int = 8,
    settle_weeks: int = 1,
) -> FollowUp:
    """Before and after `done_on` in `item_zone`, against the other zones: exposure, sick spells, answer rate.

    panel: models.associations.team_week_panel's columns. exposure: zone, week_start (Monday, naive local
    date), quantity, mean, status ("ok" rows count). team_zone: each answer group's zone. quantity: the
    item's quantity, or None for every quantity the exposure has. See the module doc for the method.
    """
    window = _window(done_on, weeks_before, weeks_after, min_weeks_after, min_weeks_before, settle_weeks)
    panel = _checked_panel(panel)
    exposure = _checked_exposure(exposure)
    if quantity is not None and quantity not in QUANTITIES:
        raise ModelInputError(f"unknown quantity {quantity!r}")
    teams = tuple(sorted(t for t, z in team_zone.items() if z == item_zone))
    rules = _Rules(min_weeks_before, min_weeks_after, window)
    comparisons: list[Comparison] = []
    if quantity is not None:
        quantities = [quantity]
    else:  # every quantity measured in the zone (a key the quantity table does not know cannot be labelled)
        quantities = sorted(set(exposure.loc[exposure["zone"] == item_zone, "quantity"]) & set(QUANTITIES))
    workplaces = set(team_zone.values())
    for q in quantities:
        comparisons.append(_exposure_comparison(item_zone, q, exposure, workplaces, rules))
    team_rows = panel[panel["team"].isin(list(team_zone))].assign(zone=lambda f: f["team"].map(team_zone))
    comparisons.append(_sick_comparison(item_zone, teams, team_rows, rules))
    comparisons.append(_answer_comparison(item_zone, teams, team_rows, rules))
    notes: tuple[str, ...] = (
        f"Weeks compared: {_span(window.before)} before and {_span(window.after)} after; the week of "
        f"{window.done_on.isoformat()}"
        + (f" and the {settle_weeks} week{'s' if settle_weeks > 1 else ''} after it are" if settle_weeks else " is")
        + " left out of both.",
        "Each other zone is also treated as if it had had the action on the same date (placebo in space): a change "
        "clearer than in all of them is unusual for this site, but that cannot rule out something else that "
        "happened in the same zone at the same time.",
    )
    if not quantities:
        notes += (f"No environment data for zone {item_zone}: nothing to compare its exposure with.",)
    return FollowUp(item_zone, teams, window, tuple(comparisons), _summary(item_zone, window, comparisons), notes)


# ----- periods and checks -------------------------------------------------------------------------


def _window(done_on: date, weeks_before: int, weeks_after: int, min_after: int, min_before: int, settle: int) -> Window:
    if isinstance(done_on, datetime) or not isinstance(done_on, date):
        raise ModelInputError(f"done_on must be a date (the local day the action was done), got {done_on!r}")
    for name, value, least in (
        ("weeks_before", weeks_before, 2),
        ("weeks_after", weeks_after, 2),
        ("min_weeks_after", min_after, 2),
        ("min_weeks_before", min_before, 2),
        ("settle_weeks", settle, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ModelInputError(f"{name} must be a whole number of weeks ≥ {least}, got {value!r}")
    if min_after > weeks_after or min_before > weeks_before:
        raise ModelInputError("min_weeks_after/min_weeks_before cannot exceed weeks_after/weeks_before")
    week = done_on - timedelta(days=done_on.weekday())
    excluded = tuple(week + timedelta(weeks=k) for k in range(settle + 1))
    first_after = week + timedelta(weeks=settle + 1)
    return Window(
        done_on=done_on,
        done_week=week,
        excluded=excluded,
        before=(week - timedelta(weeks=weeks_before), week - timedelta(weeks=1)),
        after=(first_after, first_after + timedelta(weeks=weeks_after - 1)),
    )


def _checked_panel(panel: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in PANEL_COLUMNS if c not in panel.columns]
    if missing:
        raise ModelInputError(f"the panel lacks columns {missing} (see models.associations.team_week_panel)")
    return panel.assign(week_start=_monday(panel["week_start"], "panel"))


def _checked_exposure(exposure: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in EXPOSURE_COLUMNS if c not in exposure.columns]
    if missing:
        raise ModelInputError(f"exposure lacks columns {missing}; it needs {', '.join(EXPOSURE_COLUMNS)}")
    ok = exposure[(exposure["status"] == "ok") & exposure["mean"].notna()]
    return ok.assign(week_start=_monday(ok["week_start"], "exposure"), mean=ok["mean"].astype(np.float64))


def _monday(weeks: pd.Series, what: str) -> pd.Series:
    try:
        w = pd.to_datetime(weeks)
    except (ValueError, TypeError) as exc:
        raise ModelInputError(f"{what}: week_start must be dates") from exc
    if getattr(w.dt, "tz", None) is not None:
        raise ModelInputError(f"{what}: week_start must be naive local dates (the week's Monday), not instants")
    day = w.dt.normalize()
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D")


@dataclass(frozen=True)
class _Rules:
    min_before: int
    min_after: int
    window: Window


def _span(period: tuple[date, date]) -> str:
    return f"{period[0].isoformat()} – {(period[1] + timedelta(days=6)).isoformat()}"


# ----- the three outcomes ---------------------------------------------------------------------------


def _exposure_comparison(
    zone: str, quantity: str, exposure: pd.DataFrame, workplaces: set[str], rules: _Rules
) -> Comparison:
    spec = QUANTITIES[quantity]
    base = Comparison("exposure", quantity, spec.unit, f"difference ({spec.unit})", "no_data", "")
    rows = exposure[exposure["quantity"] == quantity]
    rows = rows.assign(period=rules.window.period(rows["week_start"]))
    rows = rows[rows["period"] != ""].rename(columns={"zone": "unit", "week_start": "week", "mean": "y"})
    # The other workplaces are the comparison (a meeting room's air follows other rhythms); without teams, all zones.
    others = (workplaces or set(rows["unit"])) - {zone}
    rows = rows[rows["unit"].isin(others | {zone})]
    what = f"{spec.label} data for zone {zone}"
    c = _prepared(base, rows, zone, rules, what, others, lambda f: float(f["y"].mean()))
    if c.status != "estimated":
        return c
    result = placebo_inference(rows, zone, level_contrast)
    if result is None:
        return replace(c, status="too_little_data", statement=f"{what}: no week-to-week spread to give an interval.")
    if not _bounded(result, ratio=False):
        text = _unbounded(f"{spec.label} in {zone}", "zones", result)
        return replace(c, status="too_little_data", statement=text)
    text = _exposure_text(spec.label, zone, spec.unit, spec.decimals, c, result)
    model = "least squares, zone and week fixed effects"
    return replace(c, **_inferred(result, model, ratio=False), statement=text)


def _sick_comparison(zone: str, teams: tuple[str, ...], panel: pd.DataFrame, rules: _Rules) -> Comparison:
    base = Comparison("short_term_sick_spells", None, "spells per FTE-year", "rate ratio", "no_team", "")
    if not teams:
        return replace(base, statement=f"No answer group sits in {zone}: no sick-leave follow-up.")
    rows = _zone_weeks(panel, rules, ["short_term_sick_spells", "person_days", "people"])
    rows = rows[rows["person_days"] > 0].rename(columns={"short_term_sick_spells": "y", "person_days": "time"})
    treated = rows[rows["unit"] == zone]
    before, after = (float(treated.loc[treated["period"] == p, "y"].sum()) for p in ("before", "after"))
    others = set(rows["unit"]) - {zone}
    base = replace(
        base,
        events_before=before,
        events_after=after,
        events=float(rows["y"].sum()),
        group_size=_smallest(rows, {zone}),
        others_size=_smallest(rows, others),
        controls_size=_smallest(rows, _controls(rows, others)),
    )
    what = f"staff and absence data for {_who(teams)}"
    c = _prepared(base, rows, zone, rules, what, others,
                  lambda f: WORKING_DAYS_PER_YEAR * float(f["y"].sum() / f["time"].sum()))  # fmt: skip
    if c.status != "estimated":
        return c
    if before + after == 0:
        text = f"{_who(teams).capitalize()} had no short-term sick spells before or after: nothing to compare."
        return replace(c, status="too_little_data", statement=text)
    result = placebo_inference(rows, zone, rate_contrast)
    if result is None:
        return replace(c, status="too_little_data", statement="The other teams had too few spells to compare with.")
    if not _bounded(result, ratio=True):
        text = _unbounded(f"short-term sick spells in {_who(teams)}", "teams", result)
        return replace(c, status="too_little_data", statement=text)
    low, high = (_exp(v) for v in result.interval())
    own = (
        f"Short-term sick spells in {_who(teams)}: {_num(c.treated_before, 1)} per FTE-year before and "
        f"{_num(c.treated_after, 1)} after ({before:g} and {after:g} spells)"
    )
    point = _exp(result.estimate)
    ratio = f"a rate ratio of {point:.2f} (95 % interval {low:.2f}–{high:.2f}). {_tail(result, 'teams')}"
    text = (
        f"{own}; in the other teams {_num(c.control_before, 1)} and {_num(c.control_after, 1)}. Relative to them "
        f"{ratio}"
    )
    hidden = f"{own}; the other teams' levels are shown to HR only (a small group among them). Relative to them {ratio}"
    alone = (
        f"Short-term sick spells in {_who(teams)} relative to the other teams: {ratio} "
        "(the counts and levels are shown to HR only)"
    )
    inferred = _inferred(result, result.model, ratio=True)
    return replace(c, **inferred, statement=text, statement_without_controls=hidden, statement_ratio_only=alone)


def _answer_comparison(zone: str, teams: tuple[str, ...], panel: pd.DataFrame, rules: _Rules) -> Comparison:
    base = Comparison("answer_rate", None, "%", "odds ratio", "no_team", "")
    if not teams:
        return replace(base, statement=f"No answer group sits in {zone}: no answer-rate follow-up.")
    rows = _zone_weeks(panel, rules, ["answered", "offered"])
    rows = rows[rows["offered"] > 0]
    treated = rows[rows["unit"] == zone]
    base = replace(
        base,
        events_before=float(treated.loc[treated["period"] == "before", "offered"].sum()),
        events_after=float(treated.loc[treated["period"] == "after", "offered"].sum()),
        events=float(rows["offered"].sum()),
    )
    what = f"call data for {_who(teams)}"
    c = _prepared(base, rows, zone, rules, what, set(rows["unit"]) - {zone},
                  lambda f: 100 * float(f["answered"].sum() / f["offered"].sum()))  # fmt: skip
    if c.status != "estimated":
        return c
    result = placebo_inference(rows, zone, odds_contrast)
    if result is None:
        text = f"No odds to compare: {_who(teams)} answered every call, or none, in a period."
        return replace(c, status="too_little_data", statement=text)
    if not _bounded(result, ratio=True):
        text = _unbounded(f"the answer rate of {_who(teams)}", "teams", result)
        return replace(c, status="too_little_data", statement=text)
    log_low, log_high = result.interval()
    rate = (c.treated_after or 0.0) / 100
    pp = [_pp(rate, v) for v in (result.estimate, log_low, log_high)]
    text = (
        f"The answer rate of {_who(teams)} went from {_num(c.treated_before, 1)} % to {_num(c.treated_after, 1)} %; "
        f"the other teams' from {_num(c.control_before, 1)} % to {_num(c.control_after, 1)} %. Relative to them an "
        f"odds ratio of {_exp(result.estimate):.2f} (95 % interval {_exp(log_low):.2f}–"
        f"{_exp(log_high):.2f}), {pp[0]:+.1f} percentage points at its rate after ({pp[1]:+.1f} to {pp[2]:+.1f}). "
        f"{_tail(result, 'teams')}"
    )
    if result.verdict() != "unclear":
        # The comparison is not adjusted for staffing, so that it keeps the action's effect through absence.
        text += " An answer group's rate follows its staffing too: check vacancies and training before crediting it."
    model = "binomial (quasi-binomial scale), team and week fixed effects, not adjusted for staffing"
    inferred = _inferred(result, model, ratio=True)
    return replace(c, **inferred, change_pp=pp[0], change_pp_low=pp[1], change_pp_high=pp[2], statement=text)


def _smallest(rows: pd.DataFrame, units: set[str]) -> int | None:
    """The fewest people any of `units` had in a week of `rows` (zone-weeks pooled); None without rows."""
    people = rows.loc[rows["unit"].isin(units), "people"]
    return int(people.min()) if len(people) else None


def _controls(rows: pd.DataFrame, others: set[str]) -> set[str]:
    """The other zones with data both before and after: the comparison's controls."""
    return {u for u in others if set(rows.loc[rows["unit"] == u, "period"]) == {"before", "after"}}


def _zone_weeks(panel: pd.DataFrame, rules: _Rules, columns: list[str]) -> pd.DataFrame:
    """The panel's team-weeks in the two periods, pooled per zone (unit) and week."""
    rows = panel.assign(period=rules.window.period(panel["week_start"]))
    rows = rows[rows["period"] != ""]
    pooled = rows.groupby(["zone", "week_start", "period"], as_index=False)[columns].sum(min_count=1)
    return pooled.rename(columns={"zone": "unit", "week_start": "week"}).dropna(subset=columns)


def _prepared(
    base: Comparison,
    rows: pd.DataFrame,
    zone: str,
    rules: _Rules,
    what: str,
    others: set[str],
    level: Callable[[pd.DataFrame], float],
) -> Comparison:
    """The comparison with its weeks and levels, "estimated" if the data can carry a model; else why not, in words."""
    treated = rows[rows["unit"] == zone]
    before = int((treated["period"] == "before").sum())
    after = int((treated["period"] == "after").sum())
    c = replace(base, weeks_before=before, weeks_after=after)
    window = rules.window
    if before == 0 and after == 0:
        return replace(c, status="no_data", statement=f"No {what} in the weeks compared.")
    if after < rules.min_after:
        ready = window.after[0] + timedelta(weeks=rules.min_after) - timedelta(days=1)
        text = (
            f"Too early to tell: {after} week{'' if after == 1 else 's'} of {what} after the action "
            f"(at least {rules.min_after} needed, from {window.after[0].isoformat()}; expect a first answer after "
            f"{ready.isoformat()})."
        )
        return replace(c, status="too_early", statement=text)
    if before < rules.min_before:
        text = (
            f"Too little to compare with: {before} week{'' if before == 1 else 's'} of {what} before the action "
            f"(at least {rules.min_before} needed)."
        )
        return replace(c, status="too_little_data", statement=text)
    controls = _controls(rows, others)
    if len(controls) < MIN_CONTROLS:
        text = (
            f"Nothing to compare with: {len(controls)} other zone(s) with data before and after "
            f"({MIN_CONTROLS} needed)."
        )
        return replace(c, status="no_controls", statement=text)
    levels: dict[str, Any] = {}
    for who, part in (("treated", treated), ("control", rows[rows["unit"].isin(controls)])):
        for period in ("before", "after"):
            chunk = part[part["period"] == period]
            levels[f"{who}_{period}"] = level(chunk) if len(chunk) else None
    used = rows[rows["unit"].isin(controls | {zone})]
    return replace(c, status="estimated", n=len(used), **levels)


def _exp(value: float) -> float:
    """exp, math.inf where it would overflow."""
    return math.exp(value) if value < MAX_LOG else math.inf


def _bounded(result: Placebo, *, ratio: bool) -> bool:
    """Whether the estimate and its interval are finite on the scale shown (a ratio: between 0 and ∞ exclusive)."""
    values = (result.estimate, *result.interval())
    limit = MAX_LOG if ratio else math.inf
    return all(math.isfinite(v) and abs(v) < limit for v in values)


def _unbounded(what: str, groups: str, result: Placebo) -> str:
    """Why there is no estimate when the interval has no finite bounds, in words."""
    text = f"No estimate for {what}: the 95 % interval of its change has no finite bounds"
    if not math.isfinite(result.inflation) or result.inflation > 1e3:
        how_far = f"{result.inflation:.3g} times" if math.isfinite(result.inflation) else "without limit"
        text += (
            f" (the {result.k} other {groups}, each set as if it had had the action, stray {how_far} beyond their "
            "own standard errors)"
        )
    return text + ", so the data cannot say how much it changed."


def _inferred(result: Placebo, model: str, *, ratio: bool) -> dict[str, Any]:
    """The comparison's fields from the placebo inference (ratios back from the log scale)."""
    low, high = result.interval()
    back = _exp if ratio else float
    return {
        "verdict": result.verdict(),
        "estimate": back(result.estimate),
        "ci_low": back(low),
        "ci_high": back(high),
        "p_placebo": result.p_value,
        "clearer_than": result.clearer_than,
        "placebos": result.k,
        "model": f"{model}; interval widened ×{result.inflation:.2f} by {result.k} placebos",
    }


# ----- words ----------------------------------------------------------------------------------------


def _who(teams: Sequence[str]) -> str:
    return teams[0] if len(teams) == 1 else f"the teams {', '.join(teams)}"


def _num(value: float | None, decimals: int) -> str:
    return "–" if value is None else f"{value:.{decimals}f}"


def _pp(rate_after: float, log_odds_ratio: float) -> float:
    """Percentage points the rate after lies above what it would have been without the change."""
    if not 0 < rate_after < 1:
        return 0.0
    logit = math.log(rate_after / (1 - rate_after))
    without = float(expit(logit - log_odds_ratio))  # a stable logistic: no overflow for any log odds ratio
    return 100 * (rate_after - without)


def _placebo_text(result: Placebo, groups: str) -> str:
    k = result.k
    smallest = " — the smallest p-value so few comparisons can give" if result.clearer_than == k else ""
    return (
        f"Set against {k} other {groups} as if each had had the action on the same date, the change is clearer than in "
        f"{result.clearer_than} of {k} (placebo p = {result.p_value:.2f}{smallest})."
    )


def _tail(result: Placebo, groups: str) -> str:
    """What the placebo comparison and the interval together allow one to say."""
    placebo = _placebo_text(result, groups)
    if result.verdict() != "unclear":
        return f"{placebo} The data show a change."
    if result.excludes_none() and result.clearer_than == result.k:
        return (
            f"{placebo} With only {result.k} other {groups} even the clearest change cannot be told apart from the "
            f"ordinary differences between {groups}."
        )
    if result.excludes_none():
        return (
            f"{placebo} Other {groups} changed as clearly on the same date: the data cannot tell this apart from the "
            f"ordinary differences between {groups}."
        )
    if result.p_value <= PLACEBO_LEVEL:
        return f"{placebo} But the interval includes no change: the data cannot tell yet."
    return f"{placebo} The data cannot tell a change yet: one outside the interval is unlikely, one inside it possible."


def _exposure_text(label: str, zone: str, unit: str, decimals: int, c: Comparison, result: Placebo) -> str:
    def v(x: float | None) -> str:
        return f"{_num(x, decimals)} {unit}"

    low, high = result.interval()
    levels = (
        f"from {v(c.treated_before)} to {v(c.treated_after)}, while the other zones went from {v(c.control_before)} "
        f"to {v(c.control_after)}"
    )
    verdict = result.verdict()
    if verdict != "unclear":
        ends = sorted((abs(low), abs(high)))
        size = (
            f"{abs(result.estimate):.{decimals}f} {unit} "
            f"(95 % interval {ends[0]:.{decimals}f} to {ends[1]:.{decimals}f})"
        )
        head = f"{label} in {zone} {verdict} by {size} relative to the other zones: {levels}."
    else:
        size = f"{result.estimate:+.{decimals}f} {unit} (95 % interval {low:+.{decimals}f} to {high:+.{decimals}f})"
        lead = f"{label} in {zone} moved by" if result.excludes_none() else f"No clear change in {label} in {zone}:"
        head = f"{lead} {size} relative to the other zones; {levels}."
    return f"{head} {_tail(result, 'zones')}"


SUMMARY_WORDS = {
    "too_early": "too early to tell",
    "no_data": "no data",
    "no_team": "no team in the zone",
    "no_controls": "nothing to compare with",
    "too_little_data": "too little data",
    "withheld": "shown to HR only",
}


def _summary(zone: str, window: Window, comparisons: Sequence[Comparison]) -> str:
    parts = []
    for c in comparisons:
        if c.quantity is not None:
            name = QUANTITIES[c.quantity].label
        else:
            name = "short-term sick leave" if c.outcome == "short_term_sick_spells" else "answer rate"
        if c.status != "estimated":
            word = SUMMARY_WORDS[c.status]
        elif c.verdict in ("fell", "rose"):
            word = c.verdict
        else:
            word = "no clear change" if c.outcome == "exposure" else "cannot tell yet"
        parts.append(f"{name}: {word}")
    return f"Follow-up of the action done on {window.done_on.isoformat()} in {zone}: " + "; ".join(parts) + "."
