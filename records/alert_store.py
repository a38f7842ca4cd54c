"""The AlertStore port on the records database (SQLite or PostgreSQL), table `alerts` (migration 0005).

Alerts live in the records database rather than the gateway's state SQLite: they are read and
acknowledged through the API, which has the records database and not the gateway's state dir (that is
another machine when the gateway runs alone); it runs on PostgreSQL in production, is backed up with the
board and the audit log, and keeps an alert acknowledged by someone beside the audit entry that says so.
Alerts are room data: the store opens without the pseudonymisation key, which only HR records need.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from records.alerts import (
    Alert,
    AlertKey,
    AlertPage,
    AlertState,
    AlsoOnAck,
    NewAlert,
    RaisesOnce,
    already,
    unknown,
)
from records.database import EngineStore
from records.errors import StoreError
from records.models import EnvironmentAlert, table_of

ALERTS = table_of(EnvironmentAlert)


class SqlAlertStore(RaisesOnce, EngineStore):
    """Alerts in the records database, through an engine (the records store's, or one of its own)."""

    what = "alerts"

    def _raise(self, new: NewAlert) -> tuple[Alert, bool]:
        """The open alert of the key, and whether this call made it."""
        values = {
            "zone": new.zone, "quantity": new.quantity, "side": new.side, "threshold": new.threshold,
            "value": new.value, "peak": new.peak, "since": new.since, "raised_at": new.raised_at,
        }  # fmt: skip
        try:
            with self._writing() as conn:
                found = self._open(conn, new.key)
                if found is not None:
                    return found, False
                alert_id = conn.execute(insert(ALERTS).values(**values).returning(ALERTS.c.id)).scalar_one()
                return self._get(conn, alert_id), True
        except StoreError as exc:
            if not isinstance(exc.__cause__, IntegrityError):
                raise
        # Another process opened the same alert between our read and our insert: theirs is the one.
        with self._reading() as conn:
            found = self._open(conn, new.key)
        if found is None:
            raise StoreError(f"alert {new.key} could neither be raised nor found open")
        return found, False

    def record_peak(self, key: AlertKey, peak: float) -> None:
        """Set the open alert's peak (nothing if none is open for the key)."""
        with self._writing() as conn:
            conn.execute(update(ALERTS).where(*_open_of(key)).values(peak=peak))

    def clear_alert(self, key: AlertKey, at: datetime, peak: float) -> Alert | None:
        """Clear the open alert of the key at `at` with its final peak; None if none is open (or another cleared it)."""
        with self._writing() as conn:
            found = self._open(conn, key)
            if found is None:
                return None
            # Still open as it is written: two servers clearing at once (PostgreSQL lets both read it open)
            # both see it, but only one changes it, and only that one is told, so only it sends the notice.
            done = conn.execute(
                update(ALERTS)
                .where(ALERTS.c.id == found.id, ALERTS.c.cleared_at.is_(None))
                .values(cleared_at=at, peak=peak)
            )
            if done.rowcount == 0:
                return None
            return self._get(conn, found.id)

    def acknowledge(
        self, alert_id: int, by: str, at: datetime, note: str | None = None, *, also: AlsoOnAck | None = None
    ) -> Alert:
        """Acknowledge an alert (open or cleared); UnknownAlertError, or AlreadyAcknowledgedError the second time.

        `also` runs in the acknowledgement's transaction, with its connection and the acknowledged alert (the
        audit entry of the change, say): if it raises, nothing is acknowledged.
        """
        with self._writing() as conn:
            done = conn.execute(
                update(ALERTS)
                .where(ALERTS.c.id == alert_id, ALERTS.c.acknowledged_at.is_(None))
                .values(acknowledged_by=by[:100], acknowledged_at=at, note=note)
            )
            found = self._find(conn, alert_id)
            if found is not None and done.rowcount == 1 and also is not None:
                also(conn, found)
        if found is None:
            raise unknown(alert_id)
        if done.rowcount == 0:
            raise already(found)
        return found

    def get(self, alert_id: int) -> Alert | None:
        """One alert by id, or None."""
        with self._reading() as conn:
            return self._find(conn, alert_id)

    def open_alerts(self) -> list[Alert]:
        """Every open alert, oldest raised first."""
        query = select(ALERTS).where(ALERTS.c.cleared_at.is_(None)).order_by(ALERTS.c.raised_at, ALERTS.c.id)
        with self._reading() as conn:
            return [_alert(row) for row in conn.execute(query).mappings()]

    def page(self, state: AlertState = "all", zone: str | None = None, limit: int = 100, offset: int = 0) -> AlertPage:
        """Alerts in a state (and zone), newest raised first: `limit` of them from `offset`, with the total."""
        query: Select[Any] = select(ALERTS)
        if state == "open":
            query = query.where(ALERTS.c.cleared_at.is_(None))
        elif state == "cleared":
            query = query.where(ALERTS.c.cleared_at.is_not(None))
        if zone is not None:
            query = query.where(ALERTS.c.zone == zone)
        counted = select(func.count()).select_from(query.subquery())
        ordered = query.order_by(ALERTS.c.raised_at.desc(), ALERTS.c.id.desc()).limit(limit).offset(offset)
        with self._reading() as conn:
            total = conn.execute(counted).scalar_one()
            items = tuple(_alert(row) for row in conn.execute(ordered).mappings())
        return AlertPage(items, int(total))

    def _open(self, conn: Connection, key: AlertKey) -> Alert | None:
        row = conn.execute(select(ALERTS).where(*_open_of(key))).mappings().first()
        return None if row is None else _alert(row)

    def _find(self, conn: Connection, alert_id: int) -> Alert | None:
        row = conn.execute(select(ALERTS).where(ALERTS.c.id == alert_id)).mappings().first()
        return None if row is None else _alert(row)

    def _get(self, conn: Connection, alert_id: int) -> Alert:
        found = self._find(conn, alert_id)
        if found is None:
            raise unknown(alert_id)
        return found


def _open_of(key: AlertKey) -> tuple[Any, ...]:
    return (
        ALERTS.c.zone == key.zone,
        ALERTS.c.quantity == key.quantity,
        ALERTS.c.side == key.side,
        ALERTS.c.cleared_at.is_(None),
    )


def _alert(row: Any) -> Alert:
    return Alert(
        id=row["id"], zone=row["zone"], quantity=row["quantity"], side=row["side"], threshold=row["threshold"],
        value=row["value"], peak=row["peak"], since=row["since"], raised_at=row["raised_at"],
        cleared_at=row["cleared_at"], acknowledged_by=row["acknowledged_by"],
        acknowledged_at=row["acknowledged_at"], note=row["note"],
    )  # fmt: skip
