"""The quantity table: every measured quantity as one row of data (unit, plausible range, bands)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class Band(StrEnum):
    """How a value compares with the comfort reference for its quantity."""

    GOOD = "good"
    ACCEPTABLE = "acceptable"
    ACT = "act"


@dataclass(frozen=True)
class BandLimits:
    """The closed interval [low, high] that a value must lie in for one band.

    `months` restricts the row to part of the year (e.g. the heating season); empty = all year.
    """

    band: Band
    low: float = -math.inf
    high: float = math.inf
    months: frozenset[int] = frozenset()

    def contains(self, value: float, month: int) -> bool:
        """Whether the value lies in this band's interval in the given month."""
        if self.months and month not in self.months:
            return False
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Quantity:
    """One measured quantity: its canonical key, unit, plausible range and comfort bands."""

    key: str
    unit: str
    minimum: float
    maximum: float
    label: str
    bands: tuple[BandLimits, ...] = ()
    reference: str = ""
    optional: bool = False
    decimals: int = 1  # shown on pages and in reports: whole ppm, tenths of a degree
    reported_decimals: int = 2  # what a typical device resolves (and what the simulator sends)

    def is_plausible(self, value: float) -> bool:
        """Whether the value is finite and inside the plausible range (contracts §1)."""
        return math.isfinite(value) and self.minimum <= value <= self.maximum

    def band(self, value: float, month: int) -> Band | None:
        """The first band whose limits hold the value; ACT if the quantity has bands but none holds it.

        Returns None for quantities without a comfort reference.
        """
        if not self.bands:
            return None
        for limits in self.bands:
            if limits.contains(value, month):
                return limits.band
        return Band.ACT


HEATING_SEASON = frozenset({1, 2, 3, 4, 10, 11, 12})
SUMMER = frozenset(range(5, 10))

# Bands follow ../shared/standards.md; the `reference` text is shown to users next to the colour.
QUANTITIES: dict[str, Quantity] = {
    q.key: q
    for q in (
        Quantity(
            "co2_ppm",
            "ppm",
            250,
            10_000,
            "CO₂",
            bands=(BandLimits(Band.GOOD, high=800), BandLimits(Band.ACCEPTABLE, high=1000)),
            reference="Arbetsmiljöverket / Folkhälsomyndigheten: < 800 good, ≤ 1000 ppm acceptable, "
            "regularly > 1000 ppm means inadequate ventilation",
            decimals=0,
            reported_decimals=0,
        ),
        Quantity(
            "temperature_c",
            "°C",
            -20,
            60,
            "Temperature",
            bands=(
                BandLimits(Band.GOOD, 21, 23, HEATING_SEASON),
                BandLimits(Band.GOOD, 21, 25, SUMMER),
                BandLimits(Band.ACCEPTABLE, 20, 24, HEATING_SEASON),
                BandLimits(Band.ACCEPTABLE, 20, 26, SUMMER),
            ),
            reference="Arbetsmiljöverket; EN 16798-1 cat. II (impl): 20–24 °C winter, 20–26 °C summer",
            decimals=1,
            reported_decimals=2,
        ),
        Quantity(
            "humidity_pct",
            "%RH",
            0,
            100,
            "Humidity",
            bands=(BandLimits(Band.GOOD, 30, 50), BandLimits(Band.ACCEPTABLE, 25, 60)),
            reference="EN 16798-1 (impl): 30–50 % good, 25–60 % acceptable; no Swedish limit",
            decimals=0,
            reported_decimals=1,
        ),
        Quantity(
            "sound_dba",
            "dB(A)",
            20,
            140,
            "Sound (LAeq)",
            bands=(BandLimits(Band.GOOD, high=48), BandLimits(Band.ACCEPTABLE, high=55)),
            reference="Measured LAeq includes the agents' own speech, so it is compared with the "
            "open-plan speech level (ISO 3382-3: ≤ 48 dB) and the AFS 2005:16 action level (> 55 dB(A)), "
            "not with the 35–40 dB(A) background limits",
            decimals=0,
            reported_decimals=1,
        ),
        Quantity("sound_max_dba", "dB(A)", 20, 150, "Sound (LAFmax)", optional=True, decimals=0, reported_decimals=1),
        Quantity(
            "illuminance_lux",
            "lx",
            0,
            200_000,
            "Illuminance",
            bands=(BandLimits(Band.GOOD, low=500), BandLimits(Band.ACCEPTABLE, low=300)),
            reference="EN 12464-1:2021 office tasks: ≥ 500 lx at the desk, ≥ 300 lx filing and copying",
            decimals=0,
            reported_decimals=1,
        ),
        Quantity(
            "tvoc_ppb",
            "ppb",
            0,
            60_000,
            "TVOC",
            optional=True,
            reference="WELL's TVOC limit is 500 µg/m³; converting ppb to µg/m³ depends on the VOC mix, "
            "so no band is shown",
            decimals=0,
            reported_decimals=0,
        ),
        Quantity(
            "pm25_ugm3",
            "µg/m³",
            0,
            1_000,
            "PM2.5",
            optional=True,
            bands=(BandLimits(Band.GOOD, high=12), BandLimits(Band.ACCEPTABLE, high=15)),
            reference="WELL: < 12 good, < 15 µg/m³ acceptable",
            decimals=1,
            reported_decimals=1,
        ),
    )
}

QUANTITY_KEYS: tuple[str, ...] = tuple(QUANTITIES)


def band_of(key: str, value: float, month: int) -> Band | None:
    """The comfort band of a value of the quantity `key` in the given month (1–12)."""
    return QUANTITIES[key].band(value, month)
