"""A lean IRLS for the few GLMs the associations fit a hundred times: Poisson, NB2 (known α) and binomial, log/logit.

statsmodels' GLM is the reference (tests/models/test_glm.py checks estimates and standard errors against
it to 1e-6); it also checks the design's rank and takes a pseudo-inverse on every fit, which on a
two-year panel with some 120 fixed-effect columns costs more than the fit itself. Here each iteration
solves the normal equations by a Cholesky factorisation, starting from given parameters.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.linalg
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from models.errors import ModelInputError

Family = Literal["poisson", "negative_binomial", "binomial"]
FloatArray = NDArray[np.float64]


def single_threaded_blas() -> AbstractContextManager[Any]:
    """A context in which BLAS uses one thread: the fits' matrices are small, and threads only wait for each other.

    With a second busy core, OpenBLAS's threads spin waiting for each other on these 600 × 60 products:
    measured on this 2-core machine, one year's analysis took 58 s with two BLAS threads and 5.8 s with one.
    """
    return threadpool_limits(limits=1, user_api="blas")


@dataclass(frozen=True)
class GlmFit:
    """Parameters, their model-based standard errors, fitted means and the Pearson dispersion."""

    params: FloatArray
    bse: FloatArray
    mu: FloatArray  # fitted means (counts; for the binomial the expected successes)
    pearson_chi2: float
    df_resid: int
    converged: bool
    iterations: int

    @property
    def dispersion(self) -> float:
        """Pearson χ² over the residual degrees of freedom."""
        return self.pearson_chi2 / max(self.df_resid, 1)


def fit_glm(
    exog: FloatArray,
    endog: FloatArray,
    family: Family,
    *,
    offset: FloatArray | None = None,
    trials: FloatArray | None = None,
    alpha: float = 0.0,
    start: FloatArray | None = None,
    tol: float = 1e-9,
    max_iterations: int = 100,
) -> GlmFit:
    """Maximum likelihood by iteratively reweighted least squares (log link; logit for the binomial).

    endog: counts (Poisson, NB2 with dispersion `alpha`) or successes out of `trials` (binomial).
    """
    n, k = exog.shape
    if family == "binomial" and trials is None:
        raise ModelInputError("a binomial GLM needs the number of trials")
    eta_offset = np.zeros(n) if offset is None else offset
    beta = np.zeros(k) if start is None else np.asarray(start, dtype=np.float64).copy()
    if start is None:
        beta[0] = _first_intercept(endog, family, trials, eta_offset)
    converged, iterations = False, 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007 - the count is reported
        eta = exog @ beta + eta_offset
        mu, weight, working = _weights(eta, endog, family, trials, alpha, eta_offset)
        xtw = exog.T * weight
        try:
            factor = scipy.linalg.cho_factor(xtw @ exog)
        except np.linalg.LinAlgError as exc:
            raise ModelInputError("the design is singular: a column repeats another") from exc
        previous, beta = beta, scipy.linalg.cho_solve(factor, xtw @ working)
        # Converged when no parameter moves any more (the deviance is too flat near the optimum to judge by).
        if np.max(np.abs(beta - previous)) <= tol * (1 + np.max(np.abs(beta))):
            converged = True
            break
    eta = exog @ beta + eta_offset
    mu, weight, _ = _weights(eta, endog, family, trials, alpha, eta_offset)
    information = (exog.T * weight) @ exog
    covariance = scipy.linalg.cho_solve(scipy.linalg.cho_factor(information), np.eye(k))
    variance = _variance(mu, family, trials, alpha)
    pearson = float(np.sum((endog - mu) ** 2 / variance))
    return GlmFit(beta, np.sqrt(np.diag(covariance)), mu, pearson, n - k, converged, iterations)


def _first_intercept(endog: FloatArray, family: Family, trials: FloatArray | None, offset: FloatArray) -> float:
    if family == "binomial":
        assert trials is not None
        p = (endog.sum() + 0.5) / (trials.sum() + 1.0)
        return float(np.log(p / (1 - p)))
    return float(np.log((endog.sum() + 0.1) / np.exp(offset).sum()))


def _weights(
    eta: FloatArray, endog: FloatArray, family: Family, trials: FloatArray | None, alpha: float, offset: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Means, IRLS weights and the working response (without the offset) at a linear predictor."""
    eta = np.clip(eta, -700, 700)
    if family == "binomial":
        assert trials is not None
        p = 1 / (1 + np.exp(-eta))
        p = np.clip(p, 1e-12, 1 - 1e-12)
        mu = trials * p
        weight = trials * p * (1 - p)
        working = eta - offset + (endog - mu) / np.maximum(weight, 1e-300)
        return mu, weight, working
    mu = np.exp(eta)
    weight = mu / (1 + alpha * mu)  # log link: (dμ/dη)² / V(μ) with V = μ + αμ²
    working = eta - offset + (endog - mu) / mu
    return mu, weight, working


def _variance(mu: FloatArray, family: Family, trials: FloatArray | None, alpha: float) -> FloatArray:
    if family == "binomial":
        assert trials is not None
        p = np.clip(mu / trials, 1e-12, 1 - 1e-12)
        return trials * p * (1 - p)
    return mu + alpha * mu**2
