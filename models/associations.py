"""Associations between a zone's environment and its answer group's short-term sick leave and answer rate.

The unit of analysis is a team and an ISO week. For each quantity with a comfort band, each lag of 0–2
weeks and each outcome:

- short-term sick spells started in the week, and short-term sick days in it (FTE-weighted), modelled as
  counts with the team's person-time at work (FTE-days present on open days) as the offset;
- the weekly answer rate (answered of offered), adjusted for the team's available agent-hours and its
  offered load (both on the log scale);

against the occupied-hours mean of the team's zone `lag` weeks earlier, scaled to the quantity's unit
change (models/data/evidence.toml: +100 ppm, +1 °C, …).

Every model has **week fixed effects** (what all teams share in a week: flu waves, holidays, season —
so a quantity that merely follows the season cannot look like a cause) and **team fixed effects**
(stable differences between the groups). What remains to identify an effect is a zone's environment
moving over time differently from the others'. Counts are Poisson, or negative binomial (NB2) where the
Pearson dispersion shows overdispersion (its α from Cameron and Trivedi's auxiliary regression); the
answer rate is a binomial GLM. A team's weeks are not independent (a vacancy, a trainee, a long illness
last for months) and there are only a dozen teams, so model-based and cluster-robust errors both claim
too much: p-values and standard errors are calibrated against zone shuffles (see `_calibrated`). Weeks
and teams without a single event carry no information under fixed effects and are left out (n counts
what remains). p-values are Benjamini–Hochberg adjusted over everything tested. Local estimates are
combined with the research priors (models.evidence) where one exists.

**Quantities that move together.** One model per quantity cannot tell CO₂ from sound where both rise
with the number of people in a room. So the variation left after team and week effects is compared
between quantities: an association whose quantity moves with another (|r| ≥ MOVES_WITH) that goes with
the same outcome more clearly is marked (`moves_with`), and the site's data alone no longer make it
"high" confidence — it may be the other quantity's association.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests

from models.absence import absence_days, short_term_spells
from models.errors import ModelInputError
from models.evidence import Z95, Combined, Estimate, QuantityEvidence, combine, confidence
from models.glm import Family, GlmFit, fit_glm, single_threaded_blas
from models.staffing import available_agents_daily

Outcome = Literal["short_term_sick_spells", "short_term_sick_days", "answer_rate"]
OUTCOMES: tuple[Outcome, ...] = ("short_term_sick_spells", "short_term_sick_days", "answer_rate")
LAGS = (0, 1, 2)
PANEL_COLUMNS = [
    "team",
    "week_start",
    "people",
    "person_days",
    "short_term_sick_spells",
    "short_term_sick_days",
    "offered",
    "answered",
    "agent_hours",
]
# Also in team_week_panel's output, not required of a panel given to the models: FTE-days rostered.
ROSTERED = "rostered_days"
OVERDISPERSED = 1.5  # Pearson χ²/df above this: negative binomial instead of Poisson
PERMUTATIONS = 999  # zone shuffles behind each p-value: the smallest possible is 0.001
MOVES_WITH = 0.5  # |r| of two quantities' variation after team and week effects: too close to tell apart
MIN_EVENTS = 10  # fewer events (or fewer than MIN_TEAMS teams, MIN_WEEKS weeks) give no estimate, in words


@dataclass(frozen=True)
class Fit:
    """One model's local estimate per unit change, or why there is none; with the data behind it."""

    estimate: Estimate | None
    p_value: float | None
    n: int  # team-weeks used
    events: float  # spells, sick days or offered calls in those team-weeks
    teams: int
    weeks: int
    model: str
    dispersion: float | None = None
    reason: str = ""
    effect_pp: float | None = None  # answer rate: the change in percentage points at the mean rate, per unit


