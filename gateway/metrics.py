"""The gateway's Prometheus metrics, in a registry of its own so several gateways can share a process."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class GatewayMetrics:
    """Counters, gauges and histograms of one gateway."""

    def __init__(self) -> None:
        """Create the metrics in a fresh registry."""
        self.registry = CollectorRegistry()
        r = self.registry
        self.received = Counter("officewell_messages_received", "MQTT messages received", registry=r)
        self.readings_committed = Counter(
            "officewell_readings_committed", "Readings committed to the outbox", registry=r
        )
        self.readings_stored = Counter("officewell_readings_stored", "Readings accepted by the store", registry=r)
        self.dead_letters = Counter("officewell_dead_letters", "Messages or readings dead-lettered", registry=r)
        self.unregistered = Counter(
            "officewell_unregistered_messages", "Messages from devices the site file does not list", registry=r
        )
        self.store_errors = Counter(
            "officewell_store_errors", "Failed store writes (retried), by kind", ["kind"], registry=r
        )
        self.outbox_full = Counter(
            "officewell_outbox_full", "Times the outbox quota stopped acknowledgements", registry=r
        )
        self.flush_seconds = Histogram(
            "officewell_flush_seconds",
            "Duration of one store write",
            registry=r,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.latency_seconds = Histogram(
            "officewell_ingest_latency_seconds",
            "From receipt of a message to its readings stored",
            registry=r,
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
        )
        self.connected = Gauge("officewell_mqtt_connected", "1 while connected to the broker", registry=r)
        self.outbox_depth = Gauge("officewell_outbox_depth", "Readings waiting for the store", registry=r)
        self.outbox_bytes = Gauge("officewell_outbox_bytes", "Bytes of the outbox file in use", registry=r)

    def watch_outbox(self, depth: Callable[[], float], used_bytes: Callable[[], float]) -> None:
        """Read the outbox's depth and size at scrape time."""
        self.outbox_depth.set_function(depth)
        self.outbox_bytes.set_function(used_bytes)

    def render(self) -> bytes:
        """The Prometheus text exposition."""
        return generate_latest(self.registry)
