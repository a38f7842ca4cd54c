"""`officewell simulate`: the site's office, simulated, published live over MQTT or backfilled into a store."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from gateway.stores.urls import masked
from officewell.commands.options import DataDir, JsonOpt, MqttOpt, SiteOpt, StoreOpt, settings_of
from officewell.console import ProgressBar, fail, known_errors, print_json


def simulate(
    site: SiteOpt = None,
    mqtt: MqttOpt = None,
    store: StoreOpt = None,
    data_dir: DataDir = None,
    backfill_days: Annotated[
        float, typer.Option(help="Instead of publishing live, write this many days of history straight into the store.")
    ] = 0,
    interval: Annotated[float, typer.Option(min=0.1, help="Seconds between live readings of each device.")] = 60.0,
    seed: Annotated[int, typer.Option(help="The same seed gives the same office.")] = 42,
    as_json: JsonOpt = False,
) -> None:
    """Simulate the site's office: publish native readings over MQTT live, or backfill history into a store."""
    from gateway.mqtt import BrokerAddress
    from officewell.runners.simulate import backfill, publish, simulator_for
    from officewell.wiring import site_of, store_of

    settings = settings_of(as_json=as_json, site=site, mqtt=mqtt, store=store, data_dir=data_dir)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(days=backfill_days)
    try:
        the_site = site_of(settings)
        simulator = simulator_for(the_site, seed, now - timedelta(days=max(backfill_days, 30)))
    except known_errors() as exc:
        fail(str(exc), as_json=as_json)
    if backfill_days > 0:
        try:
            reading_store = store_of(settings)
        except known_errors() as exc:
            fail(str(exc), as_json=as_json)
        try:
            with ProgressBar("Backfilling", enabled=not as_json) as bar:
                written = backfill(simulator, reading_store, start, now, progress=bar.update)
        except known_errors() as exc:
            fail(str(exc), code=1, as_json=as_json)
        finally:
            reading_store.close()
        if as_json:
            print_json(
                {
                    "readings": written,
                    "start": start.isoformat(),
                    "stop": now.isoformat(),
                    "store": masked(settings.store_url),
                }
            )
        else:
            typer.echo(f"wrote {written} readings from {start} to {now}")
        return
    try:
        broker = BrokerAddress.parse(settings.mqtt, ca_file=settings.mqtt_ca_file)
    except known_errors() as exc:
        fail(str(exc), as_json=as_json)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    typer.echo(f"publishing {len(the_site.devices)} devices every {interval:g} s to {broker.url()}", err=True)
    try:
        sent = publish(simulator, broker, interval_s=interval, stop=stop)
    except OSError as exc:
        fail(f"cannot reach the MQTT broker at {broker.url()}: {exc}", code=1, as_json=as_json)
    if as_json:
        print_json({"messages": sent, "broker": broker.url()})
