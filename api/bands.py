"""Comfort bands as the pages show them, asked of the quantity table (`sensors/quantities.py`) by site-local month.

The pages draw what these return and compute no band themselves.
"""

from __future__ import annotations

import itertools
import math
from zoneinfo import ZoneInfo

import pandas as pd

from api.schemas import BandPublic, BandRangePublic
from sensors.quantities import Band, BandLimits, Quantity


def _bound(x: float) -> float | None:
    return x if math.isfinite(x) else None


def band_rows(limits: tuple[BandLimits, ...] | list[BandLimits]) -> list[BandPublic]:
    """Band rows of the table as the API shows them (infinite limits as null)."""
    return [BandPublic(band=b.band, low=_bound(b.low), high=_bound(b.high), months=sorted(b.months)) for b in limits]


def in_force(quantity: Quantity, month: int) -> list[BandLimits]:
    """The band rows that apply in a month (1–12)."""
    # Ask the row itself with a value inside its interval, so the month rule stays the table's.
    return [b for b in quantity.bands if b.contains(_inside(b), month)]


def limits_in_force(quantity: Quantity, month: int) -> list[float]:
    """The finite band limits that apply in a month, ascending: where a chart draws its threshold lines."""
    return sorted({x for b in in_force(quantity, month) for x in (b.low, b.high) if math.isfinite(x)})


def band_ranges(quantity: Quantity, month: int) -> list[BandRangePublic]:
    """The value axis cut at the limits in force, each piece with the band its values get; empty without bands."""
    if not quantity.bands:
        return []
    cuts = limits_in_force(quantity, month)
    edges = [-math.inf, *cuts, math.inf]
    out = []
    for low, high in itertools.pairwise(edges):
        band = quantity.band(_probe(low, high), month)
        if band is not None:  # always so: the quantity has bands
            out.append(BandRangePublic(band=band, low=_bound(low), high=_bound(high)))
    return out


def bands_of(quantity: Quantity, values: pd.Series, ts: pd.Series, tz: ZoneInfo) -> pd.Series:
    """The band of each value in the site-local month of its instant (None where the quantity has no bands)."""
    if values.empty:
        return pd.Series([], index=values.index, dtype=object)
    months = ts.dt.tz_convert(tz).dt.month
    seen: dict[tuple[float, int], Band | None] = {}
    out = []
    for value, month in zip(values.tolist(), months.tolist(), strict=True):
        key = (value, month)
        if key not in seen:
            seen[key] = quantity.band(value, month)
        out.append(seen[key])
    return pd.Series(out, index=values.index, dtype=object)


def _inside(limits: BandLimits) -> float:
    """A value inside the row's interval [low, high]."""
    if math.isfinite(limits.low):
        return limits.low
    return limits.high if math.isfinite(limits.high) else 0.0


def _probe(low: float, high: float) -> float:
    """A value strictly inside (low, high); beyond the outermost limits any value will do."""
    if math.isfinite(low) and math.isfinite(high):
        return (low + high) / 2
    if math.isfinite(high):
        return high - 1
    return low + 1 if math.isfinite(low) else 0.0
