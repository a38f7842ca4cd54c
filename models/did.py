"""Difference in differences with one treated unit: fixed-effect contrasts and placebo-in-space inference.

Rows are unit-weeks with a `period` ("before" or "after") and the outcome's columns. For a focal unit
the model has a level per unit — the focal unit's before and after apart — and a level per week; the
focal unit's after − before levels are the after × treated term of the usual two-way fixed-effects
model. Three outcomes:

- `level_contrast`: least squares on `y` (a zone's weekly exposure), a difference in y's unit; its
  standard error is the unit's own residual spread (the larger of the two periods');
- `rate_contrast`: Poisson on counts `y` with person-time `time` as offset, a log rate ratio. The
  Poisson score equations make the focal unit's expected count in each period equal the observed,
  so the term is log(O_after/E_after) − log(O_before/E_before), E being the count expected from the
  week effects. It is computed with half an event added to each O (Haldane's correction; also less
  biased on the log scale, Gart & Zweifel 1967), so a period without events gives a finite, cautious
  ratio instead of zero. Its variance is negative binomial (NB2, α from Cameron and Trivedi's
  auxiliary regression) when the Pearson dispersion shows overdispersion, else Poisson;
- `odds_contrast`: binomial on `answered` of `offered`, a log odds ratio with quasi-binomial scale
  (at least 1: under-dispersion is not taken as extra certainty).

The fixed effects are solved by alternating between the two sets of levels (each step exact given
the other: averaging, iterative proportional fitting, Newton steps), not through a dense dummy
matrix: that needs no BLAS, which on a shared two-core machine made a dozen placebo fits of
statsmodels' GLM take half a minute. tests/models/test_did.py checks them against statsmodels.

`placebo_inference` repeats the contrast for every other unit as if it had been treated on the same
date (the treated unit left out of those fits) and sets the treated contrast among them; see
`Placebo`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

PLACEBO_LEVEL = 0.10  # a change is called only if at most this share of the placebos is as clear
OVERDISPERSED = 1.5  # Pearson χ²/df above this: negative-binomial variance for counts
HALF = 0.5  # Haldane's correction: half an event added to the focal unit's count in each period
MAX_ITERATIONS = 5000
TOLERANCE = 1e-10


@dataclass(frozen=True)
class Contrast:
    """One unit's after − before contrast (log scale for ratios) with its model standard error."""

    estimate: float
    se: float
    model: str = ""


@dataclass(frozen=True)
class Levels:
    """Each row's level (one per unit, the focal unit's before and after apart) and week, as integer codes."""

    group: np.ndarray
    week: np.ndarray
    groups: int
    weeks: int
    before: int  # the focal unit's levels
    after: int
    week_starts: list[Any]

    @classmethod
    def of(cls, rows: pd.DataFrame, focal: str) -> Levels:
        """The codes of rows with columns unit, period and week."""
        keys = [(u, p if u == focal else "") for u, p in zip(rows["unit"], rows["period"], strict=True)]
        levels = sorted(set(keys))
        index = {key: i for i, key in enumerate(levels)}
        weeks = sorted(set(rows["week"]))
        week_index = {w: i for i, w in enumerate(weeks)}
        return cls(
            group=np.fromiter((index[k] for k in keys), dtype=np.int64, count=len(keys)),
            week=np.fromiter((week_index[w] for w in rows["week"]), dtype=np.int64, count=len(rows)),
            groups=len(levels),
            weeks=len(weeks),
            before=index.get((focal, "before"), -1),
            after=index.get((focal, "after"), -1),
            week_starts=weeks,
        )

    def sum_by_group(self, values: np.ndarray) -> np.ndarray:
        """Sums per level."""
        return np.bincount(self.group, weights=values, minlength=self.groups)

    def sum_by_week(self, values: np.ndarray) -> np.ndarray:
        """Sums per week."""
        return np.bincount(self.week, weights=values, minlength=self.weeks)


def level_contrast(rows: pd.DataFrame, focal: str) -> Contrast | None:
    """Least squares y = level + week: the after − before levels of the focal unit, with its own spread."""
    c = Levels.of(rows, focal)
    if c.before < 0 or c.after < 0:
        return None
    y = rows["y"].to_numpy(dtype=np.float64)
    n_group, n_week = c.sum_by_group(np.ones_like(y)), c.sum_by_week(np.ones_like(y))
    week_effect = np.zeros(c.weeks)
    for _ in range(MAX_ITERATIONS):
        level = c.sum_by_group(y - week_effect[c.week]) / n_group
        updated = c.sum_by_week(y - level[c.group]) / n_week
        done = float(np.max(np.abs(updated - week_effect))) < TOLERANCE * (1 + float(np.max(np.abs(y))))
        week_effect = updated
        if done:
            break
    level = c.sum_by_group(y - week_effect[c.week]) / n_group
    residual = y - level[c.group] - week_effect[c.week]
    parts = [residual[c.group == g] for g in (c.before, c.after)]
    if min(len(r) for r in parts) < 2:
        return None
    # The unit's own spread (a poorly ventilated zone swings more); autocorrelation is the placebos' part. The
    # estimate errs by how the unit would have moved *without* the action, so a spread the action narrowed
    # (better air swings less) must not narrow the interval: the larger of the two periods' spreads counts.
    spread = max(float(np.var(r, ddof=1)) for r in parts)
    variance = spread * sum(1 / len(r) for r in parts)
    return Contrast(float(level[c.after] - level[c.before]), math.sqrt(variance))


