"""Research priors and the site's own estimates, combined in the open: local, prior and combined side by side.

A prior is a normal distribution on the log rate ratio per unit change of a quantity, read from a study's
95 % interval (models/data/evidence.toml, which names every source). A local estimate from the site's
data is combined with it by precision weighting (the normal–normal conjugate update):

    1/v = 1/v_local + 1/v_prior,   m = v · (m_local/v_local + m_prior/v_prior)

so a centre with little data leans on the research, and one with much data on itself. `local_weight`
says how much of the combined estimate is the site's own (its share of the precision).

An estimate whose ratio or interval ends lie beyond what a float holds (a log beyond ±709, as a fit on
an exposure that hardly varies can give) is not `bounded`: it is no estimate, combines as none, and its
figures come out as None, never as infinity.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from models.errors import ModelInputError
from sensors.quantities import QUANTITIES

Z95 = 1.959963984540054  # the normal quantile of a two-sided 95 % interval
MAX_LOG = math.log(sys.float_info.max)  # exp of more overflows, exp of less than −MAX_LOG is all but 0


def exp(value: float) -> float:
    """math.exp without OverflowError: math.inf where the result is beyond a float (nan stays nan)."""
    return math.exp(value) if not value > MAX_LOG else math.inf


def rounded(value: float, digits: int = 4) -> float | None:
    """A figure for JSON: rounded, None if it is not finite."""
    return round(value, digits) if math.isfinite(value) else None


@dataclass(frozen=True)
class Estimate:
    """A ratio with its 95 % interval, kept on the log scale as well (mean and standard error)."""

    log: float
    se: float

    @classmethod
    def of_interval(cls, ratio: float, low: float, high: float) -> Estimate:
        """The estimate a reported ratio and 95 % interval stand for (the log-scale half-width over 1.96)."""
        if not (0 < low <= ratio <= high) or not all(map(math.isfinite, (ratio, low, high))):
            raise ModelInputError(
                f"a ratio and its interval must be finite with 0 < low ≤ ratio ≤ high: {low, ratio, high}"
            )
        return cls(math.log(ratio), (math.log(high) - math.log(low)) / (2 * Z95))

    @property
    def ratio(self) -> float:
        """The ratio itself (math.inf beyond a float)."""
        return exp(self.log)

    @property
    def ci_low(self) -> float:
        """Lower end of the 95 % interval."""
        return exp(self.log - Z95 * self.se)

    @property
    def ci_high(self) -> float:
        """Upper end of the 95 % interval (math.inf beyond a float)."""
        return exp(self.log + Z95 * self.se)

    def bounded(self) -> bool:
        """Whether the ratio and both ends of its interval are finite and above 0 (else: no estimate)."""
        ends = (self.log, self.log - Z95 * self.se, self.log + Z95 * self.se)
        return math.isfinite(self.se) and self.se >= 0 and all(math.isfinite(v) and abs(v) < MAX_LOG for v in ends)

    def scaled(self, factor: float) -> Estimate:
        """The estimate for `factor` units instead of one (a ratio raised to that power)."""
        return Estimate(self.log * factor, self.se * abs(factor))

    def excludes_one(self) -> bool:
        """Whether the 95 % interval lies wholly on one side of 1 (never for an estimate that is not bounded)."""
        return self.bounded() and (self.ci_low > 1 or self.ci_high < 1)

    def to_dict(self) -> dict[str, float | None]:
        """Ratio and interval, rounded for people; all None if the estimate is not bounded (no estimate)."""
        if not self.bounded():
            return dict.fromkeys(("rate_ratio", "ci_low", "ci_high"))
        return {"rate_ratio": rounded(self.ratio), "ci_low": rounded(self.ci_low), "ci_high": rounded(self.ci_high)}


@dataclass(frozen=True)
class Prior:
    """What a study says, as a ratio per unit change for one outcome, with its source."""

    outcome: str
    estimate: Estimate
    source: str
    derivation: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The contract's `prior` object."""
        return {**self.estimate.to_dict(), "source": self.source, "outcome": self.outcome}


@dataclass(frozen=True)
class QuantityEvidence:
    """One quantity's unit of change for reporting, and its prior (None where research gives none)."""

    quantity: str
    unit_change: float
    unit_label: str
    prior: Prior | None = None

    def prior_for(self, outcome: str) -> Prior | None:
        """The prior of this outcome, if research gives one."""
        return self.prior if self.prior is not None and self.prior.outcome == outcome else None


