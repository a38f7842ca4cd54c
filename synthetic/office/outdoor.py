"""The weather outside the site: temperature, humidity, CO2 and cloud, for every minute of a local day.

The climate is Stockholm's (about −2 °C in late January, 18 °C in July); day-to-day weather comes
from one random draw per date shared by every zone, smoothed over several days so that cold spells
and warm spells last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from synthetic.office.grid import DayGrid, FloatArray, between_days
from synthetic.office.physics import saturation_vapour_density

ANNUAL_MEAN_C = 8.0
ANNUAL_SWING_C = 10.0
COLDEST_DAY = 25  # day of the year with the lowest mean temperature
ANOMALY_WEIGHTS = np.array([0.5, 0.3, 0.15, 0.05])  # today's draw and the three days before
OUTDOOR_CO2_PPM = 420.0
FLICKER_MINUTES = 1500  # covers the longest (25-hour) day
FLICKER_KERNEL = np.exp(-np.arange(40) / 12.0)  # clouds drift past over a quarter of an hour


@dataclass(frozen=True)
class WeatherDraws:
    """The random part of one date's weather."""

    temperature: float  # standard normal shock
    humidity: float  # standard normal shock
    co2_ppm: float  # offset from the background level
    clearness: float  # 0 overcast … 1 clear sky, the day's mean
    flicker: FloatArray  # minute-to-minute cloud variation, unit variance


@dataclass(frozen=True)
class Outdoor:
    """Outdoor conditions per minute of one day."""

    temperature_c: FloatArray
    vapour_gm3: FloatArray
    co2_ppm: FloatArray
    clearness: FloatArray


def weather_draws(rng: np.random.Generator) -> WeatherDraws:
    """Draw one date's weather from its generator."""
    temperature = float(rng.standard_normal())
    humidity = float(rng.standard_normal())
    co2 = float(rng.normal(0.0, 8.0))
    clearness = float(rng.beta(0.9, 1.2))  # more grey days than clear ones, as in Stockholm
    noise = rng.standard_normal(FLICKER_MINUTES + len(FLICKER_KERNEL) - 1)
    flicker = np.convolve(noise, FLICKER_KERNEL, mode="valid") / np.sqrt(np.sum(FLICKER_KERNEL**2))
    return WeatherDraws(temperature, humidity, co2, clearness, flicker)


def summerness(day_of_year: FloatArray | float) -> FloatArray:
    """0 at the coldest time of the year, 1 at the warmest."""
    return np.asarray(0.5 - 0.5 * np.cos(2 * np.pi * (np.asarray(day_of_year) - COLDEST_DAY) / 365.25))


def seasonal_temperature(day_of_year: FloatArray | float) -> FloatArray:
    """The climatological daily mean outdoor temperature, °C."""
    return ANNUAL_MEAN_C - ANNUAL_SWING_C + 2 * ANNUAL_SWING_C * summerness(day_of_year)


def outdoor_day(grid: DayGrid, draws: Callable[[date], WeatherDraws]) -> Outdoor:
    """The outdoor conditions over a day's grid, given the weather draws of any date."""
    day = grid.day
    tod = grid.tod
    days = {k: draws(day + timedelta(days=k)) for k in range(-4, 2)}

    def anomaly(k: int) -> float:
        # Today's temperature anomaly remembers the last few days' draws: spells, not noise.
        shocks = np.array([days[k - j].temperature for j in range(len(ANOMALY_WEIGHTS))])
        return float(shocks @ ANOMALY_WEIGHTS / np.linalg.norm(ANOMALY_WEIGHTS))

    doy = day.timetuple().tm_yday + tod / 1440.0
    season = summerness(doy)
    temp_anomaly = (3.5 - 1.0 * season) * between_days(tod, anomaly(-1), anomaly(0), anomaly(1))
    clear = between_days(tod, days[-1].clearness, days[0].clearness, days[1].clearness)
    clearness = np.clip(clear + 0.6 * np.sqrt(clear * (1 - clear)) * days[0].flicker[: len(tod)], 0.0, 1.0)
    # Afternoons are warmer than nights, more so in summer and under a clear sky.
    swing = (1.2 + 2.8 * season) * (0.5 + clear)
    temperature = seasonal_temperature(doy) + temp_anomaly + swing * np.cos(2 * np.pi * (tod / 60 - 15) / 24)

    humid = between_days(tod, days[-1].humidity, days[0].humidity, days[1].humidity)
    vapour = 3.6 + 6.6 * season + 0.3 * temp_anomaly + 0.7 * humid
    vapour = np.clip(vapour, 1.0, 0.95 * saturation_vapour_density(temperature))

    co2_offset = between_days(tod, days[-1].co2_ppm, days[0].co2_ppm, days[1].co2_ppm)
    # Night-time inversions trap CO2 near the ground; daytime mixing dilutes it.
    co2 = OUTDOOR_CO2_PPM + co2_offset + 8.0 * np.cos(2 * np.pi * (tod / 60 - 5) / 24)
    return Outdoor(temperature, vapour, co2, clearness)
