"""Difference in differences with one treated unit: the fixed-effect solvers against statsmodels, placebo ranks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from models.did import (
    PLACEBO_LEVEL,
    Contrast,
    Levels,
    level_contrast,
    odds_contrast,
    placebo_inference,
    poisson_effects,
    rate_contrast,
)


def random_rows(seed: int) -> pd.DataFrame:
    """An unbalanced panel: five units over twelve weeks, some weeks missing, counts and calls."""
    rng = np.random.default_rng(seed)
    rows = [(f"u{u}", k, "before" if k < 6 else "after") for u in range(5) for k in range(12) if rng.random() > 0.15]
    frame = pd.DataFrame(rows, columns=["unit", "week", "period"])
    frame["time"] = rng.uniform(5, 15, len(frame))
    frame["y"] = rng.poisson(frame["time"] * 0.4).astype(float)
    frame["offered"] = rng.integers(150, 300, len(frame)).astype(float)
    frame["answered"] = rng.binomial(frame["offered"].astype(int), 0.93).astype(float)
    return frame


def dummies(rows: pd.DataFrame, focal: str) -> pd.DataFrame:
    """The usual design: a dummy per unit (the focal unit's before and after apart) and per week but the first."""
    level = np.where(rows["unit"] == focal, rows["unit"] + "_" + rows["period"], rows["unit"])
    units = pd.get_dummies(pd.Series(level, name="g"), dtype=float)
    weeks = pd.get_dummies(rows["week"].rename("w"), prefix="w", drop_first=True, dtype=float)
    return pd.concat([units.reset_index(drop=True), weeks.reset_index(drop=True)], axis=1)


@pytest.mark.parametrize("seed", [1, 2])
def test_fixed_effects_agree_with_statsmodels(seed: int) -> None:
    rows = random_rows(seed)
    x = dummies(rows, "u0")
    ols = sm.OLS(rows["y"].to_numpy(), x).fit()
    own = level_contrast(rows, "u0")
    assert own is not None
    assert own.estimate == pytest.approx(ols.params["u0_after"] - ols.params["u0_before"])

    poisson = sm.GLM(rows["y"].to_numpy(), x, family=sm.families.Poisson(), offset=np.log(rows["time"])).fit()
    codes = Levels.of(rows, "u0")
    level, week = poisson_effects(codes, rows["y"].to_numpy(), rows["time"].to_numpy())
    mu = rows["time"].to_numpy() * np.exp(level[codes.group] + week[codes.week])
    np.testing.assert_allclose(mu, poisson.fittedvalues, rtol=1e-6)

    endog = np.column_stack([rows["answered"], rows["offered"] - rows["answered"]])
    binomial = sm.GLM(endog, x, family=sm.families.Binomial()).fit()
    odds = odds_contrast(rows, "u0")
    assert odds is not None
    assert odds.estimate == pytest.approx(binomial.params["u0_after"] - binomial.params["u0_before"], abs=1e-6)


def test_the_rate_ratio_is_the_poisson_after_times_treated_term_but_for_the_half_event() -> None:
    rows = random_rows(3)
    x = dummies(rows, "u0")
    poisson = sm.GLM(rows["y"].to_numpy(), x, family=sm.families.Poisson(), offset=np.log(rows["time"])).fit()
    term = poisson.params["u0_after"] - poisson.params["u0_before"]
    mine = rows["unit"] == "u0"
    o_before, o_after = (rows.loc[mine & (rows["period"] == p), "y"].sum() for p in ("before", "after"))
    # By the score equations exp(level) = O / E in each period, so the half event shifts the log ratio by this much.
    half = math.log((o_after + 0.5) / o_after) - math.log((o_before + 0.5) / o_before)
    own = rate_contrast(rows, "u0")
    assert own is not None
    assert own.estimate == pytest.approx(term + half, abs=1e-6)


def test_overdispersed_counts_get_a_negative_binomial_variance() -> None:
    rows = random_rows(4)
    calm = rate_contrast(rows, "u0")
    wild = rows.assign(y=rows["y"] * np.where(np.arange(len(rows)) % 3 == 0, 4.0, 0.0))  # same mean, clumped
    clumped = rate_contrast(wild, "u0")
    assert calm is not None
    assert clumped is not None
    assert calm.model.startswith("Poisson,")
    assert "negative-binomial variance (alpha" in clumped.model


def test_the_placebo_p_value_is_the_treated_rank_and_the_interval_is_widened() -> None:
    rows = pd.DataFrame(
        [(f"u{u}", k, "before" if k < 2 else "after") for u in range(5) for k in range(4)],
        columns=["unit", "week", "period"],
    )
    # Each unit's contrast as a fit would give it: u0 is treated; the others' t are 1, −3, 0.5 and 2.
    contrasts = {"u0": Contrast(-2.5, 1.0), "u1": Contrast(2.0, 2.0), "u2": Contrast(-3.0, 1.0),
                 "u3": Contrast(0.25, 0.5), "u4": Contrast(4.0, 2.0)}  # fmt: skip
    seen: list[set[str]] = []

    def fit(frame: pd.DataFrame, focal: str) -> Contrast:
        seen.append(set(frame["unit"]))
        return contrasts[focal]

    result = placebo_inference(rows, "u0", fit)
    assert result is not None
    assert seen[0] == {"u0", "u1", "u2", "u3", "u4"}
    assert all("u0" not in units for units in seen[1:])  # the treated unit is no placebo's comparison
    assert (result.k, result.clearer_than) == (4, 3)  # only u2 (|t| = 3) is as clear as u0 (|t| = 2.5)
    assert result.p_value == pytest.approx(2 / 5)
    assert result.inflation == pytest.approx(math.sqrt((1 + 9 + 0.25 + 4) / 4))
    half = stats.t.ppf(0.975, 4) * 1.0 * result.inflation
    assert result.interval() == (pytest.approx(-2.5 - half), pytest.approx(-2.5 + half))
    assert result.verdict() == "unclear"  # p = 0.4 > PLACEBO_LEVEL

    contrasts["u2"] = Contrast(-0.3, 1.0)
    many = pd.concat([rows] + [rows[rows["unit"] == "u1"].assign(unit=f"v{i}") for i in range(10)])
    contrasts.update({f"v{i}": Contrast(0.1 * (i - 5), 1.0) for i in range(10)})
    clear = placebo_inference(many, "u0", fit)
    assert clear is not None
    assert clear.p_value == pytest.approx(1 / 15)
    assert clear.p_value <= PLACEBO_LEVEL
    assert clear.inflation == 1.0  # the placebos stray less than their standard errors: no narrowing
    assert clear.excludes_none()
    assert clear.verdict() == "fell"


def test_answer_rates_that_do_not_move_keep_the_binomial_uncertainty() -> None:
    """A perfect fit (every unit answers exactly its share every week) must not make the interval vanish."""
    rows = random_rows(5)
    steady = rows.assign(answered=(rows["offered"] * 0.9).round())
    import statsmodels.api as sm

    x = dummies(steady, "u0")
    endog = np.column_stack([steady["answered"], steady["offered"] - steady["answered"]])
    binomial = sm.GLM(endog, x, family=sm.families.Binomial()).fit()  # scale 1: the binomial's own variance
    contrast = np.zeros(len(x.columns))
    contrast[list(x.columns).index("u0_after")], contrast[list(x.columns).index("u0_before")] = 1.0, -1.0
    binomial_se = float(np.sqrt(contrast @ binomial.cov_params().to_numpy() @ contrast))
    odds = odds_contrast(steady, "u0")
    assert odds is not None
    # odds_contrast leaves the week effects' share out of the variance (the placebo ranking accounts for
    # it), so it is a little below the full model's; before the floor it was a millionth of it.
    assert 0.7 * binomial_se < odds.se <= binomial_se
