"""The evaluation loop: every minute, the newest minutes of every zone through the alert rules, into the store.

Each round (`tick`) reads, per quantity with a rule, the 1-minute windows (mean per zone) of the last
minutes up to a whole minute at least `SETTLE` ago — readings still on their way through the gateway's
outbox get that long to arrive — and feeds each zone's machines (`models.alerts.AlertMachine`) the
windows they have not seen. It reads the store's windows, never raw history. The raised, peaked and
cleared events are written to the alert store in order; a write that fails stays queued for the next
round, so no alert is lost while the records database is away. Only an alert that is in the store is
handed to the notifiers (`notify.Dispatcher`, bounded retries), and only by the server whose write made it or
cleared it: two servers watching one site send each notice once.

The machines live in memory; at the first round they are rebuilt from the store's open alerts, so a
restarted server goes on clearing what it raised before (a run towards raising starts afresh). A zone's
data is stale after `STALE_AFTER` or three of its slowest device's report intervals, whichever is longer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pandas as pd

from api.deps import occupied_hours
from gateway.stores.port import ReadingStore
from models.alerts import (
    RULES,
    STALE_AFTER,
    AlertEvent,
    AlertMachine,
    AlertRule,
    Cleared,
    OpenAlert,
    Peaked,
    Raised,
    Sample,
)
from officewell.alerting.notify import AlertNotice, Dispatcher, Event
from records.alerts import Alert, AlertKey, AlertStore, NewAlert
from sensors.site import Site

log = logging.getLogger(__name__)

INTERVAL = timedelta(minutes=1)  # how often a round runs
WINDOW = timedelta(minutes=1)  # the width of the windows fed to the machines
SETTLE = timedelta(seconds=30)  # a minute is read once it ended at least this long ago
MISSED_INTERVALS = 3  # a zone is stale after this many report intervals of its slowest device (as sensor health)


def utc_now() -> datetime:
    """The real time, timezone-aware."""
    return datetime.now(UTC)


class AlertWatch:
    """Evaluates the alert rules on a site's readings, one round a minute in its own thread (or by `tick`)."""

    name = "alert-watch"

    def __init__(
        self,
        site: Site,
        readings: ReadingStore,
        alerts: AlertStore,
        dispatcher: Dispatcher | None = None,
        *,
        rules: Sequence[AlertRule] = RULES,
        clock: Callable[[], datetime] = utc_now,
        interval: timedelta = INTERVAL,
    ) -> None:
        """Watch `site` in `readings`, keep alerts in `alerts`, notify through `dispatcher`; `clock` says now."""
        self.site = site
        self.readings = readings
        self.alerts = alerts
        self.dispatcher = dispatcher or Dispatcher()
        self.rules = tuple(rules)
        self.clock = clock
        self.interval = interval
        self._hours = occupied_hours(site)
        self._stale_after = {z.id: _stale_after(site, z.id) for z in site.zones}
        self._machines: dict[tuple[str, str], AlertMachine] | None = None  # None until rebuilt from the store
        self._writes: deque[AlertEvent] = deque()
        self._round = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # --- the thread ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Run a round now and then every `interval`, in a daemon thread, until stop(); no-op if running."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="officewell-alerts", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float) -> None:
        """Ask the thread to stop, wait up to `timeout_s` for the round under way, then write and send what waits."""
        deadline = time.monotonic() + timeout_s
        self._stopping.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
            if thread.is_alive():
                return  # a round still runs: it holds the queues
        with self._round:  # what the last rounds could not write or send gets one more try, in the time left
            self._flush(self.clock())
            if self._writes:
                log.error("stopping: %d alert events could not be written and are lost", len(self._writes))
            self.dispatcher.drain(max(0.0, deadline - time.monotonic()))

    @property
    def running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.tick()
            except Exception:  # never let the loop die: the next round tries again
                log.exception("evaluating alerts failed; trying again in %s", self.interval)
            self._stopping.wait(self.interval.total_seconds())

    # --- one round ----------------------------------------------------------------------------------

    def tick(self) -> list[AlertEvent]:
        """One round at the clock's now: read, evaluate, write, notify; the events it produced."""
        with self._round:
            now = self.clock()
            events = self._evaluate(now) if self._rebuilt() else []
            self._writes.extend(events)
            self._flush(now)
            self.dispatcher.deliver(now)
            return events

    def machine(self, zone: str, rule: AlertRule) -> AlertMachine | None:
        """The machine of a zone and rule, if it has seen anything (for tests and status)."""
        return (self._machines or {}).get((zone, rule.key))

    @property
    def queued_writes(self) -> int:
        """Events not yet written to the alert store."""
        return len(self._writes)

    def _rebuilt(self) -> bool:
        """Whether the machines are rebuilt from the store's open alerts (trying it now if not)."""
        if self._machines is not None:
            return True
        try:
            open_alerts = self.alerts.open_alerts()
        except Exception as exc:
            log.warning("cannot read the open alerts (%s); not evaluating until it can", exc.__class__.__name__)
            return False
        rules: dict[tuple[str, str], AlertRule] = {(r.quantity, r.side): r for r in self.rules}
        machines: dict[tuple[str, str], AlertMachine] = {}
        for alert in open_alerts:
            rule = rules.get((alert.quantity, alert.side))
            if rule is None or alert.zone not in self._stale_after:
                continue  # a rule or zone no longer configured: left open as it is, for people to see
            kept = OpenAlert(alert.since, alert.raised_at, alert.threshold, alert.value, alert.peak)
            machines[(alert.zone, rule.key)] = self._new_machine(alert.zone, rule, kept)
        self._machines = machines
        return True

    def _new_machine(self, zone: str, rule: AlertRule, kept: OpenAlert | None = None) -> AlertMachine:
        return AlertMachine(
            zone, rule, tz=self.site.site.tz, stale_after=self._stale_after.get(zone, STALE_AFTER), open_alert=kept
        )

    def _evaluate(self, now: datetime) -> list[AlertEvent]:
        machines = self._machines
        assert machines is not None
        stop = _floor(now - SETTLE, WINDOW)
        start = stop - max(self._stale_after.values(), default=STALE_AFTER)
        events: list[AlertEvent] = []
        for quantity in dict.fromkeys(r.quantity for r in self.rules):
            rules = [r for r in self.rules if r.quantity == quantity]
            try:
                frame = self.readings.windows(self.site.id, quantity, start, stop, WINDOW)
            except Exception as exc:
                log.warning("cannot read %s windows for alerts (%s); next round", quantity, exc.__class__.__name__)
                continue
            for ts, zone, mean in _samples(frame):
                if zone not in self._stale_after:
                    continue
                sample = Sample(ts, mean, self._hours.contains(ts))
                for rule in rules:
                    key = (zone, rule.key)
                    if key not in machines:
                        machines[key] = self._new_machine(zone, rule)
                    events += machines[key].feed(sample)
        for machine in machines.values():
            machine.expire(stop)
        return events

    def _flush(self, now: datetime) -> None:
        """Write the queued events in order; stop at the first failure and keep the rest for the next round."""
        while self._writes:
            event = self._writes[0]
            try:
                written = self._write(event)
            except Exception as exc:
                log.warning(
                    "cannot write alert events (%s); %d kept for the next round",
                    exc.__class__.__name__, len(self._writes),
                )  # fmt: skip
                return
            self._writes.popleft()
            if written is not None:
                self.dispatcher.submit(self._notice(*written), now)

    def _write(self, event: AlertEvent) -> tuple[Event, Alert] | None:
        """Write one event; the notice to send, if any."""
        rule = event.rule
        key = AlertKey(event.zone, rule.quantity, rule.side)
        if isinstance(event, Raised):
            new = NewAlert(
                event.zone, rule.quantity, rule.side, event.threshold, event.value, event.peak, event.since, event.at
            )
            alert = self.alerts.raise_new(new)
            if alert is None:  # open already: raised before a restart, or by another server watching the same site
                return None
            log.info("alert %d raised: %s %s in %s", alert.id, rule.key, event.value, event.zone)
            return "raised", alert
        if isinstance(event, Peaked):
            self.alerts.record_peak(key, event.peak)
            return None
        assert isinstance(event, Cleared)
        cleared = self.alerts.clear_alert(key, event.at, event.peak)
        if cleared is None:
            return None
        log.info("alert %d cleared: %s in %s", cleared.id, rule.key, event.zone)
        return "cleared", cleared

    def _notice(self, event: Event, alert: Alert) -> AlertNotice:
        zone = self.site.zone(alert.zone)
        name = (zone.name if zone is not None else "") or alert.zone
        return AlertNotice(event, self.site.id, alert, name, self.site.site.timezone)


def _floor(at: datetime, width: timedelta) -> datetime:
    """The instant rounded down to a whole `width` since the epoch."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((at - epoch) // width) * width


def _samples(frame: pd.DataFrame) -> list[tuple[datetime, str, float]]:
    """(window start, zone, mean) of a windows frame, in time order."""
    if frame.empty:
        return []
    ordered = frame.sort_values(["ts", "zone"], kind="stable")
    return [
        (ts.to_pydatetime(), str(zone), float(mean))
        for ts, zone, mean in zip(ordered["ts"], ordered["zone"], ordered["mean"], strict=True)
        if pd.notna(mean)
    ]


def _stale_after(site: Site, zone: str) -> timedelta:
    """How long a zone may be silent before its data is stale: STALE_AFTER, or longer for slow devices."""
    intervals = [d.interval_s for d in site.devices_in(zone)]
    slowest = timedelta(seconds=max(intervals, default=0) * MISSED_INTERVALS)
    return max(STALE_AFTER, slowest)
