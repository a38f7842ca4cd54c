"""Simulated office data: history written straight into a store, or live readings published over MQTT."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta

from gateway.mqtt import BrokerAddress, make_client
from gateway.stores import ReadingStore
from officewell.errors import SimulationError
from sensors.site import Site
from synthetic import SyntheticError
from synthetic.office import OfficeSimulator, publish_live

Progress = Callable[[int, int], None]

# The drifting CO2 sensor starts drifting this long before the simulated history does, so it shows by the end.
DRIFT_LEAD = timedelta(days=14)


def simulator_for(site: Site, seed: int, history_start: datetime) -> OfficeSimulator:
    """The office simulator of a site, its drifting CO2 sensor drifting from two weeks before the history.

    Raises SimulationError when the simulator refuses the site or the seed.
    """
    epoch: date = (history_start - DRIFT_LEAD).date()
    try:
        return OfficeSimulator(site, seed=seed, epoch=epoch)
    except SyntheticError as exc:
        raise SimulationError(f"cannot simulate site {site.id!r}: {exc}") from exc


def backfill(
    simulator: OfficeSimulator,
    store: ReadingStore,
    start: datetime,
    stop: datetime,
    *,
    resume: bool = False,
    progress: Progress | None = None,
) -> int:
    """Write the simulated readings of [start, stop) to the store; return how many were written.

    With `resume`, start after the newest reading the store already holds (a restarted demo adds only
    what is missing). `progress(done, expected)` is called after each simulated day.
    """
    site = simulator.site
    if resume:
        latest = [lv.ts for lv in store.latest(site.id)]
        if latest:
            start = max(start, max(latest) + timedelta(minutes=1))
    if start >= stop:
        return 0
    expected = int((stop - start).total_seconds() // 60) * len(site.devices)

    def step(done: int) -> None:
        if progress is not None:
            progress(done, max(expected, done))

    try:
        return simulator.backfill(store, start, stop, progress=step)
    except SyntheticError as exc:
        raise SimulationError(f"cannot simulate {start} to {stop}: {exc}") from exc


def publish(
    simulator: OfficeSimulator,
    broker: BrokerAddress,
    *,
    interval_s: float,
    stop: threading.Event,
) -> int:
    """Publish every device's current values in the native format until `stop` is set; return messages sent.

    Raises OSError when the broker cannot be reached, SimulationError for an interval the publisher refuses.
    """
    client = make_client(broker, f"officewell-sim-{secrets.token_hex(3)}")
    client.connect(broker.host, broker.port)
    client.loop_start()
    try:
        return publish_live(simulator, client, simulator.site, interval_s=interval_s, stop_event=stop)
    except SyntheticError as exc:
        raise SimulationError(f"cannot publish: {exc}") from exc
    finally:
        client.disconnect()
        client.loop_stop()
