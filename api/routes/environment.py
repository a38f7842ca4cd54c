"""Zones, quantities, latest values and reading series: the facilities view of the environment."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, status

from api import bounds
from api.bands import band_ranges, band_rows, bands_of, in_force, limits_in_force
from api.deps import Authorized, NowDep, Services, ServicesDep, SiteDep, TodayDep, occupied_hours
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
from models.readings import percentile_name, window_stats
from sensors.quantities import QUANTITIES, Quantity
from sensors.site import Site

router = APIRouter(tags=["environment"])

# At most 12 digits: more could not be a window of the allowed sizes (and would only cost time to parse).
_WINDOW = re.compile(r"^(\d{1,12})\s*(s|m|min|h|d)$")
_UNIT_S = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_window(text: str) -> timedelta:
    """Parse an aggregation window such as `30s`, `5m`, `1h` or `1d` (1 s to 366 days)."""
    match = _WINDOW.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise bounds.refuse(f"window {text[:40]!r}: use e.g. 30s, 5m, 1h or 1d")
    seconds = int(match.group(1)) * _UNIT_S[match.group(2)]
    return bounds.check_window(timedelta(seconds=min(seconds, 10**10)), text.strip())


@router.get("/quantities")
def quantities(site: SiteDep, now: NowDep, _: Authorized) -> list[QuantityPublic]:
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
def site(site: SiteDep, today: TodayDep, _: Authorized) -> SitePublic:
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
def zones(site: SiteDep, _: Authorized) -> list[ZonePublic]:
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
    hours = occupied_hours(site)
    for lv in latest:
        if lv.zone not in out or lv.quantity not in QUANTITIES:
            continue
        inside = hours.contains(lv.ts)
        quantity = QUANTITIES[lv.quantity]
        band = quantity.band(lv.value, lv.ts.astimezone(site.site.tz).month)
        out[lv.zone].values[lv.quantity] = LatestValuePublic(
            value=lv.value, unit=quantity.unit, ts=lv.ts, device=lv.device, band=band, occupied=inside
        )
    return out


@router.get("/latest")
def latest_all(services: ServicesDep, _: Authorized) -> list[ZoneLatestPublic]:
    """Every zone's newest values, coloured by band."""
    return list(_latest_by_zone(services.site, services.store.latest(services.site.id)).values())


@router.get("/zones/{zone_id}/latest", responses={404: {"description": "the site has no such zone"}})
def latest_zone(zone_id: str, services: ServicesDep, _: Authorized) -> ZoneLatestPublic:
    """One zone's newest values, coloured by band."""
    if services.site.zone(zone_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No zone {zone_id!r} in site {services.site.id!r}")
    return _latest_by_zone(services.site, services.store.latest(services.site.id))[zone_id]


@router.get("/readings", responses={404: {"description": "the site has no such zone"}})
def readings(
    services: ServicesDep,
    now: NowDep,
    _: Authorized,
    quantity: Annotated[str, Query(description="quantity key, e.g. co2_ppm")],
    zone: Annotated[list[str] | None, Query(description="zone id; repeat for several; default all")] = None,
    start: Annotated[datetime | None, Query(description="RFC 3339; default: 24 hours before stop")] = None,
    stop: Annotated[datetime | None, Query(description="RFC 3339, exclusive; default: now")] = None,
    window: Annotated[str | None, Query(description="aggregation window, 1 s to 366 days, e.g. 5m, 1h, 1d")] = None,
    occupied: Annotated[
        bool, Query(description="only readings in the site's occupied hours (working hours, public holidays closed)")
    ] = False,
    percentile: Annotated[
        list[float] | None,
        Query(description="with a window: percentiles to add, on the 0–100 scale (exclusive), e.g. 0.5, 50, 95, 99.9"),
    ] = None,
) -> ReadingsPublic:
    """Readings of one quantity: raw points, or mean/min/max/count (and percentiles) per window, each with its band.

    With `occupied=true` only readings in the site's working hours count, as the comfort standards ask.
    The bands in force in the site-local month of `stop` come along, for drawing thresholds.
    Every answer is bounded (`api/bounds.py`): at most 7 days and 50 000 raw points, 20 000 windows,
    200 000 readings aggregated in the server; beyond that a 422 says which limit and what to ask instead.
    """
    q = _quantity(quantity)
    site = services.site
    for z in zone or []:
        if site.zone(z) is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"No zone {z[:80]!r} in site {site.id!r}")
    # The site's zones, named: the answer is bounded by them, and the stores find them by index.
    zones = list(dict.fromkeys(zone)) if zone else [z.id for z in site.zones]
    stop = bounds.instant(stop, "stop") if stop else now
    start = bounds.instant(start, "start") if start else max(stop - timedelta(hours=24), bounds.EARLIEST)
    if stop < start:
        raise bounds.refuse("stop is before start")
    tz = site.site.tz
    hours = occupied_hours(site)
    month = stop.astimezone(tz).month
    drawn = {"limits": limits_in_force(q, month), "band_ranges": band_ranges(q, month)}
    about = {"quantity": quantity, "unit": q.unit, "start": start, "stop": stop, **drawn}
    if window is None:
        if percentile:
            raise bounds.refuse("percentiles need a window such as 1h")
        bounds.check_raw(start, stop)
        bounds.check_points(_count(services, quantity, start, stop, zones))
        frame = _series(services, quantity, start, stop, zones, occupied)
        frame = frame.assign(band=bands_of(q, frame["value"], frame["ts"], tz), occupied=hours.at(frame["ts"]))
        points = rows_of(PointPublic, frame)
        return ReadingsPublic.model_validate({**about, "window_s": None, "points": points})
    width = parse_window(window)
    bounds.check_windows(start, stop, width, len(zones))
    names = _percentile_names(percentile or [])
    if occupied or names:
        # The stores aggregate plain windows themselves; filtering and percentiles need the raw series.
        bounds.check_read(_count(services, quantity, start, stop, zones))
        frame = window_stats(_series(services, quantity, start, stop, zones, occupied), width, percentile or ())
    else:
        frame = services.store.windows(site.id, quantity, start, stop, width, zones)
    frame = frame.assign(
        band=bands_of(q, frame["mean"], frame["ts"], tz),
        occupied=hours.overlapping(frame["ts"], width),
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
    bounds.check_percentiles(len(percentiles))
    try:
        return list(dict.fromkeys(percentile_name(p) for p in percentiles))
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc


def _count(services: Services, quantity: str, start: datetime, stop: datetime, zones: list[str]) -> int:
    """How many readings of a quantity the store holds in [start, stop) for the zones: counted by the store."""
    if stop <= start:
        return 0
    counted = services.store.windows(services.site.id, quantity, start, stop, stop - start, zones)
    return int(counted["count"].sum())


def _series(
    services: Services, quantity: str, start: datetime, stop: datetime, zones: list[str], occupied: bool
) -> pd.DataFrame:
    """The raw series (ts, zone, device, value), only working hours when `occupied`."""
    frame = services.store.series(services.site.id, quantity, start, stop, zones)
    if not occupied:
        return frame
    return frame[occupied_hours(services.site).at(frame["ts"])]
