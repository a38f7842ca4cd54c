"""Indoor physics on 1-minute arrays: the CO2, heat, moisture, sound and light of one zone."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from synthetic.office.grid import FloatArray

STEP_S = 60.0
CO2_GENERATION_LPS = 0.0052  # per seated adult, about 18.7 L/h
MOISTURE_GPS = 50.0 / 3600.0  # a seated adult breathes and sweats out about 50 g of water an hour
INFILTRATION_ACH = 0.1  # leaks through the envelope: air changes per hour, fans on or off
# Furnishings and walls absorb and release moisture, so humidity responds as if the room were larger.
MOISTURE_BUFFER = 2.0

# Free-running indoor temperature: what the room would settle at without heating, given the weather.
FREE_RUNNING_C = 20.0
FREE_RUNNING_SLOPE = 0.4  # °C indoors per °C outdoors around 12 °C outside
BUILDING_TAU_MIN = 150.0  # the building's thermal mass follows heating and weather slowly ...
OCCUPANT_TAU_MIN = 40.0  # ... while body heat warms the air of a small room within the hour
SOLAR_C_PER_KLX = 1.0  # warming per 1000 lx of daylight in the room (the sun through the window)

WINDOW_AZIMUTH_DEG = {"N": 0.0, "NE": 45.0, "E": 90.0, "SE": 135.0, "S": 180.0, "SW": 225.0, "W": 270.0, "NW": 315.0}
DAYLIGHT_FACTOR = 0.02  # share of the outdoor diffuse light reaching a desk near a window
INTERIOR_DAYLIGHT_FACTOR = 0.002  # light borrowed from neighbouring rooms by a zone without a window
BEAM_TRANSMISSION = 0.012  # sunlight through the glass and half-closed blinds onto the sensor


def solve_linear(decay: FloatArray, drive: FloatArray, start: float) -> FloatArray:
    """Solve x[k] = decay[k]·x[k−1] + drive[k] with x[−1] = start, vectorised and exact.

    x[k] = A[k]·(start + Σ_{j≤k} drive[j]/A[j]) with A the running product of `decay`; the product
    is restarted whenever it would underflow, so any decay in (0, 1] is safe.
    """
    n = len(decay)
    out = np.empty(n, dtype=np.float64)
    log_decay = np.log(np.clip(decay, 1e-250, 1.0))
    x = float(start)
    begin = 0
    while begin < n:
        log_a = np.cumsum(log_decay[begin:])
        # Keep A above e^-600 so that drive/A stays finite.
        end = begin + max(1, int(np.searchsorted(-log_a, 600.0, side="right")))
        a = np.exp(log_a[: end - begin])
        out[begin:end] = a * (x + np.cumsum(drive[begin:end] / a))
        x = float(out[end - 1])
        begin = end
    return out


def mass_balance(
    source: FloatArray, flow_m3s: FloatArray, volume_m3: float, outdoor: FloatArray, start: float
) -> FloatArray:
    """Concentration in a well-mixed room: dC/dt = S/V − (Q/V)(C − C_out), one exact step per minute.

    `source` is in concentration units · m³/s; inputs are taken as constant within each minute, for
    which the exponential step is exact however short the room's time constant V/Q.
    """
    decay = np.exp(-flow_m3s * STEP_S / volume_m3)
    steady = outdoor + source / flow_m3s
    return solve_linear(decay, (1.0 - decay) * steady, start)


def outdoor_air_m3s(design_lps: float, hvac_on: NDArray[np.bool_], volume_m3: float, night_share: float) -> FloatArray:
    """Outdoor air reaching the zone: the design rate while the fans run, a share of it otherwise."""
    infiltration = INFILTRATION_ACH * volume_m3 / 3600.0
    return np.where(hvac_on, design_lps, night_share * design_lps) / 1000.0 + infiltration


def co2_ppm(
    people: FloatArray, flow_m3s: FloatArray, volume_m3: float, outdoor_ppm: FloatArray, start_ppm: float
) -> FloatArray:
    """CO2 in ppm from the people in the room and the outdoor air supplied."""
    source = CO2_GENERATION_LPS / 1000.0 * people * 1e6  # m³/s of CO2 expressed as ppm·m³/s
    return mass_balance(source, flow_m3s, volume_m3, outdoor_ppm, start_ppm)


def vapour_gm3(
    people: FloatArray, flow_m3s: FloatArray, volume_m3: float, outdoor_gm3: FloatArray, start_gm3: float
) -> FloatArray:
    """Indoor water vapour density, g/m³: outdoor air plus what the occupants give off."""
    return mass_balance(MOISTURE_GPS * people, flow_m3s, volume_m3 * MOISTURE_BUFFER, outdoor_gm3, start_gm3)


def saturation_vapour_density(temp_c: FloatArray) -> FloatArray:
    """Water vapour density of saturated air at temp_c, g/m³ (Magnus formula over water)."""
    pressure_hpa = 6.112 * np.exp(17.62 * temp_c / (243.12 + temp_c))
    return np.asarray(216.7 * pressure_hpa / (273.15 + temp_c), dtype=np.float64)


def relative_humidity(vapour: FloatArray, temp_c: FloatArray) -> FloatArray:
    """Relative humidity in % of air with this vapour density at this temperature."""
    return np.clip(100.0 * vapour / saturation_vapour_density(temp_c), 0.0, 100.0)


def first_order(target: FloatArray, tau_min: float, start: float) -> FloatArray:
    """A first-order lag following `target` with time constant tau_min (exact per-minute step)."""
    decay = np.full(len(target), np.exp(-1.0 / tau_min))
    return solve_linear(decay, (1.0 - decay) * target, start)


def indoor_temperature(
    outdoor_c: FloatArray,
    setpoint_c: FloatArray,
    people: FloatArray,
    per_person_c: float,
    solar_c: FloatArray,
    drift_c: FloatArray,
    start_c: float,
) -> FloatArray:
    """Air temperature: heating holds the setpoint unless the weather runs warmer; people and sun add."""
    free_running = FREE_RUNNING_C + FREE_RUNNING_SLOPE * (outdoor_c - 12.0)
    building = first_order(np.maximum(setpoint_c, free_running) + solar_c + drift_c, BUILDING_TAU_MIN, start_c)
    occupants = first_order(per_person_c * people, OCCUPANT_TAU_MIN, 0.0)
    return building + occupants


def energetic_sum(levels_db: FloatArray, axis: int = 0) -> FloatArray:
    """The level of several sources together: 10·log10 of the summed powers."""
    return np.asarray(10.0 * np.log10(np.sum(10.0 ** (levels_db / 10.0), axis=axis)), dtype=np.float64)


def sound_dba(
    present: FloatArray,
    talkers: FloatArray,
    background_db: FloatArray,
    speech_db: float,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """LAeq and LAFmax per minute: ventilation background, the voices, and everyone else's bustle."""
    n = len(present)
    voices = int(talkers.max(initial=0))
    # Each voice's minute level varies with the speaker, the distance and how much of the minute they talk.
    levels = rng.normal(speech_db, 2.5, (max(voices, 1), n))
    speaking = np.arange(max(voices, 1))[:, None] < talkers[None, :]
    speech = np.where(speaking, 10.0 ** (levels / 10.0), 0.0).sum(axis=0)
    bustle = np.maximum(present - talkers, 0.0) * 10.0 ** (40.0 / 10.0)  # typing, chairs, footsteps
    background = 10.0 ** ((background_db + rng.normal(0.0, 0.7, n)) / 10.0)
    laeq = 10.0 * np.log10(background + speech + bustle)
    # Speech peaks stand well above its average level; steady fan noise barely does.
    lafmax = laeq + 3.0 + 7.0 * (talkers > 0) + rng.exponential(2.0, n)
    return laeq, lafmax


