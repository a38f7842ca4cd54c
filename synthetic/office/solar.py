"""Where the sun is: elevation and azimuth at the site for every minute (NOAA's general formulas)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.office.grid import FloatArray


def solar_position(index: pd.DatetimeIndex, latitude: float, longitude: float) -> tuple[FloatArray, FloatArray]:
    """Solar elevation and azimuth in radians (azimuth clockwise from north) at each UTC instant."""
    utc = index.tz_convert("UTC")
    minutes = (utc.hour * 60 + utc.minute + utc.second / 60).to_numpy(dtype=np.float64)
    day_of_year = utc.day_of_year.to_numpy(dtype=np.float64)
    # Fractional year; the NOAA series give the equation of time and the declination from it.
    g = 2 * np.pi / 365.0 * (day_of_year - 1 + (minutes / 60 - 12) / 24)
    eq_time = 229.18 * (
        0.000075 + 0.001868 * np.cos(g) - 0.032077 * np.sin(g) - 0.014615 * np.cos(2 * g) - 0.040849 * np.sin(2 * g)
    )
    decl = (
        0.006918
        - 0.399912 * np.cos(g)
        + 0.070257 * np.sin(g)
        - 0.006758 * np.cos(2 * g)
        + 0.000907 * np.sin(2 * g)
        - 0.002697 * np.cos(3 * g)
        + 0.00148 * np.sin(3 * g)
    )
    true_solar_minutes = minutes + eq_time + 4.0 * longitude
    hour_angle = np.radians(true_solar_minutes / 4.0 - 180.0)
    lat = np.radians(latitude)
    sin_elev = np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(hour_angle)
    elevation = np.arcsin(np.clip(sin_elev, -1.0, 1.0))
    # atan2 measures from south, positive towards west; adding π turns it into a compass bearing.
    azimuth = np.pi + np.arctan2(np.sin(hour_angle), np.cos(hour_angle) * np.sin(lat) - np.tan(decl) * np.cos(lat))
    return elevation, np.mod(azimuth, 2 * np.pi)
