"""What the gateway rejected, and why."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Query

from api import bounds
from api.deps import GatewayOperator, NowDep, ServicesDep
from api.frames import rows_of
from api.schemas import DeadLetterPublic, DeadLettersPublic, SensorHealthPublic
from models.sensor_health import sensor_health
from sensors.quantities import QUANTITIES

router = APIRouter(tags=["gateway"])


@router.get("/sensors/health")
def sensors_health(services: ServicesDep, now: NowDep, _: GatewayOperator) -> list[SensorHealthPublic]:
    """Every device of the site: stale, flat-lined, CO2 calibration drift, low battery."""
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
    co2_week = services.store.series(site.id, "co2_ppm", now - timedelta(days=7), now)
    recent = pd.concat(
        [services.store.series(site.id, q, now - timedelta(hours=2), now).assign(quantity=q) for q in QUANTITIES],
        ignore_index=True,
    )
    return rows_of(SensorHealthPublic, sensor_health(devices, status, co2_week, recent, now))


@router.get("/dead-letters")
def dead_letters(
    services: ServicesDep,
    _: GatewayOperator,
    limit: Annotated[int, Query(ge=1, le=bounds.MAX_PAGE, description="dead letters per page")] = 100,
    offset: Annotated[int, Query(ge=0, description="how many of the newest to skip")] = 0,
) -> DeadLettersPublic:
    """Rejected messages, newest first, with the reason and the payload as received."""
    log = services.dead_letters
    total = log.count()
    if offset >= total:  # past the last page: an empty page, without asking the log (whose offsets are 64-bit)
        return DeadLettersPublic(total=total, items=[])
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
    return DeadLettersPublic(total=total, items=items)