def poisson_effects(c: Levels, y: np.ndarray, time: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Poisson levels and week effects (log scale) for y ~ time · exp(level + week), by iterative fitting.

    Each level's and each week's expected total must equal its observed total (the Poisson score
    equations); alternating between the two is iterative proportional fitting. Every level and week
    needs at least one event.
    """
    by_group, by_week = c.sum_by_group(y), c.sum_by_week(y)
    level, week_effect = np.zeros(c.groups), np.zeros(c.weeks)
    for _ in range(MAX_ITERATIONS):
        level = np.log(by_group) - np.log(c.sum_by_group(time * np.exp(week_effect[c.week])))
        updated = np.log(by_week) - np.log(c.sum_by_week(time * np.exp(level[c.group])))
        done = float(np.max(np.abs(updated - week_effect))) < TOLERANCE
        week_effect = updated
        if done:
            break
    level = np.log(by_group) - np.log(c.sum_by_group(time * np.exp(week_effect[c.week])))
    return level, week_effect


def rate_contrast(rows: pd.DataFrame, focal: str) -> Contrast | None:
    """The focal unit's rate ratio after/before against the week effects of all units (see the module doc)."""
    y_all = rows["y"].to_numpy(dtype=np.float64)
    mine = rows["unit"].to_numpy() == focal
    period = rows["period"].to_numpy()
    observed = {p: float(y_all[mine & (period == p)].sum()) for p in ("before", "after")}
    # Rows that carry no information under fixed effects: weeks without a spell anywhere, other units without
    # any, and a focal period without any (its level would run to minus infinity; HALF stands in for it below).
    week_total = rows.groupby("week")["y"].transform("sum").to_numpy()
    unit_total = rows.groupby("unit")["y"].transform("sum").to_numpy()
    keep = (week_total > 0) & ((unit_total > 0) | mine)
    for p in ("before", "after"):
        if observed[p] == 0:
            keep &= ~(mine & (period == p))
    fit_rows = rows[keep]
    if fit_rows["unit"].nunique() < 2 or fit_rows["week"].nunique() < 2:
        return None
    c = Levels.of(fit_rows, focal)
    y = fit_rows["y"].to_numpy(dtype=np.float64)
    time = fit_rows["time"].to_numpy(dtype=np.float64)
    level, week_effect = poisson_effects(c, y, time)
    mu = time * np.exp(level[c.group] + week_effect[c.week])
    dispersion = float(np.sum((y - mu) ** 2 / mu) / max(len(y) - c.groups - c.weeks + 1, 1))
    alpha = _nb2_alpha(y, mu) if dispersion > OVERDISPERSED else 0.0
    # Weeks left out above had no spell anywhere: their rate is zero.
    effect = dict(zip(c.week_starts, week_effect, strict=True))
    contrast, variance = 0.0, 0.0
    for p, sign in (("before", -1.0), ("after", 1.0)):
        part = rows[mine & (period == p)]
        rate = np.exp(part["week"].map(effect).to_numpy(dtype=np.float64))
        shape = part["time"].to_numpy(dtype=np.float64) * np.nan_to_num(rate, nan=0.0)
        expected = float(shape.sum())
        if expected <= 0 or not math.isfinite(expected):
            return None
        m = observed[p] + HALF
        contrast += sign * math.log(m / expected)
        mu_week = m * shape / expected
        variance += (m + alpha * float(np.sum(mu_week**2))) / m**2
    model = "Poisson" if alpha == 0 else f"Poisson with negative-binomial variance (alpha {alpha:.2f})"
    return Contrast(contrast, math.sqrt(variance), f"{model}, team and week fixed effects, person-time offset")


def _nb2_alpha(y: np.ndarray, mu: np.ndarray) -> float:
    """NB2 dispersion by Cameron and Trivedi's auxiliary regression on a Poisson fit: ((y−μ)²−y)/μ = α·μ."""
    lhs = ((y - mu) ** 2 - y) / mu
    alpha = float(np.sum(lhs * mu) / np.sum(mu**2))
    return min(max(alpha, 0.0), 10.0)


def logit_effects(c: Levels, answered: np.ndarray, offered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Binomial levels and week effects (log odds) by alternating Newton steps, each exact given the other set."""
    level, week_effect = np.zeros(c.groups), np.zeros(c.weeks)
    for _ in range(MAX_ITERATIONS):
        p = expit(level[c.group] + week_effect[c.week])
        step = c.sum_by_group(answered - offered * p) / c.sum_by_group(offered * p * (1 - p))
        level += np.clip(step, -5, 5)
        p = expit(level[c.group] + week_effect[c.week])
        week_step = c.sum_by_week(answered - offered * p) / c.sum_by_week(offered * p * (1 - p))
        week_effect += np.clip(week_step, -5, 5)
        if max(float(np.max(np.abs(step))), float(np.max(np.abs(week_step)))) < TOLERANCE:
            break
    return level, week_effect


def odds_contrast(rows: pd.DataFrame, focal: str) -> Contrast | None:
    """The focal unit's log odds ratio after/before, quasi-binomial standard error."""
    answered = rows["answered"].to_numpy(dtype=np.float64)
    offered = rows["offered"].to_numpy(dtype=np.float64)
    c = Levels.of(rows, focal)
    if c.before < 0 or c.after < 0:
        return None
    got, asked = c.sum_by_group(answered), c.sum_by_group(offered)
    if np.any(got <= 0) or np.any(got >= asked):
        return None  # every call or none answered in a period: its odds run to infinity
    level, week_effect = logit_effects(c, answered, offered)
    p = expit(level[c.group] + week_effect[c.week])
    information = offered * p * (1 - p)
    pearson = float(np.sum((answered - offered * p) ** 2 / np.maximum(information, 1e-12)))
    # Never below the binomial's own variance: a near-perfect fit (answer rates that do not move) would
    # otherwise make the interval vanish and call any change certain.
    scale = max(pearson / max(len(rows) - c.groups - c.weeks + 1, 1), 1.0)
    per_level = c.sum_by_group(information)
    variance = scale * (1 / per_level[c.after] + 1 / per_level[c.before])
    estimate = float(level[c.after] - level[c.before])
    if not (math.isfinite(estimate) and math.isfinite(variance) and variance > 0):
        return None
    return Contrast(estimate, math.sqrt(variance))


# ----- placebo inference ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Placebo:
    """The treated unit's contrast set among the placebo contrasts of the other units.

    With one treated unit, a dozen units and autocorrelated weeks, model-based standard errors claim too
    much, and no cluster-robust error exists for a single treated cluster. Each other unit is given the
    action on the same date instead (the treated unit left out of its fit). `p_value` is the treated
    contrast's rank among them by |estimate ÷ its standard error| — standardised, so that a noisier
    unit does not count as a larger change: (1 + placebos at least as clear) / (k + 1), whose smallest
    value is 1/(k + 1) (1/12 ≈ 0.08 with 11). `inflation` is how far the placebos stray beyond their own
    standard errors (root mean square of their t, at least 1): the treated standard error is widened by
    it and the 95 % interval takes a t quantile on k degrees of freedom, since the widening is estimated
    from k placebos (if their t were normal around zero, the treated t over it would be t-distributed).
    """

    estimate: float  # on the contrast's scale: a difference, or a log ratio; no change is 0
    se: float  # the model's, before widening
    inflation: float
    k: int  # placebos
    p_value: float
    clearer_than: int  # placebos whose change was less clear than the treated unit's
    model: str

    def interval(self) -> tuple[float, float]:
        """The 95 % interval on the contrast's scale."""
        half = float(stats.t.ppf(0.975, self.k)) * self.se * self.inflation
        return self.estimate - half, self.estimate + half

    def excludes_none(self) -> bool:
        """Whether the 95 % interval lies wholly on one side of no change."""
        low, high = self.interval()
        return low > 0 or high < 0

    def verdict(self) -> str:
        """The call: "fell" or "rose" if the interval excludes no change and p ≤ PLACEBO_LEVEL, else "unclear"."""
        if self.excludes_none() and self.p_value <= PLACEBO_LEVEL:
            return "rose" if self.estimate > 0 else "fell"
        return "unclear"


Fit = Callable[[pd.DataFrame, str], Contrast | None]


def placebo_inference(rows: pd.DataFrame, treated: str, fit: Fit) -> Placebo | None:
    """The treated unit's contrast and its placebo inference (None if it has no contrast or no placebo has one)."""
    own = fit(rows, treated)
    if own is None or not _usable(own):
        return None
    others = rows[rows["unit"] != treated]
    t_values = []
    for unit in sorted(set(others["unit"])):
        if set(others.loc[others["unit"] == unit, "period"]) != {"before", "after"}:
            continue
        placebo = fit(others, unit)
        if placebo is not None and _usable(placebo):
            t_values.append(placebo.estimate / placebo.se)
    k = len(t_values)
    if k < 1:
        return None
    t = np.asarray(t_values)
    as_clear = int(np.sum(np.abs(t) >= abs(own.estimate / own.se) * (1 - 1e-12)))
    return Placebo(
        estimate=own.estimate,
        se=own.se,
        inflation=max(1.0, float(np.sqrt(np.mean(t**2)))),
        k=k,
        p_value=(1 + as_clear) / (k + 1),
        clearer_than=k - as_clear,
        model=own.model,
    )


def _usable(contrast: Contrast) -> bool:
    return math.isfinite(contrast.estimate) and math.isfinite(contrast.se) and contrast.se > 0
