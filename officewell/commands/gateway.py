"""`officewell gateway`: MQTT in, valid readings into the store, the rest dead-lettered with a reason."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gateway.stores.urls import masked
from officewell.commands.options import DataDir, MqttOpt, SiteOpt, StoreOpt, settings_of
from officewell.console import fail, known_errors

if TYPE_CHECKING:
    from gateway.service import Gateway


def gateway(
    site: SiteOpt = None,
    mqtt: MqttOpt = None,
    store: StoreOpt = None,
    state_dir: Annotated[
        Path | None, typer.Option(help="The gateway's durable state. [env: OFFICEWELL_STATE_DIR]")
    ] = None,
    data_dir: DataDir = None,
    metrics_port: Annotated[
        int | None, typer.Option(help="Serve Prometheus /metrics on this port. [env: OFFICEWELL_METRICS_PORT]")
    ] = None,
) -> None:
    """Subscribe to the site's MQTT topics and store valid readings; dead-letter the rest with a reason.

    Messages are acknowledged to the broker only once committed to the durable outbox in the state dir;
    the outbox drains into the store in batches. With --metrics-port, /metrics serves Prometheus metrics.
    """
    from officewell.runners.gateway import run_gateway
    from officewell.wiring import site_of, store_of

    settings = settings_of(
        site=site, mqtt=mqtt, store=store, state_dir=state_dir, data_dir=data_dir, metrics_port=metrics_port
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())

    def started(gw: Gateway) -> None:
        typer.echo(
            f"gateway for site {gw.pipeline.site.id}: {gw.broker.url()} -> {masked(settings.store_url)} "
            f"(outbox {settings.outbox_path})",
            err=True,
        )

    try:
        the_site = site_of(settings)
        reading_store = store_of(settings)
    except known_errors() as exc:
        fail(str(exc))
    try:
        run_gateway(settings, the_site, reading_store, stop, on_started=started)
    except known_errors(ConnectionError) as exc:
        fail(str(exc))
    finally:
        reading_store.close()
