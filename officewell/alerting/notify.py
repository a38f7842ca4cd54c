"""Telling people about alerts: the notice, the Notifier port, an in-memory fake, and delivery with bounded retries.

A notifier that fails is logged and retried on later rounds (after 1, 2, 4, … minutes) up to
`max_attempts` times, then given up with an error in the log; at a stop, whatever still waits is tried once
more, and what fails then is given up the same way (retries are kept in memory only). Nothing a notifier
does can stop the evaluation loop or lose the alert itself: the alert is in the store before any notice is handed over.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

from officewell.errors import OfficewellError
from records.alerts import Alert
from sensors.quantities import QUANTITIES

log = logging.getLogger(__name__)

Event = Literal["raised", "cleared"]
MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)


class NotifyError(OfficewellError):
    """A notifier could not hand a notice over; the message says where and why (never a password)."""


@dataclass(frozen=True)
class AlertNotice:
    """What a notifier sends: an alert that was raised or cleared, at a site, in words and as JSON."""

    event: Event
    site: str
    alert: Alert
    zone_name: str = ""
    timezone: str = "UTC"

    def subject(self) -> str:
        """One line: what, where, how far, e.g. `[officewell kc-main] CO₂ too high in z3: 1240 ppm (limit 1000)`."""
        a = self.alert
        what = f"{self._label()} too {a.side}" if self.event == "raised" else f"{self._label()} back to normal"
        figure = f"{self._fmt(a.value)} {self._unit()} (limit {self._fmt(a.threshold)})"
        if self.event == "cleared":
            figure = f"peak {self._fmt(a.peak)} {self._unit()} (limit {self._fmt(a.threshold)})"
        return f"[officewell {self.site}] {what} in {self._where()}: {figure}"

    def text(self) -> str:
        """A few lines for a person: the subject, when it began and ended, who acknowledged it."""
        a = self.alert
        lines = [
            self.subject(),
            "",
            f"Zone: {self._where()}",
            f"Quantity: {self._label()} ({a.quantity}), too {a.side} beyond {self._fmt(a.threshold)} {self._unit()}",
            f"Beyond since: {self._local(a.since)}",
            f"Raised: {self._local(a.raised_at)} at {self._fmt(a.value)} {self._unit()}",
            f"Peak: {self._fmt(a.peak)} {self._unit()}",
        ]
        if a.cleared_at is not None:
            lines.append(f"Cleared: {self._local(a.cleared_at)}")
        if a.acknowledged_by is not None:
            lines.append(f"Acknowledged by {a.acknowledged_by} at {self._local(a.acknowledged_at)}: {a.note or ''}")
        lines.append(f"Alert id: {a.id}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        """The notice as a JSON object (instants in UTC, RFC 3339)."""
        a = self.alert

        def instant(at: datetime | None) -> str | None:
            return None if at is None else at.isoformat().replace("+00:00", "Z")

        return {
            "event": self.event,
            "site": self.site,
            "summary": self.subject(),
            "alert": {
                "id": a.id,
                "zone": a.zone,
                "zone_name": self.zone_name or a.zone,
                "quantity": a.quantity,
                "unit": self._unit(),
                "side": a.side,
                "threshold": a.threshold,
                "value": a.value,
                "peak": a.peak,
                "since": instant(a.since),
                "raised_at": instant(a.raised_at),
                "cleared_at": instant(a.cleared_at),
                "acknowledged_by": a.acknowledged_by,
                "acknowledged_at": instant(a.acknowledged_at),
                "note": a.note,
            },
        }

    def body(self) -> bytes:
        """The JSON object as UTF-8 bytes: what the webhook posts and MQTT publishes."""
        return json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True).encode()

    def _label(self) -> str:
        quantity = QUANTITIES.get(self.alert.quantity)
        return quantity.label if quantity else self.alert.quantity

    def _unit(self) -> str:
        quantity = QUANTITIES.get(self.alert.quantity)
        return quantity.unit if quantity else ""

    def _fmt(self, value: float) -> str:
        quantity = QUANTITIES.get(self.alert.quantity)
        return f"{value:.{quantity.decimals if quantity else 1}f}"

    def _where(self) -> str:
        name = self.zone_name
        return f"{name} ({self.alert.zone})" if name and name != self.alert.zone else self.alert.zone

    def _local(self, at: datetime | None) -> str:
        if at is None:
            return "?"
        return at.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m-%d %H:%M %Z")


class Notifier(Protocol):
    """Hands a notice to people or machines; raises NotifyError when it cannot."""

    name: str

    def send(self, notice: AlertNotice) -> None:
        """Deliver one notice (blocking, bounded by the adapter's timeout)."""
        ...


class MemoryNotifier:
    """Keeps what it is sent; fails the first `failures` sends (a fake for tests)."""

    def __init__(self, name: str = "memory", failures: int = 0) -> None:
        """Start empty, failing `failures` times first."""
        self.name = name
        self.sent: list[AlertNotice] = []
        self.attempts = 0
        self._failures = failures
        self._lock = threading.Lock()

    def send(self, notice: AlertNotice) -> None:
        """Keep the notice, or fail while failures remain."""
        with self._lock:
            self.attempts += 1
            if self._failures > 0:
                self._failures -= 1
                raise NotifyError(f"{self.name}: failing on purpose")
            self.sent.append(notice)


@dataclass
class _Pending:
    notifier: Notifier
    notice: AlertNotice
    due: datetime
    attempts: int = 0


class Dispatcher:
    """Hands every notice to every notifier; a failed delivery is retried later, `max_attempts` times in all."""

    def __init__(
        self,
        notifiers: tuple[Notifier, ...] = (),
        max_attempts: int = MAX_ATTEMPTS,
        first_retry: timedelta = FIRST_RETRY,
    ) -> None:
        """Deliver to `notifiers`; retry after `first_retry`, doubling, until `max_attempts` tries."""
        self.notifiers = notifiers
        self.max_attempts = max_attempts
        self.first_retry = first_retry
        self._pending: list[_Pending] = []

    def submit(self, notice: AlertNotice, now: datetime) -> None:
        """Queue a notice for every notifier, due now."""
        self._pending.extend(_Pending(n, notice, now) for n in self.notifiers)

    @property
    def pending(self) -> int:
        """How many deliveries wait (first tries and retries)."""
        return len(self._pending)

    def deliver(self, now: datetime) -> int:
        """Try every delivery that is due; how many succeeded. Never raises."""
        waiting, delivered = [], 0
        for item in self._pending:
            if item.due > now:
                waiting.append(item)
                continue
            if self._try(item):
                delivered += 1
                continue
            item.attempts += 1
            if item.attempts >= self.max_attempts:
                log.error(
                    "gave up notifying %s of alert %d (%s) after %d attempts",
                    item.notifier.name, item.notice.alert.id, item.notice.event, item.attempts,
                )  # fmt: skip
                continue
            item.due = now + self.first_retry * 2 ** (item.attempts - 1)
            waiting.append(item)
        self._pending = waiting
        return delivered

    def drain(self, timeout_s: float = 10.0) -> int:
        """At a stop: one last try of what waits, due or not, within `timeout_s`; the rest is given up, in the log.

        A notifier that fails in the drain is not tried again for its other notices: a dead webhook would
        otherwise cost its timeout once per notice while the server is stopping.
        """
        deadline = time.monotonic() + timeout_s
        delivered = 0
        failed: set[int] = set()
        for item in self._pending:
            if id(item.notifier) not in failed and time.monotonic() < deadline and self._try(item):
                delivered += 1
                continue
            failed.add(id(item.notifier))
            log.error(
                "stopping: gave up notifying %s of alert %d (%s) after %d attempts",
                item.notifier.name, item.notice.alert.id, item.notice.event, item.attempts + 1,
            )  # fmt: skip
        self._pending = []
        return delivered

    @staticmethod
    def _try(item: _Pending) -> bool:
        try:
            item.notifier.send(item.notice)
        except NotifyError as exc:
            why = str(exc)
        except Exception as exc:  # an adapter's bug must not stop the loop; its text may hold a URL: name it only
            why = f"unexpected {exc.__class__.__name__}"
        else:
            return True
        log.warning(
            "notifying %s of alert %d (%s) failed (attempt %d): %s",
            item.notifier.name, item.notice.alert.id, item.notice.event, item.attempts + 1, why,
        )  # fmt: skip
        return False
