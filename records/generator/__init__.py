"""A realistic, seeded customer service centre: staff, absences, calls and NKI, with planted effects."""

from records.generator.centre import Centre, Truth, generate_centre, short_term_spells
from records.generator.config import AbsenceParams, CallParams, GeneratorConfig, NkiParams, StaffParams
from records.generator.effects import MILTON_CO2_RR_PER_100PPM, PlantedEffects, co2_rate_ratio_per_100ppm
from records.generator.environment import zone_environment
from records.generator.holidays import easter_sunday, opening_days, swedish_holidays

__all__ = [
    "MILTON_CO2_RR_PER_100PPM",
    "AbsenceParams",
    "CallParams",
    "Centre",
    "GeneratorConfig",
    "NkiParams",
    "PlantedEffects",
    "StaffParams",
    "Truth",
    "co2_rate_ratio_per_100ppm",
    "easter_sunday",
    "generate_centre",
    "opening_days",
    "short_term_spells",
    "swedish_holidays",
    "zone_environment",
]
