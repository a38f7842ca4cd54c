"""The gateway process: MQTT in, the durable outbox, the store; Prometheus metrics; a status line a minute."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from prometheus_client import start_http_server

from gateway.service import Gateway
from gateway.stores import ReadingStore
from officewell.settings import Settings
from officewell.wiring import gateway_of
from sensors.site import Site

log = logging.getLogger("officewell.gateway")

STATUS_EVERY_S = 60.0


def run_gateway(
    settings: Settings,
    site: Site,
    store: ReadingStore,
    stop: threading.Event,
    *,
    on_started: Callable[[Gateway], None] | None = None,
    connect_wait_s: float = 30.0,
) -> None:
    """Run the gateway until `stop` is set, then commit what is queued and flush the outbox.

    Raises ConnectionError if the broker is not reached within connect_wait_s, GatewayError for a bad set-up.
    """
    gateway = gateway_of(settings, site, store)
    try:
        if settings.metrics_port is not None:
            start_http_server(settings.metrics_port, addr=settings.host, registry=gateway.metrics.registry)
        gateway.start(wait_s=connect_wait_s)
        if on_started is not None:
            on_started(gateway)
        while not stop.wait(STATUS_EVERY_S):
            s = gateway.stats
            log.info(
                "received %d, committed %d readings, %d dead letters, outbox depth %d",
                s.received,
                s.readings_committed,
                s.dead_letters,
                gateway.outbox.depth(),
            )
        log.info("stopping: committing what is queued and flushing the outbox")
        gateway.stop()
    finally:
        gateway.outbox.close()
