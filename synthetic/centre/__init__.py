"""A realistic, seeded customer service centre: staff, absences, calls, NKI and feedback, with planted effects."""

from synthetic.centre.centre import Centre, Truth, generate_centre
from synthetic.centre.config import (
    AbsenceParams,
    CallParams,
    FeedbackParams,
    GeneratorConfig,
    NkiParams,
    StaffParams,
)
from synthetic.centre.effects import MILTON_CO2_RR_PER_100PPM, PlantedEffects, co2_rate_ratio_per_100ppm
from synthetic.centre.environment import zone_environment

__all__ = [
    "MILTON_CO2_RR_PER_100PPM",
    "AbsenceParams",
    "CallParams",
    "Centre",
    "FeedbackParams",
    "GeneratorConfig",
    "NkiParams",
    "PlantedEffects",
    "StaffParams",
    "Truth",
    "co2_rate_ratio_per_100ppm",
    "generate_centre",
    "zone_environment",
]
