"""Planted environment effects on short-term sick leave: the known truth analytics are checked against.

Deriving the default CO2 effect from Milton et al. (2000, Indoor Air 10:212): short-term sick leave
was 1.53 times as frequent (95 % CI 1.22–1.92) with moderate outdoor air (about 12 l/s per person)
as with high (about 24 l/s per person). Milton measured ventilation, not CO2, so it is translated
through the steady-state mass balance of a room: CO2 above outdoor = G / q, with G = 0.0052 l/s of
CO2 per seated adult (the generation rate the simulator uses) and q the outdoor air per person:

    12 l/s·person → 0.0052 / 12 · 10⁶ = 433 ppm above outdoor
    24 l/s·person → 0.0052 / 24 · 10⁶ = 217 ppm above outdoor      difference Δ = 217 ppm

Assuming the log-rate is linear in CO2 (that is, in 1/q), the rate ratio per +100 ppm is
1.53^(100/217) = 1.217 (CI 1.22^0.46 – 1.92^0.46 = 1.10 – 1.35). Two caveats, both written into the
documentation: rooms are rarely at steady state, so measured occupied-hours means differ by less than
217 ppm between such buildings and the true effect per 100 ppm of *measured* CO2 would be larger; and
CO2 here stands for everything that comes with poor ventilation (bioeffluents, pathogens in the air).

Temperature and noise have no sick-leave prior in the standards (the studies there measure
performance), so their default rate ratios are 1 (no effect); plant one to test the analytics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike, NDArray

from synthetic.errors import SyntheticInputError

CO2_GENERATION_LPS = 0.0052  # per seated adult, as in synthetic.office.physics


def co2_rate_ratio_per_100ppm(
    rate_ratio: float = 1.53,
    low_lps_per_person: float = 12.0,
    high_lps_per_person: float = 24.0,
    generation_lps: float = CO2_GENERATION_LPS,
) -> float:
    """Translate a rate ratio between two ventilation rates into one per +100 ppm of steady-state CO2."""
    delta_ppm = generation_lps * 1e6 * (1.0 / low_lps_per_person - 1.0 / high_lps_per_person)
    return float(rate_ratio ** (100.0 / delta_ppm))


MILTON_CO2_RR_PER_100PPM = round(co2_rate_ratio_per_100ppm(), 3)  # 1.217


@dataclass(frozen=True)
class PlantedEffects:
    """Rate ratios of short-term sick-spell onset per unit of a zone's occupied-hours environment.

    The hazard multiplier of a team in a month is
    co2_rr^((CO2 − co2_reference)/100) · temperature_rr^max(0, T − threshold) · sound_rr^max(0, L − threshold),
    with the zone's mean CO2 (ppm), temperature (°C) and LAeq (dB(A)) over occupied hours that month.
    The CO2 term is log-linear on both sides of the reference, so a well-aired zone is below 1.
    """

    co2_rr_per_100ppm: float = MILTON_CO2_RR_PER_100PPM
    # About what a well-ventilated answer group (45 l/s for three) shows in the simulator: 680–700 ppm.
    co2_reference_ppm: float = 700.0
    temperature_rr_per_c: float = 1.0
    temperature_threshold_c: float = 24.0
    sound_rr_per_dba: float = 1.0
    sound_threshold_dba: float = 50.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not math.isfinite(value):
                raise SyntheticInputError(f"{f.name} must be finite, got {value!r}")
            if f.name.endswith(("_rr_per_100ppm", "_rr_per_c", "_rr_per_dba")) and value <= 0:
                raise SyntheticInputError(f"{f.name} is a rate ratio and must be > 0, got {value!r}")

    def multiplier(self, co2_ppm: ArrayLike, temperature_c: ArrayLike, sound_dba: ArrayLike) -> NDArray[np.float64]:
        """The hazard multiplier for these environments; a missing (NaN) quantity contributes no effect."""
        co2 = np.nan_to_num(np.asarray(co2_ppm, dtype=np.float64) - self.co2_reference_ppm, nan=0.0)
        warm = np.nan_to_num(np.maximum(np.asarray(temperature_c, dtype=np.float64) - self.temperature_threshold_c, 0))
        loud = np.nan_to_num(np.maximum(np.asarray(sound_dba, dtype=np.float64) - self.sound_threshold_dba, 0))
        log_rr = (
            math.log(self.co2_rr_per_100ppm) * co2 / 100.0
            + math.log(self.temperature_rr_per_c) * warm
            + math.log(self.sound_rr_per_dba) * loud
        )
        return np.asarray(np.exp(log_rr), dtype=np.float64)
