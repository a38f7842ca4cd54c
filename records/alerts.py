"""Environment alerts as kept: their lifecycle, the AlertStore port, and its in-memory fake.

An alert is raised for a zone, a quantity and a side (`high`: too high is bad, `low`: too low), with the
threshold, the value then and the instant its run began (`since`); it keeps its worst value (`peak`)
while open, is cleared by itself when the room is back, and is acknowledged by someone, with a note,
at any time — an acknowledged alert still clears by itself. At most one alert is open per zone, quantity
and side. Alerts are room data, not personal data: the acknowledging user's name is all they hold of anyone.
The SQL adapter is `records.alert_store.SqlAlertStore`; both pass tests/records/test_alert_store.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal, Protocol

from records.errors import AlreadyAcknowledgedError, UnknownAlertError

AlertState = Literal["open", "cleared", "all"]
# Runs with the acknowledged alert before the acknowledgement is kept: on the SQL store with the connection of
# its transaction (the audit entry goes in with it), on the fake with None. If it raises, nothing is kept.
AlsoOnAck = Callable[[Any, "Alert"], None]
NOTE_MAX = 1000  # characters of an acknowledgement's note


@dataclass(frozen=True)
class AlertKey:
    """What an open alert is unique by: zone, quantity and side."""

    zone: str
    quantity: str
    side: str


@dataclass(frozen=True)
class NewAlert:
    """An alert to raise: where, what, the threshold, the value now and its worst, when the run began and now."""

    zone: str
    quantity: str
    side: str
    threshold: float
    value: float
    peak: float
    since: datetime
    raised_at: datetime

    @property
    def key(self) -> AlertKey:
        """Its zone, quantity and side."""
        return AlertKey(self.zone, self.quantity, self.side)


@dataclass(frozen=True)
class Alert:
    """A kept alert with its lifecycle; `cleared_at` is None while it is open."""

    id: int
    zone: str
    quantity: str
    side: str
    threshold: float
    value: float
    peak: float
    since: datetime
    raised_at: datetime
    cleared_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    note: str | None = None

    @property
    def key(self) -> AlertKey:
        """Its zone, quantity and side."""
        return AlertKey(self.zone, self.quantity, self.side)

    @property
    def is_open(self) -> bool:
        """Whether it has not cleared yet."""
        return self.cleared_at is None


@dataclass(frozen=True)
class AlertPage:
    """One page of alerts, newest raised first, and how many match in all."""

    items: tuple[Alert, ...]
    total: int


class AlertStore(Protocol):
    """Where alerts are kept (contract: tests/records/test_alert_store.py)."""

    def raise_alert(self, new: NewAlert) -> Alert:
        """Keep a new open alert; if one is open for its key already, that one, unchanged."""
        ...

    def raise_new(self, new: NewAlert) -> Alert | None:
        """Keep a new open alert and return it; None if one is open for its key already (raised by another server)."""
        ...

    def record_peak(self, key: AlertKey, peak: float) -> None:
        """Set the open alert's peak (nothing if none is open for the key)."""
        ...

    def clear_alert(self, key: AlertKey, at: datetime, peak: float) -> Alert | None:
        """Clear the open alert of the key at `at` with its final peak; None if none is open."""
        ...

    def acknowledge(
        self, alert_id: int, by: str, at: datetime, note: str | None = None, *, also: AlsoOnAck | None = None
    ) -> Alert:
        """Acknowledge an alert (open or cleared); UnknownAlertError, or AlreadyAcknowledgedError the second time.

        `also` runs with the acknowledged alert before it is kept (AlsoOnAck): if it raises, nothing is.
        """
        ...

    def get(self, alert_id: int) -> Alert | None:
        """One alert by id, or None."""
        ...

    def open_alerts(self) -> list[Alert]:
        """Every open alert, oldest raised first."""
        ...

    def page(self, state: AlertState = "all", zone: str | None = None, limit: int = 100, offset: int = 0) -> AlertPage:
        """Alerts in a state (and zone), newest raised first: `limit` of them from `offset`, with the total."""
        ...