@dataclass(frozen=True)
class Association:
    """One quantity, lag and outcome: local, prior and combined estimates, and what they rest on."""

    quantity: str
    outcome: str
    lag_weeks: int
    unit_change: float
    unit_label: str
    fit: Fit
    p_adjusted: float | None
    exposure_weeks: int  # team-weeks with enough exposure data
    team_weeks: int  # team-weeks in the period
    evidence: QuantityEvidence
    combined: Combined | None = field(default=None)
    # Quantities whose variation moves with this one's (r after team and week effects) and that go with
    # the same outcome and lag more clearly: this association may be theirs.
    moves_with: tuple[tuple[str, float], ...] = field(default=())

    @property
    def measure(self) -> str:
        """What the ratio is: a rate ratio for counts, an odds ratio for the answer rate."""
        return "odds ratio" if self.outcome == "answer_rate" else "rate ratio"

    def confidence(self) -> tuple[str, str]:
        """The confidence word and the sentence behind it (models.evidence.confidence; see `moves_with`)."""
        word, sentence = confidence(self.fit.estimate, self.p_adjusted, self.combined)
        if not self.moves_with:
            return word, sentence
        other, r = self.moves_with[0]
        caution = (
            f"It moves with {other} in these zones (r = {r:.2f} after team and week effects), which goes with this "
            f"outcome more clearly: it may be {other}'s association, not this quantity's."
        )
        if word == "high":
            return "low", caution
        return word, f"{sentence} {caution}"

    def to_dict(self) -> dict[str, Any]:
        """The contract's association object (contracts §7) with the data behind it."""
        local = self.fit.estimate
        prior = self.evidence.prior_for(self.outcome)
        word, sentence = self.confidence()
        return {
            "quantity": self.quantity,
            "outcome": self.outcome,
            "lag_weeks": self.lag_weeks,
            "unit_change": self.unit_change,
            "unit": self.unit_label,
            "measure": self.measure,
            **(dict.fromkeys(("rate_ratio", "ci_low", "ci_high")) if local is None else local.to_dict()),
            "p_value": None if self.fit.p_value is None else round(self.fit.p_value, 6),
            "p_adjusted": None if self.p_adjusted is None else round(self.p_adjusted, 6),
            "n": self.fit.n,
            "events": round(self.fit.events, 2),
            "teams": self.fit.teams,
            "weeks": self.fit.weeks,
            "model": self.fit.model,
            "dispersion": None if self.fit.dispersion is None else round(self.fit.dispersion, 3),
            "answer_rate_change_pp": None if self.fit.effect_pp is None else round(self.fit.effect_pp, 3),
            "exposure_completeness": round(self.exposure_weeks / self.team_weeks, 3) if self.team_weeks else 0.0,
            "reason": self.fit.reason or None,
            "prior": None if prior is None else prior.to_dict(),
            "combined": None if self.combined is None else self.combined.estimate.to_dict(),
            "local_weight": None if self.combined is None else round(self.combined.local_weight, 3),
            "moves_with": [{"quantity": q, "r": round(r, 3)} for q, r in self.moves_with],
            "confidence": word,
            "statement": sentence,
        }


# ----- the panel --------------------------------------------------------------------------------------


