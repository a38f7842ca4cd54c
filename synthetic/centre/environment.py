"""Each answer group's monthly indoor environment over occupied hours, sampled from the office simulator."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from models.holidays import opening_days
from sensors.site import Site
from synthetic.office import FilterLoading, OfficeSimulator, ZoneChange
from synthetic.office.simulator import DEFAULT_FILTERS
from synthetic.streams import stream

ENVIRONMENT_COLUMNS = ["zone", "month", "co2_ppm", "temperature_c", "sound_dba", "sampled_days", "occupied_minutes"]


def month_starts(start: date, end: date) -> list[date]:
    """The first day of every month that overlaps [start, end]."""
    months = []
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def sample_days(site: Site, month: date, seed: int, days: int) -> list[date]:
    """`days` open days of the month, chosen by the seed and the month alone (not by the period)."""
    last = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
    candidates = opening_days(month, last, site.site.working_hours.days)
    if not candidates or days <= 0:
        return []
    rng = stream(seed, "environment", month.year, month.month)
    picked = rng.choice(len(candidates), size=min(days, len(candidates)), replace=False)
    return sorted(candidates[i] for i in picked.tolist())


def zone_environment(
    site: Site,
    start: date,
    end: date,
    seed: int = 0,
    days_per_month: int = 2,
    *,
    changes: Iterable[ZoneChange] = (),
    filters: FilterLoading | None = DEFAULT_FILTERS,
) -> pd.DataFrame:
    """Mean occupied-hours CO2 (ppm), temperature (°C) and LAeq (dB(A)) per team zone and month.

    The simulator runs with the same seed, filter loading and planted `changes` (so readings
    backfilled with them show the same rooms) and without its drifting CO2 sensor: people breathe
    the real air, not a faulty reading. Sound is averaged energetically, as an LAeq over the occupied
    minutes. Zones without a device get NaN, which PlantedEffects reads as "no effect".
    """
    sim = OfficeSimulator(site, seed=seed, drifting_device=None, filters=filters, changes=changes)
    zones = [z for z in site.zones if z.teams]
    sums: dict[tuple[str, date], list[float]] = {}
    days_seen: dict[date, int] = {}
    for month in month_starts(start, end):
        days = sample_days(site, month, seed, days_per_month)
        days_seen[month] = len(days)
        for day in days:
            frames = sim.day(day)
            for zone in zones:
                devices = [frames[d.id] for d in site.devices_in(zone.id) if d.id in frames]
                if not devices:
                    continue
                occupied = sim.occupancy(zone.id, day).to_numpy() > 0
                # Several devices in one zone: average them minute by minute.
                stacked = np.stack([f[["co2_ppm", "temperature_c", "sound_dba"]].to_numpy() for f in devices])
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # minutes where every device dropped out
                    values = np.nanmean(stacked, axis=0)[occupied]
                values = values[~np.isnan(values).any(axis=1)]  # dropouts
                acc = sums.setdefault((zone.id, month), [0.0, 0.0, 0.0, 0.0])
                acc[0] += float(values[:, 0].sum())
                acc[1] += float(values[:, 1].sum())
                acc[2] += float((10.0 ** (values[:, 2] / 10.0)).sum())
                acc[3] += float(len(values))
    rows = []
    for month, sampled in days_seen.items():
        for zone in zones:
            co2, temp, power, minutes = sums.get((zone.id, month), [0.0, 0.0, 0.0, 0.0])
            have = minutes > 0
            rows.append(
                {
                    "zone": zone.id,
                    "month": pd.Timestamp(month),
                    "co2_ppm": co2 / minutes if have else math.nan,
                    "temperature_c": temp / minutes if have else math.nan,
                    "sound_dba": 10.0 * math.log10(power / minutes) if have else math.nan,
                    "sampled_days": sampled,
                    "occupied_minutes": int(minutes),
                }
            )
    return pd.DataFrame(rows, columns=ENVIRONMENT_COLUMNS)
