"""The alert loop with a fake clock: readings in a memory store, alerts in a memory store, notices in a fake."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore
from models.alerts import Cleared, Raised, rule_of
from officewell.alerting.notify import Dispatcher, MemoryNotifier
from officewell.alerting.watch import AlertWatch
from records.alerts import Alert, AlertKey, MemoryAlertStore, NewAlert
from records.errors import StoreError
from sensors.reading import Reading
from sensors.site import Site

T0 = datetime(2026, 2, 10, 8, 0, tzinfo=UTC)  # a Tuesday, 09:00 in Stockholm: occupied
CO2 = rule_of("co2_ppm", "high")


class Clock:
    """A clock the test moves."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class WindowsOnly(MemoryReadingStore):
    """A memory store that refuses raw reads: the loop must use windows (and may use latest)."""

    def __init__(self) -> None:
        super().__init__()
        self.windows_read: list[tuple[str, datetime, datetime, timedelta]] = []

    def series(self, *args: object, **kwargs: object) -> pd.DataFrame:
        raise AssertionError("the alert loop read raw history")

    def windows(self, site, quantity, start, stop, window, zones=None):  # type: ignore[no-untyped-def]
        self.windows_read.append((quantity, start, stop, window))
        return super().windows(site, quantity, start, stop, window, zones)