def team_week_panel(
    absences: pd.DataFrame,
    staff: pd.DataFrame,
    calls: pd.DataFrame | None,
    open_days: Collection[date],
    tz: str = "Europe/Stockholm",
) -> pd.DataFrame:
    """Per team and ISO week (weeks starting Monday, local dates) over the given open days: PANEL_COLUMNS.

    person_days: FTE-days present (employed, not absent for any reason) on open days — the time in which a
    new sick spell can start. short_term_sick_days: FTE-weighted days of short-term spells in the week.
    offered, answered: from `calls`; agent_hours: available agent-hours on the calls' intervals.
    rostered_days: FTE-days rostered on open days, absent or not (what the centre's average is applied to).
    """
    days = pd.DatetimeIndex(sorted(pd.Timestamp(d) for d in open_days))
    if len(days) == 0:
        raise ModelInputError("no open days: the panel needs at least one")
    daily = available_agents_daily(staff, absences, days)
    daily["week_start"] = daily["date"] - pd.to_timedelta(daily["date"].dt.day_of_week, unit="D")
    panel = daily.groupby(["team", "week_start"]).agg(
        people=("people", "max"), person_days=("available_fte", "sum"), rostered_days=("rostered_fte", "sum")
    )

    spells = short_term_spells(absences)
    spells = spells[spells["start_date"].between(days.min(), days.max())]
    starts = spells["start_date"] - pd.to_timedelta(spells["start_date"].dt.day_of_week, unit="D")
    panel["short_term_sick_spells"] = spells.groupby([spells["team"], starts]).size()

    sick = absence_days(absences, reasons=("sick",))
    if len(spells) and len(sick):
        sick = _days_in_short_spells(sick, spells)
        sick = sick[sick["date"].between(days.min(), days.max())]
        week = sick["date"] - pd.to_timedelta(sick["date"].dt.day_of_week, unit="D")
        panel["short_term_sick_days"] = sick.groupby([sick["team"], week])["extent"].sum()
    else:
        panel["short_term_sick_days"] = 0.0

    if calls is not None and len(calls):
        panel = panel.join(_weekly_calls(calls, staff, absences, tz), how="left")
    for column in ("short_term_sick_spells", "short_term_sick_days", "offered", "answered", "agent_hours"):
        if column not in panel:
            panel[column] = np.nan if column in ("offered", "answered", "agent_hours") else 0.0
    panel[["short_term_sick_spells", "short_term_sick_days"]] = panel[
        ["short_term_sick_spells", "short_term_sick_days"]
    ].fillna(0.0)
    return panel.reset_index()[[*PANEL_COLUMNS, ROSTERED]]


def _days_in_short_spells(sick: pd.DataFrame, spells: pd.DataFrame) -> pd.DataFrame:
    """The sick days (employee, team, date, extent) that belong to a short-term spell."""
    left = sick.sort_values("date")
    right = spells[["employee", "start_date", "end_date"]].sort_values("start_date")
    joined = pd.merge_asof(left, right, left_on="date", right_on="start_date", by="employee", direction="backward")
    return joined[joined["end_date"].notna() & (joined["date"] <= joined["end_date"])]


def _weekly_calls(calls: pd.DataFrame, staff: pd.DataFrame, absences: pd.DataFrame, tz: str) -> pd.DataFrame:
    from models.staffing import available_agent_hours

    starts = pd.to_datetime(calls["interval_start"])
    if starts.dt.tz is None:
        starts = starts.dt.tz_localize(tz, ambiguous=False, nonexistent="shift_forward")
    local_day = starts.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()
    week = local_day - pd.to_timedelta(local_day.dt.day_of_week, unit="D")
    frame = pd.DataFrame({"team": calls["team"].astype(str).to_numpy(), "week_start": week.to_numpy()})
    frame["offered"] = pd.to_numeric(calls["offered"]).to_numpy(dtype=np.float64)
    frame["answered"] = pd.to_numeric(calls["answered"]).to_numpy(dtype=np.float64)
    hours = available_agent_hours(staff, absences, calls[["interval_start", "team"]], tz=tz)
    frame["agent_hours"] = hours["available_hours"].to_numpy(dtype=np.float64)
    return frame.groupby(["team", "week_start"])[["offered", "answered", "agent_hours"]].sum()


# ----- the models -------------------------------------------------------------------------------------


