"""What the gateway rejected, and why."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Query

from api import bounds
from api.cache import Refreshed
from api.deps import Authorized, NowDep, Services, ServicesDep
from api.frames import rows_of
from api.schemas import DeadLetterPublic, DeadLettersPublic, SensorHealthPublic
from models.sensor_health import co2_drift, device_health, flat_lines, unregistered_health
from sensors.quantities import QUANTITIES

router = APIRouter(tags=["gateway"])


# Sensor health reads a week of CO2 and two hours of every quantity; both change slowly, so they are kept
# (and refreshed behind the requests) while the status from the gateway is read fresh every time.
DRIFT_TTL, DRIFT_STALE = timedelta(minutes=10), timedelta(hours=1)
FLAT_TTL, FLAT_STALE = timedelta(minutes=1), timedelta(minutes=10)


@router.get("/sensors/health")
def sensors_health(services: ServicesDep, now: NowDep, _: Authorized) -> list[SensorHealthPublic]:
    """Every device of the site: stale, flat-lined, CO2 calibration drift, low battery; then unregistered ones.

    Devices heard from that the site file does not list follow with the status "unregistered" (the gateway
    keeps the most recent 100 of them): their readings were dead letters.

    Staleness, message rates and batteries are as of this request; CO2 drift (over 7 days) may be up to
    10 minutes old and flat lines (over 2 hours) a minute, kept between requests (api/cache.py).
    """
    site = services.site
    devices = pd.DataFrame(
        [(d.id, d.zone, d.format, d.interval_s) for d in site.devices],
        columns=["device", "zone", "format", "interval_s"],
    )
    known = services.device_status.all() if services.device_status else []
    status = pd.DataFrame(
        [(s.device, s.format, s.first_seen, s.last_seen, s.messages, s.battery_pct) for s in known],
        columns=["device", "format", "first_seen", "last_seen", "messages", "battery_pct"],
    ).astype({"first_seen": object, "last_seen": object})
    drift, flat = (part.get(now) for part in health_parts(services))
    listed = device_health(devices, status, drift, flat, now)
    strangers = services.device_status.unregistered() if services.device_status else []
    if not strangers:
        return rows_of(SensorHealthPublic, listed)
    unlisted = pd.DataFrame(
        [(s.device, s.zone, s.format, s.last_seen, s.messages) for s in strangers],
        columns=["device", "zone", "format", "last_seen", "messages"],
    )
    return rows_of(SensorHealthPublic, pd.concat([listed, unregistered_health(unlisted, now)], ignore_index=True))


def health_parts(services: Services) -> tuple[Refreshed[pd.DataFrame], Refreshed[pd.DataFrame]]:
    """Sensor health's slow parts, kept between requests: CO2 drift per device, flat lines per device."""
    caches = services.caches
    return (
        caches.refreshed("co2-drift", lambda at: _drift(services, at), DRIFT_TTL, DRIFT_STALE),
        caches.refreshed("flat-lines", lambda at: _flat(services, at), FLAT_TTL, FLAT_STALE),
    )


def _zones(services: Services) -> list[str]:
    # Named, the site's zones let the store find the rows by its index instead of scanning the site's.
    return [z.id for z in services.site.zones]


def _drift(services: Services, now: datetime) -> pd.DataFrame:
    """CO2 calibration drift per device from the last 7 days of raw CO2."""
    site = services.site
    return co2_drift(services.store.series(site.id, "co2_ppm", now - timedelta(days=7), now, _zones(services)))


def _flat(services: Services, now: datetime) -> pd.DataFrame:
    """Flat-lined quantities per device from the last 2 hours of every quantity."""
    site, zones = services.site, _zones(services)
    recent = [
        services.store.series(site.id, q, now - timedelta(hours=2), now, zones).assign(quantity=q) for q in QUANTITIES
    ]
    return flat_lines(pd.concat(recent, ignore_index=True))


@router.get("/dead-letters")
def dead_letters(
    services: ServicesDep,
    _: Authorized,
    limit: Annotated[int, Query(ge=1, le=bounds.MAX_PAGE, description="dead letters per page")] = 100,
    offset: Annotated[int, Query(ge=0, description="how many of the newest to skip")] = 0,
) -> DeadLettersPublic:
    """Rejected messages, newest first, with the reason and the payload as received."""
    log = services.dead_letters
    total = log.count()
    if offset >= total:  # past the last page: an empty page, without asking the log (whose offsets are 64-bit)
        return DeadLettersPublic(total=total, limit=limit, offset=offset, items=[])
    items = [
        DeadLetterPublic(
            id=s.id,
            received_at=s.letter.received_at,
            topic=s.letter.topic,
            reason=s.letter.reason,
            partial=s.letter.partial,
            payload=s.letter.payload_text(),
            payload_size=s.letter.payload_size,
        )
        for s in log.recent(limit, offset)
    ]
    return DeadLettersPublic(total=total, limit=limit, offset=offset, items=items)
