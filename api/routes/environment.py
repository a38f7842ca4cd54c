"""Zones, quantities, latest values and reading series: the facilities view of the environment."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, status

from api.deps import EnvironmentReader, ServicesDep
from api.schemas import (
    BandPublic,
    LatestValuePublic,
    PointPublic,
    QuantityPublic,
    ReadingsPublic,
    SitePublic,
    WindowPublic,
    WorkingHoursPublic,
    ZoneLatestPublic,
    ZonePublic,
)
from gateway.stores.port import LatestValue
from models.readings import occupied_mask, window_stats
from sensors.quantities import QUANTITIES
from sensors.site import Site

router = APIRouter(tags=["environment"])

_WINDOW = re.compile(r"^(\d+)\s*(s|m|min|h|d)$")
_UNIT_S = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
MAX_RAW_SPAN = timedelta(days=7)


def parse_window(text: str) -> timedelta:
    """Parse an aggregation window such as `30s`, `5m`, `1h` or `1d`."""
    match = _WINDOW.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"window {text!r}: use e.g. 30s, 5m, 1h or 1d")
    return timedelta(seconds=int(match.group(1)) * _UNIT_S[match.group(2)])


def _bound(x: float) -> float | None:
    return x if math.isfinite(x) else None


@router.get("/quantities")
def quantities(_: EnvironmentReader) -> list[QuantityPublic]:
    """The quantity table: units, plausible ranges, comfort bands and their sources."""
    return [
        QuantityPublic(
            key=q.key,
            label=q.label,
            unit=q.unit,
            minimum=q.minimum,
            maximum=q.maximum,
            reference=q.reference,
            optional=q.optional,
            decimals=q.decimals,
            bands=[
                BandPublic(band=b.band.value, low=_bound(b.low), high=_bound(b.high), months=sorted(b.months))
                for b in q.bands
            ],
        )
        for q in QUANTITIES.values()
    ]


@router.get("/site")
def site(services: ServicesDep, _: EnvironmentReader) -> SitePublic:
    """The site's name, time zone and working hours."""
    info = services.site.site
    hours = info.working_hours
    return SitePublic(
        id=info.id,
        name=info.name or info.id,
        timezone=info.timezone,
        working_hours=WorkingHoursPublic(
            start=hours.start.strftime("%H:%M"), end=hours.end.strftime("%H:%M"), days=list(hours.days)
        ),
    )


@router.get("/zones")
def zones(services: ServicesDep, _: EnvironmentReader) -> list[ZonePublic]:
    """The site's zones with their teams and devices."""
    site = services.site
    return [
        ZonePublic(
            id=z.id,
            name=z.name or z.id,
            kind=z.kind,
            teams=list(z.teams),
            devices=[d.id for d in site.devices_in(z.id)],
        )
        for z in site.zones
    ]


def _latest_by_zone(site: Site, latest: list[LatestValue]) -> dict[str, ZoneLatestPublic]:
    out = {z.id: ZoneLatestPublic(zone=z.id, name=z.name or z.id, values={}) for z in site.zones}
    for lv in latest:
        if lv.zone not in out or lv.quantity not in QUANTITIES:
            continue
        quantity = QUANTITIES[lv.quantity]
        local = lv.ts.astimezone(site.site.tz)
        band = quantity.band(lv.value, local.month)
        out[lv.zone].values[lv.quantity] = LatestValuePublic(
            value=lv.value, unit=quantity.unit, ts=lv.ts, device=lv.device, band=band.value if band else None
        )
    return out


@router.get("/latest")
def latest_all(services: ServicesDep, _: EnvironmentReader) -> list[ZoneLatestPublic]:
    """Every zone's newest values, coloured by band."""
    return list(_latest_by_zone(services.site, services.store.latest(services.site.id)).values())


@router.get("/zones/{zone_id}/latest")
def latest_zone(zone_id: str, services: ServicesDep, _: EnvironmentReader) -> ZoneLatestPublic:
    """One zone's newest values, coloured by band."""
    if services.site.zone(zone_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No zone {zone_id!r} in site {services.site.id!r}")
    return _latest_by_zone(services.site, services.store.latest(services.site.id))[zone_id]


@router.get("/readings")
def readings(
    services: ServicesDep,
    _: EnvironmentReader,
    quantity: Annotated[str, Query(description="quantity key, e.g. co2_ppm")],
    zone: Annotated[list[str] | None, Query(description="zone id; repeat for several; default all")] = None,
    start: Annotated[datetime | None, Query(description="RFC 3339; default: 24 hours before stop")] = None,
    stop: Annotated[datetime | None, Query(description="RFC 3339, exclusive; default: now")] = None,
    window: Annotated[str | None, Query(description="aggregation window, e.g. 5m, 1h, 1d")] = None,
    occupied: Annotated[bool, Query(description="only readings inside the site's working hours")] = False,
    percentile: Annotated[
        list[float] | None, Query(description="with a window: percentiles to add, e.g. 50 and 95")
    ] = None,
) -> ReadingsPublic:
    """Readings of one quantity: raw points, or mean/min/max/count (and percentiles) per window.

    With `occupied=true` only readings in the site's working hours count, as the comfort standards ask.
    """
    if quantity not in QUANTITIES:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"unknown quantity {quantity!r}; known: {', '.join(QUANTITIES)}"
        )
    for z in zone or []:
        if services.site.zone(z) is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"No zone {z!r} in site {services.site.id!r}")
    stop = _aware(stop, "stop") if stop else datetime.now(UTC)
    start = _aware(start, "start") if start else stop - timedelta(hours=24)
    if stop < start:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "stop is before start")
    unit = QUANTITIES[quantity].unit
    site = services.site.id
    if window is None:
        if percentile:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "percentiles need a window such as 1h")
        if stop - start > MAX_RAW_SPAN:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, "raw readings are limited to 7 days; add a window such as 1h"
            )
        frame = services.store.series(site, quantity, start, stop, zone)
        if occupied:
            frame = frame[_occupied(services.site, frame["ts"])]
        points = [PointPublic.model_validate(row) for row in frame.to_dict("records")]
        return ReadingsPublic(quantity=quantity, unit=unit, start=start, stop=stop, window_s=None, points=points)
    width = parse_window(window)
    if any(not 0 < p < 100 for p in percentile or ()):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "percentiles lie between 0 and 100, e.g. 95")
    if occupied or percentile:
        # The stores aggregate plain windows themselves; filtering and percentiles need the raw series.
        raw = services.store.series(site, quantity, start, stop, zone)
        if occupied:
            raw = raw[_occupied(services.site, raw["ts"])]
        frame = window_stats(raw, width, percentile or ())
        names = [c for c in frame.columns if c.startswith("p")]
        windows = [
            WindowPublic.model_validate({**row, "percentiles": {n: row[n] for n in names} or None})
            for row in frame.to_dict("records")
        ]
    else:
        frame = services.store.windows(site, quantity, start, stop, width, zone)
        windows = [WindowPublic.model_validate(row) for row in frame.to_dict("records")]
    return ReadingsPublic(
        quantity=quantity, unit=unit, start=start, stop=stop, window_s=width.total_seconds(), windows=windows
    )


def _occupied(site: Site, ts: pd.Series) -> pd.Series:
    hours = site.site.working_hours
    return occupied_mask(ts, site.site.tz, hours.start, hours.end, hours.days)


def _aware(ts: datetime, name: str) -> datetime:
    if ts.tzinfo is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"{name} needs a UTC offset, e.g. 2026-11-24T08:00:00Z"
        )
    return ts