def associations(
    panel: pd.DataFrame,
    exposure: pd.DataFrame,
    team_zone: Mapping[str, str],
    evidence: Mapping[str, QuantityEvidence],
    *,
    outcomes: Sequence[Outcome] = OUTCOMES,
    lags: Sequence[int] = LAGS,
    permutations: int = PERMUTATIONS,
    seed: int = 0,
) -> list[Association]:
    """Every quantity of `exposure` × lag × outcome, with BH-adjusted p-values and combined estimates.

    exposure: zone, week_start (Monday, naive local date), quantity, mean, status ("ok" or "missing").
    team_zone: each answer group's zone; teams without a zone are left out. `permutations` zone
    reassignments (drawn with `seed`) calibrate the p-values and standard errors (see the module doc).
    """
    missing = [c for c in PANEL_COLUMNS if c not in panel.columns]
    if missing:
        raise ModelInputError(f"the panel lacks columns {missing}")
    needed = [c for c in ("zone", "week_start", "quantity", "mean", "status") if c not in exposure.columns]
    if needed:
        raise ModelInputError(f"exposure lacks columns {needed}")
    with single_threaded_blas():
        return _associations(panel, exposure, team_zone, evidence, outcomes, lags, permutations, seed)


def _associations(
    panel: pd.DataFrame,
    exposure: pd.DataFrame,
    team_zone: Mapping[str, str],
    evidence: Mapping[str, QuantityEvidence],
    outcomes: Sequence[Outcome],
    lags: Sequence[int],
    permutations: int,
    seed: int,
) -> list[Association]:
    base = panel[panel["team"].isin(list(team_zone))].assign(zone=lambda f: f["team"].map(team_zone))
    zones = sorted(set(base["zone"]))
    shuffles = _zone_shuffles(len(zones), permutations, seed)
    results: list[Association] = []
    grids: dict[str, pd.DataFrame] = {}
    for quantity in sorted(set(exposure["quantity"]) & set(evidence)):
        spec = evidence[quantity]
        ok = exposure[(exposure["quantity"] == quantity) & (exposure["status"] == "ok")]
        grid = ok.pivot_table(index="week_start", columns="zone", values="mean", aggfunc="mean")
        grid = grid.reindex(columns=zones) / spec.unit_change
        grids[quantity] = grid
        for lag in lags:
            lagged = grid.copy()
            lagged.index = lagged.index + pd.Timedelta(weeks=lag)
            design = _Design.of(base, lagged, zones, shuffles)
            for outcome in outcomes:
                results.append(
                    Association(
                        quantity=quantity,
                        outcome=outcome,
                        lag_weeks=lag,
                        unit_change=spec.unit_change,
                        unit_label=spec.unit_label,
                        fit=_fit(design, outcome),
                        p_adjusted=None,
                        exposure_weeks=design.with_exposure,
                        team_weeks=len(base),
                        evidence=spec,
                    )
                )
    return _moving_together(_adjusted(results), within_correlations(grids))


def within_correlations(grids: Mapping[str, pd.DataFrame]) -> dict[tuple[str, str], float]:
    """Per pair of quantities, the correlation of their week × zone exposure after zone and week means are removed.

    That is the variation the models identify an effect from (team and week fixed effects); pairs with
    fewer than 20 common cells are left out.
    """
    within = {q: _two_way_residual(g) for q, g in grids.items()}
    out: dict[tuple[str, str], float] = {}
    names = sorted(within)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            left, right = within[a].align(within[b], join="inner")
            x, y = left.to_numpy(dtype=np.float64).ravel(), right.to_numpy(dtype=np.float64).ravel()
            both = ~(np.isnan(x) | np.isnan(y))
            if both.sum() < 20 or np.std(x[both]) == 0 or np.std(y[both]) == 0:
                continue
            r = float(np.corrcoef(x[both], y[both])[0, 1])
            out[(a, b)] = out[(b, a)] = r
    return out


def _two_way_residual(grid: pd.DataFrame, rounds: int = 20) -> pd.DataFrame:
    """The grid less its zone and week means, by alternating projections over the cells with data."""
    values = grid.to_numpy(dtype=np.float64, copy=True)
    for _ in range(rounds):
        if np.isnan(values).all():
            break
        values = values - np.nanmean(values, axis=0, keepdims=True)  # per zone
        values = values - np.nanmean(values, axis=1, keepdims=True)  # per week
    return pd.DataFrame(values, index=grid.index, columns=grid.columns)