def daylight_lux(elevation: FloatArray, azimuth: FloatArray, window: str | None, clearness: FloatArray) -> FloatArray:
    """Daylight at the sensor from the sun's position, the sky and the window's orientation."""
    elev_deg = np.degrees(elevation)
    sin_h = np.clip(np.sin(elevation), 0.0, 1.0)
    # Kasten–Young air mass; the clip keeps it finite at and below the horizon.
    air_mass = 1.0 / (sin_h + 0.50572 * np.clip(elev_deg + 6.07995, 0.01, None) ** -1.6364)
    direct_normal = 105_000.0 * np.exp(-0.2 * air_mass) * clearness**2 * (elevation > 0)
    # A grey sky is brighter than a blue one away from the sun; broken cloud is brightest of all.
    sky = 20_000.0 - 10_000.0 * clearness + 12_000.0 * clearness * (1.0 - clearness)
    diffuse = sin_h**0.8 * sky
    twilight = np.where(elevation <= 0, 400.0 * np.exp(0.8 * np.clip(elev_deg, -30.0, 0.0)), 0.0)
    if window is None:
        return INTERIOR_DAYLIGHT_FACTOR * (diffuse + twilight)
    facing = np.radians(WINDOW_AZIMUTH_DEG[window])
    incidence = np.clip(np.cos(elevation) * np.cos(azimuth - facing), 0.0, None)
    return DAYLIGHT_FACTOR * (diffuse + twilight) + BEAM_TRANSMISSION * direct_normal * incidence


def lights_on(present: NDArray[np.int64] | FloatArray, off_delay_min: int | None) -> NDArray[np.bool_]:
    """When the electric lights burn.

    With `off_delay_min` None, from the first arrival to the last departure of the day (a switch at
    the door); otherwise presence-controlled, going off that many minutes after the room empties.
    """
    occupied = present > 0
    if off_delay_min is None:
        on = np.zeros(len(present), dtype=bool)
        hits = np.flatnonzero(occupied)
        if hits.size:
            on[hits[0] : hits[-1] + 1] = True
        return on
    counts = np.concatenate(([0], np.cumsum(occupied)))
    lag = np.maximum(np.arange(1, len(present) + 1) - (off_delay_min + 1), 0)
    return np.asarray(counts[1:] - counts[lag] > 0)
