"""Environment alerts: list them (everyone: room data) and acknowledge one (facilities, admin).

The alerts are raised and cleared by the server's evaluation loop (officewell.alerting.watch);
acknowledging one says someone is on it and does not clear it — it still clears by itself when the
room is back. An acknowledgement is written to the audit log where the records store is open, in one
transaction with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, status
from sqlalchemy import Connection

from api.deps import Authorized, NowDep, ServicesDep, SiteDep, TodayDep
from api.problems import Problem
from api.schemas_alerts import AlertAck, AlertPublic, AlertRulePublic, AlertsPublic
from models.alerts import RULES
from records.alert_store import SqlAlertStore
from records.alerts import Alert, AlertStore
from records.errors import AlreadyAcknowledgedError, UnknownAlertError
from sensors.quantities import QUANTITIES
from sensors.site import Site

router = APIRouter(prefix="/alerts", tags=["alerts"])

AlertId = Annotated[int, Path(ge=1, le=2_147_483_647, description="the alert's id")]
ACK_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "no alert has this id"},
    409: {"model": Problem, "description": "the alert was acknowledged already (by whom and when: the detail)"},
}


def alerts_of(services: ServicesDep) -> AlertStore:
    """The alert store; 503 when this server keeps none."""
    if services.alerts is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "No alert store is configured on this server")
    return services.alerts


AlertsDep = Annotated[AlertStore, Depends(alerts_of)]


@contextmanager
def _answering() -> Iterator[None]:
    """The store's errors as answers: unknown 404, acknowledged already 409 (store down: 503 by the app)."""
    try:
        yield
    except UnknownAlertError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except AlreadyAcknowledgedError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc


def _public(alert: Alert, site: Site) -> AlertPublic:
    quantity = QUANTITIES.get(alert.quantity)
    zone = site.zone(alert.zone)
    return AlertPublic(
        id=alert.id,
        zone=alert.zone,
        zone_name=(zone.name if zone is not None else "") or alert.zone,
        quantity=alert.quantity,
        label=quantity.label if quantity else alert.quantity,
        unit=quantity.unit if quantity else "",
        side="low" if alert.side == "low" else "high",
        threshold=alert.threshold,
        value=alert.value,
        peak=alert.peak,
        since=alert.since,
        raised_at=alert.raised_at,
        cleared_at=alert.cleared_at,
        open=alert.is_open,
        acknowledged_by=alert.acknowledged_by,
        acknowledged_at=alert.acknowledged_at,
        note=alert.note,
    )


@router.get("/rules")
def alert_rules(site: SiteDep, today: TodayDep, _: Authorized) -> list[AlertRulePublic]:
    """The rules the alerts follow (models.alerts.RULES), with each action level in force this month at the site."""
    out = []
    for rule in RULES:
        quantity = QUANTITIES[rule.quantity]
        out.append(
            AlertRulePublic(
                key=rule.key,
                quantity=rule.quantity,
                label=quantity.label,
                unit=quantity.unit,
                side="low" if rule.side == "low" else "high",
                threshold=rule.threshold(today.month),
                deadband=rule.deadband,
                raise_after_min=rule.raise_after.total_seconds() / 60,
                clear_after_min=rule.clear_after.total_seconds() / 60,
                why=rule.why,
            )
        )
    return out


@router.get("")
def list_alerts(
    alerts: AlertsDep,
    site: SiteDep,
    _: Authorized,
    state: Annotated[Literal["open", "cleared", "all"], Query(description="open, cleared or all")] = "open",
    zone: Annotated[str | None, Query(max_length=64, description="one zone's alerts")] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="alerts per page")] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="how many of the newest to skip")] = 0,
) -> AlertsPublic:
    """Alerts, newest raised first, a page at a time, with the total (default: the open ones)."""
    if zone is not None and site.zone(zone) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No zone {zone!r} in site {site.id!r}")
    with _answering():
        page = alerts.page(state, zone, limit, offset)
    return AlertsPublic(items=[_public(a, site) for a in page.items], total=page.total, limit=limit, offset=offset)


@router.post("/{alert_id}/ack", responses=ACK_ERRORS)
def acknowledge(
    alert_id: AlertId,
    alerts: AlertsDep,
    services: ServicesDep,
    now: NowDep,
    principal: Authorized,
    body: Annotated[AlertAck | None, Body()] = None,
) -> AlertPublic:
    """Acknowledge an alert, open or cleared, with an optional note: once (409 after); it still clears by itself."""
    note = body.note if body is not None and body.note else None
    records = services.records
    # The alerts live in the records database (officewell.alerting.setup): the audit entry goes into the
    # acknowledgement's own transaction there, so neither is kept without the other.
    shared = records is not None and isinstance(alerts, SqlAlertStore) and alerts.engine is records.engine

    def audit(conn: Connection | None, done: Alert) -> None:  # a change like any other: into the audit log
        assert records is not None
        details = {"zone": done.zone, "quantity": done.quantity, "side": done.side, "note": note is not None}
        records.audit(principal.username, "alert_ack", f"alert:{alert_id}", details, conn=conn if shared else None)

    with _answering():
        done = alerts.acknowledge(alert_id, principal.username, now, note, also=None if records is None else audit)
    return _public(done, services.site)