def _moving_together(results: list[Association], correlations: Mapping[tuple[str, str], float]) -> list[Association]:
    """Mark each association whose quantity moves with another that goes with the same outcome more clearly.

    Clearer: a larger |log ratio| / standard error (p-values from the shuffles stop at 1/(k + 1) and tie), and
    at least 1.96: a partner that shows nothing itself cannot be what this association reflects.
    """
    clearness = {
        (a.quantity, a.outcome, a.lag_weeks): abs(a.fit.estimate.log) / a.fit.estimate.se
        for a in results
        if a.fit.estimate is not None and a.fit.estimate.se > 0
    }
    out = []
    for a in results:
        mine = clearness.get((a.quantity, a.outcome, a.lag_weeks))
        partners = []
        if mine is not None:
            for (q, other), r in correlations.items():
                theirs = clearness.get((other, a.outcome, a.lag_weeks))
                # Only a partner that shows something itself (|z| ≥ 1.96) can be what this one reflects.
                if q == a.quantity and abs(r) >= MOVES_WITH and theirs is not None and theirs > max(mine, Z95):
                    partners.append((other, r))
        partners.sort(key=lambda item: -abs(item[1]))
        out.append(Association(**{**a.__dict__, "moves_with": tuple(partners)}) if partners else a)
    return out


@dataclass(frozen=True)
class _Design:
    """Team-weeks with their zone's exposure x, and x under each zone reassignment (one column per shuffle)."""

    data: pd.DataFrame  # the panel rows that have exposure, with x
    shuffled: np.ndarray  # (rows, shuffles): x if each team had been in another team's zone
    with_exposure: int

    @classmethod
    def of(cls, base: pd.DataFrame, grid: pd.DataFrame, zones: list[str], shuffles: np.ndarray) -> _Design:
        weeks = grid.index
        week_of = base["week_start"].map({w: i for i, w in enumerate(weeks)})
        has_week = week_of.notna().to_numpy()
        rows = base[has_week].reset_index(drop=True)
        w = week_of[has_week].astype(np.int64).to_numpy()
        z = rows["zone"].map({zone: i for i, zone in enumerate(zones)}).to_numpy(dtype=np.int64)
        values = grid.to_numpy(dtype=np.float64)  # (weeks, zones)
        x = values[w, z]
        present = ~np.isnan(x)
        # Under a shuffle a zone without data that week stands at the week's mean: no contrast, no information.
        week_mean = np.nanmean(np.where(np.isnan(values), np.nan, values), axis=1, keepdims=True)
        filled = np.where(np.isnan(values), week_mean, values)
        shuffled = filled[w[present][:, None], shuffles[:, z[present]].T] if len(shuffles) else np.zeros((0, 0))
        data = rows[present].assign(x=x[present]).reset_index(drop=True)
        return cls(data, np.nan_to_num(shuffled), int(present.sum()))


