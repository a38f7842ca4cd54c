"""The site's devices: zone, format and interval from the site file, last seen from the gateway's status."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import NowDep, PrincipalDep, ServicesDep
from api.schemas_devices import DevicePublic, DeviceState
from models.sensor_health import HealthRules

router = APIRouter(tags=["gateway"])


@router.get("/devices")
def devices(services: ServicesDep, now: NowDep, principal: PrincipalDep) -> list[DevicePublic]:
    """Every device of the site file, in its order: zone, format (decoder), interval, and when it was last heard.

    A device is stale after three reporting intervals without a message (as sensor health counts it);
    /sensors/health adds flat lines, CO2 drift and message rates.
    """
    site, log = services.site, services.device_status
    seen = {(s.format, s.device): s for s in log.all()} if log is not None else {}
    missed = HealthRules().missed_intervals
    rows = []
    for device in site.devices:
        heard = seen.get((device.format, device.id))
        zone = site.zone(device.zone)
        state: DeviceState
        if log is None:
            state = "unknown"
        elif heard is None:
            state = "never_heard"
        else:
            silent_s = (now - heard.last_seen).total_seconds()
            state = "stale" if silent_s > missed * device.interval_s else "reporting"
        rows.append(
            DevicePublic(
                id=device.id,
                zone=device.zone,
                zone_name=zone.name if zone is not None else "",
                format=device.format,
                interval_s=device.interval_s,
                status=state,
                first_seen=heard.first_seen if heard else None,
                last_seen=heard.last_seen if heard else None,
                messages=heard.messages if heard else None,
                battery_pct=heard.battery_pct if heard else None,
            )
        )
    return rows
