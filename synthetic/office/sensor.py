"""What a real sensor adds to the true values: noise, calibration error, resolution, dropouts and drift."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sensors.quantities import QUANTITIES
from synthetic.office.grid import FloatArray

# Standard deviations of the minute-to-minute noise; the data sheets' "±" is about two of them.
NOISE_SD = {"co2_ppm": 7.5, "temperature_c": 0.05, "humidity_pct": 0.5, "sound_dba": 0.5, "sound_max_dba": 0.5}
LUX_NOISE_SHARE = 0.015  # illuminance noise is relative: ±3 % at two standard deviations
DROPOUTS_PER_WEEK = 3.0  # radio or power losses of a device ...
DROPOUT_MINUTES = (5, 60)  # ... lasting this long
DRIFT_PPM_PER_DAY = -1.5  # the drifting CO2 sensor's calibration runs away by this much each day


@dataclass(frozen=True)
class Calibration:
    """A device's own constant errors, fixed for its life."""

    co2_ppm: float
    temperature_c: float
    humidity_pct: float
    sound_db: float
    lux_gain: float


def calibration(rng: np.random.Generator) -> Calibration:
    """Draw a device's calibration errors (within the usual data-sheet accuracy)."""
    co2, temp, rh, sound = rng.normal(0.0, (5.0, 0.2, 1.5, 0.5))
    return Calibration(float(co2), float(temp), float(rh), float(sound), float(rng.normal(1.0, 0.05)))


def drift_ppm(index: pd.DatetimeIndex, since: datetime, per_day: float = DRIFT_PPM_PER_DAY) -> FloatArray:
    """The drifting sensor's CO2 error at each instant: linear in the time since `since`, zero before."""
    days = (index - pd.Timestamp(since)) / pd.Timedelta(days=1)
    return np.asarray(per_day * np.clip(days.to_numpy(dtype=np.float64), 0.0, None), dtype=np.float64)


def dropouts(minutes: int, rng: np.random.Generator) -> NDArray[np.bool_]:
    """Minutes of one day in which the device sends nothing: a few gaps a week, 5–60 minutes each."""
    lost = np.zeros(minutes, dtype=bool)
    for _ in range(int(rng.poisson(DROPOUTS_PER_WEEK / 7.0))):
        begin = int(rng.integers(0, minutes))
        lost[begin : begin + int(rng.integers(DROPOUT_MINUTES[0], DROPOUT_MINUTES[1] + 1))] = True
    return lost


def measure(
    truth: Mapping[str, FloatArray],
    cal: Calibration,
    co2_drift: FloatArray | None,
    rng: np.random.Generator,
) -> dict[str, FloatArray]:
    """What the device reports for the true values: noisy, offset, rounded, clipped, with gaps as NaN."""
    n = len(truth["co2_ppm"])
    offsets = {
        "co2_ppm": cal.co2_ppm + (co2_drift if co2_drift is not None else 0.0),
        "temperature_c": cal.temperature_c,
        "humidity_pct": cal.humidity_pct,
        "sound_dba": cal.sound_db,
        "sound_max_dba": cal.sound_db,
    }
    out: dict[str, FloatArray] = {}
    for key, values in truth.items():
        if key == "illuminance_lux":
            measured = values * cal.lux_gain * (1.0 + rng.normal(0.0, LUX_NOISE_SHARE, n))
        else:
            measured = values + offsets[key] + rng.normal(0.0, NOISE_SD[key], n)
        quantity = QUANTITIES[key]
        # Round first and clip after, so the reported value never leaves the plausible range.
        out[key] = np.clip(np.round(measured, quantity.reported_decimals), quantity.minimum, quantity.maximum)
    if "sound_max_dba" in out and "sound_dba" in out:
        out["sound_max_dba"] = np.maximum(out["sound_max_dba"], out["sound_dba"])  # a maximum is never below the mean
    lost = dropouts(n, rng)
    for values in out.values():
        values[lost] = np.nan
    return out