def _zone_shuffles(zones: int, count: int, seed: int) -> np.ndarray:
    """`count` random reassignments of zones to teams (each a permutation of range(zones))."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, zones, 20261130]))
    if zones < 2:
        return np.zeros((0, zones), dtype=np.int64)
    return np.stack([rng.permutation(zones) for _ in range(count)])


def _adjusted(results: list[Association]) -> list[Association]:
    """Benjamini–Hochberg over every test that gave a p-value, then the combined estimates."""
    tested = [i for i, a in enumerate(results) if a.fit.p_value is not None and math.isfinite(a.fit.p_value)]
    adjusted: dict[int, float] = {}
    if tested:
        _, q, _, _ = multipletests([results[i].fit.p_value for i in tested], alpha=0.05, method="fdr_bh")
        adjusted = dict(zip(tested, (float(v) for v in q), strict=True))
    out = []
    for i, a in enumerate(results):
        combined = combine(a.fit.estimate, a.evidence.prior_for(a.outcome))
        out.append(Association(**{**a.__dict__, "p_adjusted": adjusted.get(i), "combined": combined}))
    return out


def _fit(design: _Design, outcome: Outcome) -> Fit:
    if outcome == "answer_rate":
        return _fit_answer_rate(design)
    return _fit_counts(design, outcome)


def _informative(data: pd.DataFrame, y: str) -> np.ndarray:
    """Which team-weeks belong to teams and weeks with at least one event (the others carry no information)."""
    keep = data.groupby("team")[y].transform("sum") > 0
    keep &= data.groupby("week_start")[y].transform("sum") > 0
    return np.asarray(keep.to_numpy(), dtype=bool)


def _fit_counts(design: _Design, outcome: Outcome) -> Fit:
    at_work = (design.data["person_days"] > 0).to_numpy()
    rows = at_work & _informative(design.data.assign(**{outcome: design.data[outcome].where(at_work, 0)}), outcome)
    used = design.data[rows]
    teams, weeks, events = used["team"].nunique(), used["week_start"].nunique(), float(used[outcome].sum())
    shortfall = _too_little(events, teams, weeks, used, "events")
    if shortfall:
        return Fit(None, None, len(used), events, teams, weeks, "none", reason=shortfall)
    y = used[outcome].round().to_numpy(dtype=np.float64)
    offset = np.log(used["person_days"].to_numpy(dtype=np.float64))
    fixed = _fixed_effects(used)
    x = used["x"].to_numpy(dtype=np.float64)
    null = fit_glm(fixed, y, "poisson", offset=offset)
    dispersion = null.dispersion
    model, alpha = "poisson", 0.0
    family: Family = "poisson"
    if dispersion > OVERDISPERSED:
        alpha = _nb2_alpha(y, null.mu)
        model, family = f"negative binomial (alpha {alpha:.2f})", "negative_binomial"
        null = fit_glm(fixed, y, family, offset=offset, alpha=alpha, start=null.params)
    mu = null.mu
    # Started from the null fit, the full model needs a few iterations only.
    full = fit_glm(np.column_stack([x, fixed]), y, family, offset=offset, alpha=alpha, start=np.r_[0.0, null.params])
    # The score of x under the null model: Σ x·(y − μ)/(1 + αμ); its sums over teams and weeks are zero,
    # so it does not change when a shuffle moves x by a constant per team or per week.
    residual = (y - mu) / (1 + alpha * mu)
    return _calibrated(full, residual, design.shuffled[rows], x, model, len(used), events, teams, weeks, dispersion)


def _fixed_effects(frame: pd.DataFrame, *extra: np.ndarray) -> np.ndarray:
    """An intercept, the extra columns, and team and week indicators (the first of each left out)."""
    teams = pd.get_dummies(frame["team"], drop_first=True, dtype=np.float64).to_numpy()
    weeks = pd.get_dummies(frame["week_start"], drop_first=True, dtype=np.float64).to_numpy()
    return np.column_stack([np.ones(len(frame)), *extra, teams, weeks])


def _nb2_alpha(y: np.ndarray, mu: np.ndarray) -> float:
    """The NB2 dispersion by Cameron and Trivedi's auxiliary regression on a Poisson fit: ((y−μ)²−y)/μ = α·μ."""
    lhs = ((y - mu) ** 2 - y) / mu
    alpha = float(np.sum(lhs * mu) / np.sum(mu**2))
    return min(max(alpha, 0.01), 10.0)


