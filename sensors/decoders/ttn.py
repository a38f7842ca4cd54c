"""The Things Stack v3 MQTT integration: JSON on `v3/<application id>[@<tenant id>]/devices/<device id>/<event>`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sensors.decoders.base import Decoder, Sample
from sensors.decoders.codec import read_codec_output
from sensors.decoders.jsonpayload import describe, field, load_object, text_field
from sensors.decoders.times import parse_time
from sensors.decoders.topics import device_ids, filters, roots_for, split_root
from sensors.errors import DecodeError
from sensors.site import Site

ROOTS = ("v3",)  # The Things Stack's MQTT server; the site file's [topics] may name others


class TheThingsStackDecoder:
    """Decodes uplink messages (`/up`); join, downlink, service and location messages carry no readings."""

    name = "ttn"

    def __init__(self, devices: tuple[str, ...] | None = None, roots: tuple[str, ...] = ROOTS) -> None:
        """`devices` (end device ids) limits subscriptions to those devices; `roots` are the topic prefixes."""
        self._devices = devices
        self.roots = roots

    def bind(self, site: Site) -> Decoder:
        """Subscribe to the uplinks of the site's devices only."""
        return TheThingsStackDecoder(device_ids(site, self.name), roots_for(site, self.name, ROOTS))

    def topic_filters(self, site_id: str) -> tuple[str, ...]:
        """The uplinks of each registered device, or of every device when not bound to a site."""
        return filters("{root}/+/devices/{id}/up", self._devices, "{root}/+/devices/+/up", self.roots)

    def matches(self, topic: str) -> bool:
        """The Things Stack's MQTT topics start with `v3/`."""
        return split_root(topic, self.roots) is not None

    def decode(self, topic: str, payload: bytes) -> list[Sample]:
        """Read the payload formatter's output (`uplink_message.decoded_payload`) of an uplink."""
        root, rest = split_root(topic, self.roots) or (self.roots[0], "")
        parts = rest.split("/")
        if len(parts) < 4 or parts[1] != "devices" or not parts[0] or not parts[2]:
            raise DecodeError(f"topic {topic!r} is not {root}/<application id>@<tenant id>/devices/<device id>/<event>")
        if parts[3:] != ["up"]:
            return []  # join, down/…, service/data, location/solved carry no readings
        obj = load_object(payload)
        device = text_field(obj, "end_device_ids.device_id")
        if device != parts[2]:
            raise DecodeError(f"end_device_ids.device_id {device!r} does not match the topic's {parts[2]!r}")
        if obj.get("simulated") is True:
            # Sent from the Console's "simulate uplink": a test of the formatter, not a measurement.
            raise DecodeError("simulated uplink: not stored as a reading")
        uplink = obj.get("uplink_message")
        if not isinstance(uplink, dict):
            raise DecodeError(f"uplink_message: expected a JSON object, got {describe(uplink)}")
        output = uplink.get("decoded_payload")
        if output is None:
            raise DecodeError("uplink has no decoded_payload: set an uplink payload formatter for the device")
        if not isinstance(output, dict):
            raise DecodeError(f"decoded_payload: expected a JSON object, got {describe(output)}")
        fields = read_codec_output(output)
        # Since v3.33.1 the Application Server adds the device's last reported battery level.
        battery = field(uplink, "last_battery_percentage.value")
        if battery is not None:
            fields.battery(battery, "last_battery_percentage")
        f_cnt = uplink.get("f_cnt")
        seq = f_cnt if isinstance(f_cnt, int) and not isinstance(f_cnt, bool) else None
        return [fields.sample(device, _received_at(obj, uplink), seq=seq)]


def _received_at(obj: dict[str, Any], uplink: dict[str, Any]) -> datetime | None:
    """When the Network Server received the uplink, else when the Application Server did.

    The uplink's own `received_at` is documented as the Network Server's reception time; the top-level one is
    the Application Server's, later by the time the message spent between the two. Gateway times
    (`rx_metadata[].time`) are left out: gateways without GPS report their own, unsynchronised clock.
    """
    name = "uplink_message.received_at" if "received_at" in uplink else "received_at"
    value = uplink.get("received_at", obj.get("received_at"))
    return parse_time(value, name=name) if value is not None else None
