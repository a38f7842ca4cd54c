"""Zones, quantities, latest values and reading series: the facilities view of the environment."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, status

from api.bands import band_ranges, band_rows, bands_of, in_force, limits_in_force
from api.deps import EnvironmentReader, NowDep, Services, ServicesDep, SiteDep, TodayDep
from api.frames import rows_of
from api.schemas import (
    IsoWeekPublic,
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
from models.readings import occupied_mask, percentile_name, window_stats
from sensors.quantities import QUANTITIES, Quantity
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


@router.get("/quantities")
def quantities(site: SiteDep, now: NowDep, _: EnvironmentReader) -> list[QuantityPublic]:
    """The quantity table: units, plausible ranges, comfort bands (all, and those in force now) and sources."""
    month = now.astimezone(site.site.tz).month
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
            bands=band_rows(q.bands),
            current_bands=band_rows(in_force(q, month)),
        )
        for q in QUANTITIES.values()
    ]


@router.get("/site")
def site(site: SiteDep, today: TodayDep, _: EnvironmentReader) -> SitePublic:
    """The site's name, time zone and working hours, and its local date and ISO week today."""
    info = site.site
    hours = info.working_hours
    return SitePublic(
        id=info.id,
        name=info.name or info.id,
        timezone=info.timezone,
        working_hours=WorkingHoursPublic(
            start=hours.start.strftime("%H:%M"), end=hours.end.strftime("%H:%M"), days=list(hours.days)
        ),
        today=today,
        current_week=IsoWeekPublic.containing(today),
    )


@router.get("/zones")
def zones(site: SiteDep, _: EnvironmentReader) -> list[ZonePublic]:
    """The site's zones with their teams and devices."""
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
        band = quantity.band(lv.value, lv.ts.astimezone(site.site.tz).month)
        out[lv.zone].values[lv.quantity] = LatestValuePublic(
            value=lv.value, unit=quantity.unit, ts=lv.ts, device=lv.device, band=band
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
    now: NowDep,
    _: EnvironmentReader,
    quantity: Annotated[str, Query(description="quantity key, e.g. co2_ppm")],
    zone: Annotated[list[str] | None, Query(description="zone id; repeat for several; default all")] = None,
    start: Annotated[datetime | None, Query(description="RFC 3339; default: 24 hours before stop")] = None,
    stop: Annotated[datetime | None, Query(description="RFC 3339, exclusive; default: now")] = None,
    window: Annotated[str | None, Query(description="aggregation window, e.g. 5m, 1h, 1d")] = None,
    occupied: Annotated[bool, Query(description="only readings inside the site's working hours")] = False,
    percentile: Annotated[
        list[float] | None,
        Query(description="with a window: percentiles to add, on the 0–100 scale (exclusive), e.g. 0.5, 50, 95, 99.9"),
    ] = None,
) -> ReadingsPublic:
    """Readings of one quantity: raw points, or mean/min/max/count (and percentiles) per window, each with its band.

    With `occupied=true` only readings in the site's working hours count, as the comfort standards ask.
    The bands in force in the site-local month of `stop` come along, for drawing thresholds.
    """
    q = _quantity(quantity)
    for z in zone or []:
        if services.site.zone(z) is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"No zone {z!r} in site {services.site.id!r}")
    stop = _aware(stop, "stop") if stop else now
    start = _aware(start, "start") if start else stop - timedelta(hours=24)
    if stop < start:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "stop is before start")
    tz = services.site.site.tz
    month = stop.astimezone(tz).month
    drawn = {"limits": limits_in_force(q, month), "band_ranges": band_ranges(q, month)}
    about = {"quantity": quantity, "unit": q.unit, "start": start, "stop": stop, **drawn}
    if window is None:
        if percentile:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "percentiles need a window such as 1h")
        if stop - start > MAX_RAW_SPAN:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, "raw readings are limited to 7 days; add a window such as 1h"
            )
        frame = _series(services, quantity, start, stop, zone, occupied)
        points = rows_of(PointPublic, frame.assign(band=bands_of(q, frame["value"], frame["ts"], tz)))
        return ReadingsPublic.model_validate({**about, "window_s": None, "points": points})
    width = parse_window(window)
    names = _percentile_names(percentile or [])
    if occupied or names:
        # The stores aggregate plain windows themselves; filtering and percentiles need the raw series.
        frame = window_stats(_series(services, quantity, start, stop, zone, occupied), width, percentile or ())
    else:
        frame = services.store.windows(services.site.id, quantity, start, stop, width, zone)
    frame = frame.assign(
        band=bands_of(q, frame["mean"], frame["ts"], tz),
        percentiles=pd.Series(frame[names].to_dict("records") if names else None, index=frame.index, dtype=object),
    )
    windows = rows_of(WindowPublic, frame)
    return ReadingsPublic.model_validate({**about, "window_s": width.total_seconds(), "windows": windows})


def _quantity(key: str) -> Quantity:
    if key not in QUANTITIES:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"unknown quantity {key!r}; known: {', '.join(QUANTITIES)}"
        )
    return QUANTITIES[key]


def _percentile_names(percentiles: list[float]) -> list[str]:
    try:
        return list(dict.fromkeys(percentile_name(p) for p in percentiles))
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc


def _series(
    services: Services, quantity: str, start: datetime, stop: datetime, zone: list[str] | None, occupied: bool
) -> pd.DataFrame:
    """The raw series (ts, zone, device, value), only working hours when `occupied`."""
    frame = services.store.series(services.site.id, quantity, start, stop, zone)
    if not occupied:
        return frame
    hours = services.site.site.working_hours
    return frame[occupied_mask(frame["ts"], services.site.site.tz, hours.start, hours.end, hours.days)]


def _aware(ts: datetime, name: str) -> datetime:
    if ts.tzinfo is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"{name} needs a UTC offset, e.g. 2026-11-24T08:00:00Z"
        )
    return ts