@dataclass(frozen=True)
class Combined:
    """A local estimate combined with a prior: the combined estimate and the local share of its precision."""

    estimate: Estimate
    local_weight: float  # 0 (only the prior) … 1 (only the site's data)


def combine(local: Estimate | None, prior: Prior | None) -> Combined | None:
    """Precision-weighted normal combination on the log scale; without a prior the local estimate stands alone.

    A local estimate that is not bounded counts as none.
    """
    if local is not None and not local.bounded():
        local = None
    if local is None and prior is None:
        return None
    if prior is None:
        assert local is not None
        return Combined(local, 1.0)
    if local is None or local.se**2 <= 0:
        return Combined(prior.estimate, 0.0)
    w_local, w_prior = 1 / local.se**2, 1 / prior.estimate.se**2
    total = w_local + w_prior
    mean = (local.log * w_local + prior.estimate.log * w_prior) / total
    return Combined(Estimate(mean, math.sqrt(1 / total)), w_local / total)


def parse_evidence(data: Mapping[str, Any]) -> dict[str, QuantityEvidence]:
    """The evidence table from its TOML form (see models/data/evidence.toml); ModelInputError names what is wrong."""
    table: dict[str, QuantityEvidence] = {}
    for quantity, row in data.items():
        if quantity not in QUANTITIES:
            raise ModelInputError(f"evidence: {quantity!r} is not a quantity key")
        if not isinstance(row, Mapping):
            raise ModelInputError(f"evidence: [{quantity}] must be a table")
        unit = row.get("unit_change")
        if not isinstance(unit, int | float) or isinstance(unit, bool) or unit == 0 or not math.isfinite(unit):
            raise ModelInputError(f"evidence: [{quantity}] unit_change must be a non-zero number")
        prior = None
        if "prior" in row:
            p = row["prior"]
            try:
                estimate = Estimate.of_interval(float(p["rate_ratio"]), float(p["ci_low"]), float(p["ci_high"]))
                source = str(p["source"]).strip()
            except (KeyError, TypeError, ValueError) as exc:
                raise ModelInputError(
                    f"evidence: [{quantity}.prior] needs rate_ratio, ci_low, ci_high, source"
                ) from exc
            if not source:
                raise ModelInputError(f"evidence: [{quantity}.prior] must name its source")
            prior = Prior(
                str(p.get("outcome", "short_term_sick_spells")), estimate, source, str(p.get("derivation", ""))
            )
        label = str(row.get("unit_label", f"{unit:+g} {QUANTITIES[quantity].unit}"))
        table[quantity] = QuantityEvidence(quantity, float(unit), label, prior)
    return table


def confidence(local: Estimate | None, p_adjusted: float | None, combined: Combined | None) -> tuple[str, str]:
    """How sure a reader may be, in a word ("high", "moderate", "low", "none") and in a sentence.

    - high: the site's own data show it (adjusted p < 0.05) and the combined interval excludes 1;
    - moderate: the combined interval excludes 1, with research behind it, but the site's data alone cannot tell;
    - low: the data cannot tell (or only hint, where many comparisons make such a hint expected by chance);
    - none: no estimate at all.
    """
    if combined is None:
        if local is not None and not local.bounded():
            return "none", "No estimate: the site's data give no finite interval, and there is no research to lean on."
        return "none", "No estimate: too little data and no research to lean on."
    share = f"{combined.local_weight:.0%}"
    own = local is not None and local.bounded() and p_adjusted is not None and p_adjusted < 0.05
    if own and combined.estimate.excludes_one():
        return "high", f"The site's own data show it (adjusted p = {p_adjusted:.3f}); they carry {share} of the weight."
    if combined.estimate.excludes_one() and combined.local_weight < 1:
        lean = "research" if combined.local_weight < 0.5 else "the site's data and research together"
        return "moderate", f"Mostly from {lean}: the site's data carry {share} of the weight and alone cannot tell."
    if local is not None and local.excludes_one():
        return (
            "low",
            "A hint only: with this many comparisons an estimate this far from no effect is expected by chance.",
        )
    return "low", f"The data cannot tell: the interval includes no effect (the site's data carry {share} of it)."