def _fit_answer_rate(design: _Design) -> Fit:
    data = design.data
    rows = ((data["offered"] > 0) & (data["agent_hours"] > 0) & data["answered"].notna()).to_numpy()
    used = data[rows]
    teams, weeks, events = used["team"].nunique(), used["week_start"].nunique(), float(used["offered"].sum())
    shortfall = _too_little(events, teams, weeks, used, "offered calls", min_events=100)
    if shortfall:
        return Fit(None, None, len(used), events, teams, weeks, "none", reason=shortfall)
    offered = used["offered"].to_numpy(dtype=np.float64)
    answered = used["answered"].to_numpy(dtype=np.float64)
    covariates = _fixed_effects(used, np.log(used["agent_hours"].to_numpy(dtype=np.float64)), np.log(offered))
    x = used["x"].to_numpy(dtype=np.float64)
    null = fit_glm(covariates, answered, "binomial", trials=offered)
    full = fit_glm(
        np.column_stack([x, covariates]), answered, "binomial", trials=offered, start=np.r_[0.0, null.params]
    )
    # Binomial score of x: Σ x·(answered − offered·p̂); the covariates' part is projected out by the null fit.
    residual = answered - null.mu
    dispersion = null.dispersion
    fit = _calibrated(full, residual, design.shuffled[rows], x, "binomial", len(used), events, teams, weeks, dispersion)
    if fit.estimate is None:
        return fit
    rate = float(answered.sum() / offered.sum())
    return Fit(**{**fit.__dict__, "effect_pp": 100 * rate * (1 - rate) * fit.estimate.log})


def _calibrated(
    full: GlmFit,
    residual: np.ndarray,
    shuffled: np.ndarray,
    x: np.ndarray,
    model: str,
    n: int,
    events: float,
    teams: int,
    weeks: int,
    dispersion: float,
) -> Fit:
    """The full model's estimate with a p-value and standard error from the zone shuffles.

    A team's weeks are not independent (a vacancy, a trainee, a long illness last for months) and there
    are only a dozen teams, so model-based and cluster-robust standard errors both claim too much. The
    score of x under the null model is compared with its distribution when each team is given another
    team's zone (the exposure series keep their own course over time, the outcomes theirs): the p-value
    is the share of shuffles scoring at least as far from zero, and the standard error is the larger of
    the model's and the shuffles' (their score's spread over the model's information).
    """
    beta, se_model = float(full.params[0]), float(full.bse[0])
    if not (math.isfinite(beta) and math.isfinite(se_model) and se_model > 0):
        return Fit(None, None, n, events, teams, weeks, model, dispersion, "the model did not converge")
    observed = float(x @ residual)
    if shuffled.shape[1] == 0:
        return Fit(Estimate(beta, se_model), None, n, events, teams, weeks, model, dispersion,
                   "a single team: no other zone to compare with")  # fmt: skip
    scores = shuffled.T @ residual
    p_value = (1 + int(np.sum(np.abs(scores) >= abs(observed) - 1e-12))) / (len(scores) + 1)
    se_shuffle = float(np.std(scores)) * se_model**2  # score spread ÷ information (information = 1/se²)
    # And no narrower than the shuffle test allows: the interval excludes 1 only where p < 0.05.
    se_test = abs(beta) / float(norm.isf(p_value / 2)) if p_value < 1 else math.inf
    se = max(se_model, se_shuffle, se_test)
    if not math.isfinite(se):
        se = max(se_model, se_shuffle)
    return Fit(Estimate(beta, se), p_value, n, events, teams, weeks, model, dispersion)


def _too_little(
    events: float, teams: int, weeks: int, data: pd.DataFrame, what: str, min_events: int = MIN_EVENTS
) -> str:
    """Why the data cannot carry a model, in words; "" when they can."""
    # The reason names no count of events: it reaches every role, and with one team it would be that team's.
    if teams < 2:
        return f"too little data: exposure for {teams} team only ({len(data)} team-weeks)"
    if weeks < 8:
        return f"too little data: {weeks} weeks ({len(data)} team-weeks)"
    if events < min_events:
        return f"too little data: under {min_events} {what} in {len(data)} team-weeks ({teams} teams, {weeks} weeks)"
    if data["x"].nunique() < 3 or not float(data["x"].std()) >= 1e-2:  # x in unit changes: ≥ a device's resolution
        return "the exposure does not vary: nothing to compare"
    return ""