def already(alert: Alert) -> AlreadyAcknowledgedError:
    """The error for acknowledging an alert a second time, naming who did and when."""
    at = alert.acknowledged_at.isoformat() if alert.acknowledged_at else "?"
    return AlreadyAcknowledgedError(f"alert {alert.id} was acknowledged by {alert.acknowledged_by} at {at}")


def unknown(alert_id: int) -> UnknownAlertError:
    """The error for an alert id that names none."""
    return UnknownAlertError(f"no alert has the id {alert_id}")


class RaisesOnce:
    """raise_alert and raise_new of a store, from its `_raise`: the open alert of the key and whether it made it."""

    def _raise(self, new: NewAlert) -> tuple[Alert, bool]:
        raise NotImplementedError

    def raise_alert(self, new: NewAlert) -> Alert:
        """Keep a new open alert; if one is open for its key already, that one, unchanged."""
        alert, _ = self._raise(new)
        return alert

    def raise_new(self, new: NewAlert) -> Alert | None:
        """Keep a new open alert and return it; None if one is open for its key already (raised by another server)."""
        alert, made = self._raise(new)
        return alert if made else None


class MemoryAlertStore(RaisesOnce):
    """Alerts in a dict: the port's fake, with the same rules as the SQL store."""

    def __init__(self) -> None:
        """Start empty."""
        self._alerts: dict[int, Alert] = {}
        self._lock = threading.Lock()

    def _raise(self, new: NewAlert) -> tuple[Alert, bool]:
        with self._lock:
            found = self._open(new.key)
            if found is not None:
                return found, False
            alert = Alert(
                len(self._alerts) + 1, new.zone, new.quantity, new.side, new.threshold, new.value, new.peak,
                new.since, new.raised_at,
            )  # fmt: skip
            self._alerts[alert.id] = alert
            return alert, True

    def record_peak(self, key: AlertKey, peak: float) -> None:
        """Set the open alert's peak (nothing if none is open for the key)."""
        with self._lock:
            found = self._open(key)
            if found is not None:
                self._alerts[found.id] = replace(found, peak=peak)

    def clear_alert(self, key: AlertKey, at: datetime, peak: float) -> Alert | None:
        """Clear the open alert of the key at `at` with its final peak; None if none is open."""
        with self._lock:
            found = self._open(key)
            if found is None:
                return None
            cleared = replace(found, cleared_at=at, peak=peak)
            self._alerts[found.id] = cleared
            return cleared

    def acknowledge(
        self, alert_id: int, by: str, at: datetime, note: str | None = None, *, also: AlsoOnAck | None = None
    ) -> Alert:
        """Acknowledge an alert (open or cleared); UnknownAlertError, or AlreadyAcknowledgedError the second time."""
        with self._lock:
            found = self._alerts.get(alert_id)
            if found is None:
                raise unknown(alert_id)
            if found.acknowledged_at is not None:
                raise already(found)
            done = replace(found, acknowledged_by=by[:100], acknowledged_at=at, note=note)
            if also is not None:
                also(None, done)  # before the change: if it raises, the alert stays unacknowledged
            self._alerts[alert_id] = done
            return done

    def get(self, alert_id: int) -> Alert | None:
        """One alert by id, or None."""
        with self._lock:
            return self._alerts.get(alert_id)

    def open_alerts(self) -> list[Alert]:
        """Every open alert, oldest raised first."""
        with self._lock:
            return sorted((a for a in self._alerts.values() if a.is_open), key=lambda a: (a.raised_at, a.id))

    def page(self, state: AlertState = "all", zone: str | None = None, limit: int = 100, offset: int = 0) -> AlertPage:
        """Alerts in a state (and zone), newest raised first: `limit` of them from `offset`, with the total."""
        with self._lock:
            chosen = [
                a
                for a in self._alerts.values()
                if (state == "all" or a.is_open == (state == "open")) and (zone is None or a.zone == zone)
            ]
        chosen.sort(key=lambda a: (a.raised_at, a.id), reverse=True)
        return AlertPage(tuple(chosen[offset : offset + limit]), len(chosen))

    def _open(self, key: AlertKey) -> Alert | None:
        return next((a for a in self._alerts.values() if a.is_open and a.key == key), None)
