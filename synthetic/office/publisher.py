"""Live mode: publish the simulated devices' current values over MQTT in the native format."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from sensors.decoders.native import native_topic
from sensors.quantities import QUANTITIES
from sensors.site import SEGMENT, Site
from synthetic.errors import SyntheticInputError
from synthetic.office.simulator import OfficeSimulator

log = logging.getLogger(__name__)


class MqttClient(Protocol):
    """The part of a connected paho-mqtt 2.x Client that publishing needs."""

    def publish(self, topic: str, payload: bytes, qos: int) -> Any:
        """Queue one message."""
        ...


def native_payload(ts: datetime, seq: int, values: dict[str, float]) -> bytes:
    """The native JSON payload of one reading: `ts` in UTC with a Z, `seq`, and values at the devices' resolution."""
    if ts.tzinfo is None or ts.utcoffset() is None:
        raise SyntheticInputError(f"ts must be timezone-aware, got {ts!r}")
    body: dict[str, object] = {"ts": ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "seq": seq}
    for key, value in values.items():
        body[key] = round(value, QUANTITIES[key].reported_decimals if key in QUANTITIES else 2)
    return json.dumps(body, separators=(",", ":"), allow_nan=False).encode("utf-8")


def publish_live(
    simulator: OfficeSimulator,
    client: MqttClient,
    site: Site,
    *,
    interval_s: float,
    stop_event: threading.Event,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    """Publish every device's current values every interval_s seconds (QoS 1) until stop_event is set.

    A device in a dropout sends nothing; `seq` counts each device's messages from 1. Returns how many
    messages were handed to the client.
    """
    if interval_s <= 0:
        raise SyntheticInputError(f"interval_s must be positive, got {interval_s}")
    # The native topic carries the device id as a segment; ids that cannot be one are not publishable.
    devices = [d for d in site.devices if SEGMENT.fullmatch(d.id)]
    for skipped in sorted({d.id for d in site.devices} - {d.id for d in devices}):
        log.warning("device %r cannot be named in a native topic; not publishing it", skipped)
    seq = dict.fromkeys((d.id for d in devices), 0)
    sent = 0
    while not stop_event.is_set():
        began = time.monotonic()
        now = clock()
        for device in devices:
            values = simulator.values_at(device.id, now)
            if not values:
                continue
            seq[device.id] += 1
            topic = native_topic(site.id, device.zone, device.id)
            client.publish(topic, native_payload(now, seq[device.id], values), qos=1)
            sent += 1
        # Sleep what is left of the interval; the event wakes the loop at once when it is set.
        stop_event.wait(max(0.0, interval_s - (time.monotonic() - began)))
    return sent
