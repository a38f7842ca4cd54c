"""The office simulator's random streams: per (zone, local day), per day for the weather, per device, per zone's AHU.

Every stream is derived from the seed and its coordinates alone, never from what was computed before,
so any day can be simulated on its own (live mode) and the same seed always gives the same output.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from synthetic.streams import check_seed

# Stream tags sit far above any plausible zone index so that they never collide with a zone's stream.
WEATHER_STREAM = 2**32 - 1
DEVICE_STREAM = 2**32 - 2
FILTER_STREAM = 2**32 - 3


@dataclass(frozen=True)
class ZoneDayStreams:
    """The independent generators of one zone on one local day."""

    occupancy: np.random.Generator
    physics: np.random.Generator
    anchors: np.random.Generator
    sensors: tuple[np.random.Generator, ...]


def zone_day_streams(seed: int, zone_index: int, day: date, devices: int) -> ZoneDayStreams:
    """The generators of a zone-day, with one sensor stream for each of the zone's `devices`."""
    root = np.random.SeedSequence([seed, zone_index, day.toordinal()])
    # Child i of a SeedSequence depends only on i, so adding a device does not change the others.
    children = root.spawn(3 + devices)
    occupancy, physics, anchors, *sensors = (np.random.default_rng(c) for c in children)
    return ZoneDayStreams(occupancy, physics, anchors, tuple(sensors))


def zone_day_anchor(seed: int, zone_index: int, day: date) -> np.random.Generator:
    """Only the anchor stream of a zone-day: values interpolated between neighbouring days."""
    root = np.random.SeedSequence([seed, zone_index, day.toordinal()])
    return np.random.default_rng(root.spawn(3)[2])


def weather_stream(seed: int, day: date) -> np.random.Generator:
    """The site-wide weather of one date, shared by every zone."""
    return np.random.default_rng(np.random.SeedSequence([seed, WEATHER_STREAM, day.toordinal()]))


def device_stream(seed: int, device_index: int) -> np.random.Generator:
    """The lifelong constants of one device (its calibration offsets)."""
    return np.random.default_rng(np.random.SeedSequence([seed, DEVICE_STREAM, device_index]))


def filter_stream(seed: int, zone_index: int) -> np.random.Generator:
    """The lifelong constants of one zone's air-handling unit (when its filters are changed)."""
    return np.random.default_rng(np.random.SeedSequence([seed, FILTER_STREAM, zone_index]))


__all__ = [
    "check_seed",
    "device_stream",
    "filter_stream",
    "weather_stream",
    "zone_day_anchor",
    "zone_day_streams",
]
