"""Simulated office data: history written straight into a store, or live readings published over MQTT."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from gateway.mqtt import BrokerAddress, make_client
from gateway.stores import ReadingStore
from gateway.stores.batch import PointBatch
from officewell.errors import SimulationError
from sensors.quantities import QUANTITY_KEYS
from sensors.site import Site
from synthetic import SyntheticError
from synthetic.office import OfficeSimulator, publish_live

Progress = Callable[[int, int], None]

# The drifting CO2 sensor starts drifting this long before the simulated history does, so it shows by the end.
DRIFT_LEAD = timedelta(days=14)
# The older history is kept as means over this window: a year of it is 35 000 points per device, not 525 000.
HISTORY_WINDOW = timedelta(minutes=15)


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


def backfill_history(
    simulator: OfficeSimulator,
    store: ReadingStore,
    start: datetime,
    stop: datetime,
    *,
    every: timedelta = HISTORY_WINDOW,
    progress: Progress | None = None,
) -> int:
    """Write [start, stop) as each device's means over `every` (the demo's older history); return points written.

    Skipped (0) when the store already holds readings in the last day before `stop`: a restarted demo
    has written it before. The points go in as one atomic batch stream: an interrupted run leaves none.
    """
    site = simulator.site
    if start >= stop or _has_readings(store, site.id, stop - timedelta(days=1), stop):
        return 0
    first, last = (
        start.astimezone(site.site.tz).date(),
        (stop - timedelta(microseconds=1)).astimezone(site.site.tz).date(),
    )
    days = (last - first).days + 1
    per_day = int(timedelta(days=1) / every) * len(site.devices)
    written = 0

    def batches() -> Iterator[PointBatch]:
        nonlocal written
        lo, hi = pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(stop).tz_convert("UTC")
        for i in range(days):
            try:
                frames = simulator.day(first + timedelta(days=i))
            except SyntheticError as exc:
                raise SimulationError(f"cannot simulate {first + timedelta(days=i)}: {exc}") from exc
            batch = _window_means(site, frames, lo, hi, every)
            written += len(batch)
            yield batch
            if progress is not None:
                progress((i + 1) * per_day, days * per_day)

    store.write_batches(batches())
    return written


def _window_means(
    site: Site, frames: dict[str, pd.DataFrame], lo: pd.Timestamp, hi: pd.Timestamp, every: timedelta
) -> PointBatch:
    """One day's 1-minute frames (per device) as means over `every`, inside [lo, hi)."""
    zone_of = {d.id: d.zone for d in site.devices}
    ts: list[np.ndarray] = []
    zones: list[np.ndarray] = []
    devices: list[np.ndarray] = []
    values: dict[str, list[np.ndarray]] = {}
    for device, frame in frames.items():
        inside = frame[(frame.index >= lo) & (frame.index < hi)]
        means = inside.resample(every).mean().dropna(how="all")
        if means.empty:
            continue
        stamps = pd.DatetimeIndex(means.index).as_unit("ns").asi8
        ts.append(stamps)
        zones.append(np.full(len(stamps), zone_of[device], dtype=object))
        devices.append(np.full(len(stamps), device, dtype=object))
        for key in QUANTITY_KEYS:
            column = means[key].to_numpy(dtype=np.float64) if key in means else np.full(len(stamps), np.nan)
            values.setdefault(key, []).append(column)
    if not ts:
        return PointBatch(site.id, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object), np.zeros(0, dtype=object))
    columns = {k: np.concatenate(v) for k, v in values.items()}
    return PointBatch(
        site.id,
        np.concatenate(ts),
        np.concatenate(zones),
        np.concatenate(devices),
        {k: v for k, v in columns.items() if not np.isnan(v).all()},
    )


def _has_readings(store: ReadingStore, site: str, start: datetime, stop: datetime) -> bool:
    """Whether the store holds any CO₂ reading of the site in [start, stop)."""
    windows = store.windows(site, "co2_ppm", start, stop, stop - start)
    return bool(len(windows)) and int(windows["count"].sum()) > 0
