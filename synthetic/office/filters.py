"""Supply-air filters that load with dust between changes, and the outdoor air a zone's fan then delivers.

Each zone has its own air-handling unit whose supply-air filter is changed every `interval_days`
(each zone on its own day, drawn from the seed). Between changes the filter collects dust, its
pressure drop rises and the fixed-speed fan delivers less outdoor air; on the day of a change the
flow jumps back. Over a year a zone's CO2 (and humidity) therefore follow a sawtooth.

The model and where its figures come from:

- Interval, 182 days. In Wargocki, Wyon & Fanger's call-centre study (Indoor Air 14, Suppl 8:7–16,
  2004; ../shared/standards.md) the "used" supply-air filters had been in place for six months, and
  the authors note that a filter's airflow resistance increases progressively; a change in spring
  and autumn is a common service contract. (Their used filters also polluted the air; this model
  only represents the lost airflow.)
- Pressure drop over the interval: depth-loading filters' pressure drop grows about exponentially
  with the dust they hold (Δp = Δp₀·e^(β·m)), and at a steady outdoor dust level and flow the dust
  held grows linearly in time, so Δp(t) = clean·(end/clean)^(t/interval).
- Clean, 100 Pa: a typical catalogue initial pressure drop of a fine (F7 / ePM1 55 %) bag filter at
  its rated flow (70–130 Pa across makes).
- Design final, 200 Pa: a typical manufacturer's recommended final pressure drop for such a filter.
  EN 13053 selects the fan for the mean of the initial and final pressure drops, so the site file's
  `ventilation_lps` is the flow with the filter at 150 Pa: a clean filter gives a little more.
- End, 450 Pa: the final pressure drop EN 779:2012 tests fine filters up to, the most the filter is
  rated for. A poorly maintained system gets there because the filter is changed on the calendar,
  not on its pressure drop: it passes its design final 200 Pa after about three months (84 days) and
  stays in for three more.
- Fan and system: the supply side takes 500 Pa at design flow, filter included; the filter's pressure
  drop is proportional to the flow (Darcy flow through fibrous media), the rest's to its square; the
  fixed-speed fan's pressure rises by a fifth of its design pressure towards zero flow,
  p = p_d·(1 + r·(1 − q²)). These two are engineering assumptions for a small office unit
  (forward-curved fans have flat curves), not figures from a source.

With these figures the flow is 1.05 × the design flow with a clean filter and 0.76 × it at the end of
an interval: 28 % less than with a clean filter, inside the 25–35 % taken here for a poorly
maintained system; over the interval the flow averages 0.93 × the design flow. The loss is derived,
not measured: a stiffer fan curve or a larger system pressure make it smaller (600 Pa: 23 %), a
flatter curve or a smaller system larger (400 Pa: 34 %); FilterLoading takes other figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike

from synthetic.errors import SyntheticInputError
from synthetic.office.grid import FloatArray


def fan_flow(filter_pa: ArrayLike, design_filter_pa: float, system_pa: float, fan_rise: float) -> FloatArray:
    """Flow of a fixed-speed fan's supply system, as a share of its design flow, at this filter pressure drop.

    At design flow (q = 1) the supply side takes `system_pa`, of which `design_filter_pa` in the filter.
    The filter's pressure drop is linear in the flow, the rest quadratic; the fan gives
    system_pa·(1 + fan_rise·(1 − q²)). The operating point solves a·q² + F·q − c = 0.
    """
    drop = np.asarray(filter_pa, dtype=np.float64)
    a = system_pa - design_filter_pa + fan_rise * system_pa
    c = system_pa * (1.0 + fan_rise)
    return np.asarray((-drop + np.sqrt(drop**2 + 4.0 * a * c)) / (2.0 * a), dtype=np.float64)


@dataclass(frozen=True)
class FilterLoading:
    """How every zone's supply-air filter loads with dust, and how often it is changed (see the module)."""

    interval_days: int = 182
    clean_pa: float = 100.0
    design_final_pa: float = 200.0
    end_pa: float = 450.0
    system_pa: float = 500.0
    fan_rise: float = 0.2

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
                raise SyntheticInputError(f"FilterLoading.{f.name} must be a finite number, got {value!r}")
        value = self.interval_days
        if not isinstance(value, Integral) or value < 1:
            raise SyntheticInputError(f"FilterLoading.interval_days must be a whole number of days ≥ 1, got {value}")
        object.__setattr__(self, "interval_days", int(value))  # frozen: a numpy integer becomes a plain one, here
        if not 0 < self.clean_pa <= self.design_final_pa <= self.end_pa:
            raise SyntheticInputError(
                "FilterLoading needs 0 < clean_pa ≤ design_final_pa ≤ end_pa, got "
                f"{self.clean_pa}, {self.design_final_pa}, {self.end_pa}"
            )
        if self.system_pa <= self.design_filter_pa:
            raise SyntheticInputError(
                f"FilterLoading.system_pa ({self.system_pa}) must exceed the filter's design pressure drop "
                f"({self.design_filter_pa}): the filter is part of the supply side"
            )
        if self.fan_rise < 0:
            raise SyntheticInputError(f"FilterLoading.fan_rise must be ≥ 0, got {self.fan_rise!r}")

    @property
    def design_filter_pa(self) -> float:
        """The pressure drop the fan was selected for: the mean of the initial and final ones (EN 13053)."""
        return (self.clean_pa + self.design_final_pa) / 2.0

    def pressure_pa(self, age_days: ArrayLike) -> FloatArray:
        """The filter's pressure drop at design flow after `age_days` in service."""
        share = np.asarray(age_days, dtype=np.float64) / self.interval_days
        return np.asarray(self.clean_pa * (self.end_pa / self.clean_pa) ** share, dtype=np.float64)

    def flow_fraction(self, age_days: ArrayLike) -> FloatArray:
        """The delivered outdoor air as a share of the design flow (the site's ventilation_lps) at this age."""
        return fan_flow(self.pressure_pa(age_days), self.design_filter_pa, self.system_pa, self.fan_rise)

    @property
    def end_loss(self) -> float:
        """How much less air flows at the end of an interval than with a clean filter (0.28 by default)."""
        clean, end = self.flow_fraction([0.0, float(self.interval_days)])
        return float(1.0 - end / clean)