class FlakyAlerts(MemoryAlertStore):
    """A memory alert store whose writes fail while `down`."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    def raise_new(self, new: NewAlert) -> Alert | None:
        if self.down:
            raise StoreError("records database unavailable")
        return super().raise_new(new)

    def clear_alert(self, key: AlertKey, at: datetime, peak: float) -> Alert | None:
        if self.down:
            raise StoreError("records database unavailable")
        return super().clear_alert(key, at, peak)


class Rig:
    """A watch on z3 of the example site, a clock, the stores and a notifier, moved a minute at a time."""

    def __init__(self, site: Site, *, alerts: MemoryAlertStore | None = None, notifier: MemoryNotifier | None = None):
        self.site = site
        self.clock = Clock(T0)
        self.readings = WindowsOnly()
        self.alerts = alerts if alerts is not None else MemoryAlertStore()
        self.notifier = notifier or MemoryNotifier()
        self.minute = 0
        self.watch = AlertWatch(site, self.readings, self.alerts, Dispatcher((self.notifier,)), clock=self.clock)

    def minutes(self, values: list[float], quantity: str = "co2_ppm", zone: str = "z3") -> list:
        """Each value as the reading of one minute, then a round half a minute after that minute ended."""
        events = []
        for value in values:
            at = T0 + timedelta(minutes=self.minute, seconds=10)
            self.readings.write([Reading(self.site.id, zone, "aq-03", at, {quantity: value})])
            self.minute += 1
            self.clock.at = T0 + timedelta(minutes=self.minute, seconds=35)
            events += self.watch.tick()
        return events

    def idle(self, minutes: int) -> list:
        """Rounds without readings."""
        events = []
        for _ in range(minutes):
            self.minute += 1
            self.clock.at = T0 + timedelta(minutes=self.minute, seconds=35)
            events += self.watch.tick()
        return events


def changes(events: list) -> list[str]:
    return [type(e).__name__ for e in events if isinstance(e, Raised | Cleared)]


def test_a_stuffy_room_raises_once_clears_once_and_both_are_kept_and_sent(example_site: Site):
    rig = Rig(example_site)
    events = rig.minutes([900] * 5 + [1200] * 12 + [1300] * 3)
    assert changes(events) == ["Raised"]
    [alert] = rig.alerts.open_alerts()
    assert (alert.zone, alert.quantity, alert.side, alert.threshold) == ("z3", "co2_ppm", "high", 1000)
    assert alert.since == T0 + timedelta(minutes=5)  # the window of the first reading above 1000 ppm
    assert alert.raised_at == T0 + timedelta(minutes=15)
    assert alert.peak == 1300  # the peak went on rising while open
    [raised] = rig.notifier.sent
    assert raised.event == "raised"
    assert raised.zone_name == "Svarsgrupp 3"
    assert "CO₂ too high in Svarsgrupp 3 (z3): 1200 ppm (limit 1000)" in raised.subject()

    events = rig.minutes([900] * 5 + [800] * 12)
    assert changes(events) == ["Cleared"]
    assert rig.alerts.open_alerts() == []
    cleared = rig.alerts.get(alert.id)
    assert cleared.cleared_at == T0 + timedelta(minutes=30)  # ten minutes below 950 ppm from minute 20
    assert cleared.peak == 1300
    assert [n.event for n in rig.notifier.sent] == ["raised", "cleared"]
    assert rig.notifier.sent[1].alert.cleared_at == cleared.cleared_at


def test_the_loop_reads_minute_windows_never_raw_history(example_site: Site):
    rig = Rig(example_site)
    rig.minutes([500] * 3)
    assert rig.readings.windows_read
    for _quantity, start, stop, window in rig.readings.windows_read:
        assert window == timedelta(minutes=1)
        assert stop - start <= timedelta(minutes=10)
        assert stop <= rig.clock.at - timedelta(seconds=30)
    assert {q for q, *_ in rig.readings.windows_read} == {r.quantity for r in rig.watch.rules}


def test_hovering_at_the_threshold_raises_nothing(example_site: Site):
    rig = Rig(example_site)
    events = rig.minutes([1010, 990, 1005, 995, 1020, 980] * 10)
    assert events == []
    assert rig.notifier.sent == []


def test_a_restarted_server_goes_on_from_the_open_alerts(example_site: Site):
    first = Rig(example_site)
    first.minutes([1200] * 12)
    [alert] = first.alerts.open_alerts()
    # A new process: same stores, new machines rebuilt from the store's open alerts.
    second = Rig(example_site, alerts=first.alerts)
    second.minute = first.minute
    events = second.minutes([1250] * 3 + [800] * 12)
    assert changes(events) == ["Cleared"]
    assert second.alerts.get(alert.id).cleared_at is not None
    assert second.alerts.get(alert.id).peak == 1250
    assert [n.event for n in second.notifier.sent] == ["cleared"]  # no second "raised"


def test_two_servers_watching_one_site_send_each_notice_once(example_site: Site):
    first = Rig(example_site)
    second = Rig(example_site, alerts=first.alerts)
    second.readings = first.readings  # the same readings and alert store, each server its own notifiers
    second.watch.readings = first.readings
    values = [1200] * 12 + [800] * 12
    for value in values:  # both evaluate every minute, one after the other
        first.minutes([value])
        second.clock.at = first.clock.at
        second.minute = first.minute
        second.watch.tick()
    assert len(first.alerts.page("all").items) == 1
    sent = [n.event for n in first.notifier.sent + second.notifier.sent]
    assert sorted(sent) == ["cleared", "raised"]


def test_silence_keeps_an_open_alert_open_and_raises_nothing_new(example_site: Site):
    rig = Rig(example_site)
    rig.minutes([1200] * 12)
    assert rig.idle(120) == []
    assert len(rig.alerts.open_alerts()) == 1
    # When data comes back, clearing needs its full ten minutes of fresh readings.
    events = rig.minutes([800] * 10)
    assert changes(events) == []
    assert changes(rig.minutes([800])) == ["Cleared"]


def test_a_dark_office_at_night_raises_no_light_alert(example_site: Site):
    rig = Rig(example_site)
    night = datetime(2026, 2, 10, 22, 0, tzinfo=UTC)  # 23:00 in Stockholm
    rig.minute = int((night - T0) / timedelta(minutes=1))
    assert rig.minutes([0.0] * 60, quantity="illuminance_lux") == []


def test_alerts_are_not_lost_while_the_store_is_down(example_site: Site, caplog: pytest.LogCaptureFixture):
    alerts = FlakyAlerts()
    rig = Rig(example_site, alerts=alerts)
    alerts.down = True
    with caplog.at_level(logging.WARNING, logger="officewell.alerting.watch"):
        events = rig.minutes([1200] * 12)
    assert changes(events) == ["Raised"]
    assert rig.watch.queued_writes >= 1
    assert alerts.open_alerts() == []
    assert rig.notifier.sent == []  # nothing is announced that is not kept
    assert "cannot write alert events (StoreError)" in caplog.text
    alerts.down = False
    rig.minutes([1200])
    assert rig.watch.queued_writes == 0
    [alert] = alerts.open_alerts()
    assert alert.raised_at == T0 + timedelta(minutes=10)
    assert [n.event for n in rig.notifier.sent] == ["raised"]


def test_a_failing_notifier_is_retried_a_bounded_number_of_times(example_site: Site, caplog):
    flaky = MemoryNotifier("flaky", failures=2)
    broken = MemoryNotifier("broken", failures=1000)
    rig = Rig(example_site, notifier=flaky)
    rig.watch.dispatcher = Dispatcher((flaky, broken), max_attempts=4)
    with caplog.at_level(logging.WARNING):
        rig.minutes([1200] * 11)  # raised at the 11th round
        assert len(rig.alerts.open_alerts()) == 1
        rig.idle(30)  # retries after 1, 2, 4 minutes
    assert [n.event for n in flaky.sent] == ["raised"]
    assert flaky.attempts == 3
    assert broken.attempts == 4
    assert broken.sent == []
    assert rig.watch.dispatcher.pending == 0
    assert "gave up notifying broken of alert 1 (raised) after 4 attempts" in caplog.text
    assert len(rig.alerts.open_alerts()) == 1  # the alert itself stays


def test_a_stop_writes_and_sends_what_waits_before_the_server_goes(example_site: Site, caplog):
    flaky = MemoryNotifier("flaky", failures=1)
    broken = MemoryNotifier("broken", failures=1000)
    alerts = FlakyAlerts()
    rig = Rig(example_site, alerts=alerts, notifier=flaky)
    rig.watch.dispatcher = Dispatcher((flaky, broken), first_retry=timedelta(hours=1))
    rig.minutes([1200] * 11)  # raised at the 11th round; both first tries failed, retries due in an hour
    assert (flaky.sent, rig.watch.dispatcher.pending) == ([], 2)
    alerts.down = True
    rig.minutes([800] * 12)  # cleared while the records database is away: the event waits in memory
    assert rig.watch.queued_writes == 1
    alerts.down = False
    with caplog.at_level(logging.ERROR):
        rig.watch.stop(timeout_s=5)
    assert rig.watch.queued_writes == 0
    assert alerts.open_alerts() == []  # the clearing was written at the stop
    assert [n.event for n in flaky.sent] == ["raised", "cleared"]
    assert rig.watch.dispatcher.pending == 0
    assert "stopping: gave up notifying broken of alert 1 (raised)" in caplog.text
    assert "stopping: gave up notifying broken of alert 1 (cleared)" in caplog.text
    # Failed once in the drain, the broken notifier is not tried again for its other notice.
    assert broken.attempts == 2  # the first try of "raised" in its round, and one in the drain


def test_a_drain_out_of_time_tries_nothing_more(example_site: Site, caplog):
    slow = MemoryNotifier("slow", failures=1000)
    dispatcher = Dispatcher((slow,), first_retry=timedelta(hours=1))
    rig = Rig(example_site)
    rig.watch.dispatcher = dispatcher
    rig.minutes([1200] * 11)
    assert (slow.attempts, dispatcher.pending) == (1, 1)
    with caplog.at_level(logging.ERROR):
        assert dispatcher.drain(timeout_s=0) == 0
    assert slow.attempts == 1  # no time left: given up untried
    assert dispatcher.pending == 0
    assert "stopping: gave up notifying slow of alert 1 (raised)" in caplog.text


def test_a_notifier_raising_anything_never_stops_the_loop(example_site: Site):
    class Exploding:
        name = "exploding"

        def send(self, notice: object) -> None:
            raise ZeroDivisionError("boom http://user:secret@host/")

    rig = Rig(example_site)
    rig.watch.dispatcher = Dispatcher((Exploding(), rig.notifier))
    rig.minutes([1200] * 11)
    assert [n.event for n in rig.notifier.sent] == ["raised"]


def test_the_thread_starts_rounds_and_stops_when_asked(example_site: Site):
    rig = Rig(example_site)
    rig.watch.interval = timedelta(milliseconds=20)
    rig.readings.write([Reading(example_site.id, "z3", "aq-03", T0, {"co2_ppm": 700.0})])
    rig.clock.at = T0 + timedelta(minutes=2)
    rig.watch.start()
    rig.watch.start()  # a second start is harmless
    deadline = time.monotonic() + 5
    while rig.watch.machine("z3", CO2) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert rig.watch.machine("z3", CO2) is not None
    rig.watch.stop(5)
    assert not rig.watch.running


def test_the_app_starts_the_loop_and_stops_it_with_itself(example_site: Site):
    rig = Rig(example_site)
    services = Services(
        example_site, rig.readings, MemoryDeadLetterLog(), MemoryUserDirectory(), TokenSigner("w" * 40),
        alerts=rig.alerts, background=(rig.watch,),
    )  # fmt: skip
    with TestClient(create_app(services)):
        assert rig.watch.running
    assert not rig.watch.running


def test_the_loop_on_the_embedded_sqlite_store(example_site: Site, tmp_path):
    from gateway.stores.sqlite import SQLiteReadingStore

    readings = SQLiteReadingStore(tmp_path / "readings.db")

    def minute(m: int) -> Reading:
        return Reading(example_site.id, "z3", "aq-03", T0 + timedelta(minutes=m, seconds=10), {"co2_ppm": 1200.0})

    readings.write([minute(m) for m in range(12)])
    notifier = MemoryNotifier()
    clock = Clock(T0 + timedelta(minutes=12, seconds=35))
    watch = AlertWatch(example_site, readings, MemoryAlertStore(), Dispatcher((notifier,)), clock=clock)
    assert watch.tick() == []  # the first round sees the ten minutes before: 2 to 11, nine minutes apart
    readings.write([minute(12)])
    clock.at += timedelta(minutes=1)
    events = watch.tick()
    readings.close()
    assert changes(events) == ["Raised"]
    assert (events[-1].since, events[-1].at) == (T0 + timedelta(minutes=2), T0 + timedelta(minutes=12))
    assert [n.event for n in notifier.sent] == ["raised"]
