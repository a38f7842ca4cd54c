"""The lean IRLS against statsmodels, fitted by hand on small tables."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from models.errors import ModelInputError
from models.glm import fit_glm


@pytest.fixture
def table():
    rng = np.random.default_rng(5)
    n = 240
    team = np.repeat(np.arange(4), 60)
    week = np.tile(np.arange(60), 4)
    x = rng.normal(7, 1, n) + team * 0.3
    exposure_days = rng.uniform(8, 15, n)
    design = np.column_stack(
        [np.ones(n), x, *(team == t for t in (1, 2, 3)), *(week == w for w in range(1, 60))]
    ).astype(np.float64)
    mu = exposure_days * np.exp(-3 + 0.2 * x + 0.1 * team)
    counts = rng.negative_binomial(2, 2 / (2 + mu)).astype(np.float64)
    trials = rng.integers(50, 200, n).astype(np.float64)
    answered = rng.binomial(trials.astype(int), 1 / (1 + np.exp(-(2 - 0.1 * x)))).astype(np.float64)
    return design, counts, np.log(exposure_days), trials, answered


@pytest.mark.parametrize(("family", "alpha"), [("poisson", 0.0), ("negative_binomial", 0.5)])
def test_counts_match_statsmodels(table, family, alpha):
    design, counts, offset, _, _ = table
    ours = fit_glm(design, counts, family, offset=offset, alpha=alpha)
    theirs = sm.GLM(
        counts,
        design,
        family=sm.families.Poisson() if family == "poisson" else sm.families.NegativeBinomial(alpha=alpha),
        offset=offset,
    ).fit(tol=1e-13)
    assert ours.converged
    assert np.allclose(ours.params, theirs.params, atol=1e-6)
    assert np.allclose(ours.bse, theirs.bse, rtol=1e-5)
    assert ours.pearson_chi2 == pytest.approx(theirs.pearson_chi2, rel=1e-6)
    assert np.allclose(ours.mu, theirs.fittedvalues, rtol=1e-6)


def test_binomial_matches_statsmodels_and_warm_starts(table):
    design, _, _, trials, answered = table
    ours = fit_glm(design, answered, "binomial", trials=trials)
    theirs = sm.GLM(np.column_stack([answered, trials - answered]), design, family=sm.families.Binomial()).fit(
        tol=1e-13
    )
    assert np.allclose(ours.params, theirs.params, atol=1e-6)
    assert np.allclose(ours.bse, theirs.bse, rtol=1e-5)
    again = fit_glm(design, answered, "binomial", trials=trials, start=ours.params)
    assert again.iterations <= 2
    assert np.allclose(again.params, ours.params, atol=1e-8)


def test_bad_designs_are_refused(table):
    design, counts, offset, _, _ = table
    with pytest.raises(ModelInputError, match="trials"):
        fit_glm(design, counts, "binomial")
    with pytest.raises(ModelInputError, match="singular"):
        fit_glm(np.column_stack([design, design[:, 1]]), counts, "poisson", offset=offset)
