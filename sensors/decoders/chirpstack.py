"""ChirpStack v4 events (JSON marshaler) on `application/<application id>/device/<DevEUI>/event/<type>`."""

from __future__ import annotations

import re

from sensors.decoders.base import Decoder, Sample
from sensors.decoders.codec import read_codec_output
from sensors.decoders.jsonpayload import describe, field, load_object, text_field
from sensors.decoders.times import parse_time
from sensors.decoders.topics import device_ids, filters, roots_for, split_root
from sensors.errors import DecodeError
from sensors.site import Site

_DEV_EUI = re.compile(r"[0-9a-fA-F]{16}")
ROOTS = ("application",)  # the MQTT integration's topic prefix; the site file's [topics] may name others


class ChirpStackDecoder:
    """Decodes `up` events; join, status, ack, txack, log, location and integration events carry no readings."""

    name = "chirpstack"

    def __init__(self, devices: tuple[str, ...] | None = None, roots: tuple[str, ...] = ROOTS) -> None:
        """`devices` (DevEUIs) limits subscriptions to those devices; `roots` are the integration's topic prefixes."""
        self._devices = devices
        self.roots = roots

    def bind(self, site: Site) -> Decoder:
        """Subscribe to the uplinks of the site's ChirpStack devices only."""
        devices = tuple(d.lower() for d in device_ids(site, self.name))
        return ChirpStackDecoder(devices, roots_for(site, self.name, ROOTS))

    def topic_filters(self, site_id: str) -> tuple[str, ...]:
        """The `up` events of each registered device, or of every device when not bound to a site."""
        return filters("{root}/+/device/{id}/event/up", self._devices, "{root}/+/device/+/event/up", self.roots)

    def matches(self, topic: str) -> bool:
        """ChirpStack's integration topics start with `application/` (or the site's prefix)."""
        return split_root(topic, self.roots) is not None

    def decode(self, topic: str, payload: bytes) -> list[Sample]:
        """Read the codec output (`object`) of an uplink event."""
        root, rest = split_root(topic, self.roots) or (self.roots[0], "")
        parts = rest.split("/")
        if len(parts) != 5 or parts[1] != "device" or parts[3] not in ("event", "command"):
            raise DecodeError(f"topic {topic!r} is not {root}/<application id>/device/<DevEUI>/event/<type>")
        if parts[3] != "event" or parts[4] != "up":
            return []  # other events and downlink commands carry no readings
        try:
            obj = load_object(payload)
        except DecodeError as exc:
            if payload.lstrip()[:1] == b"{":
                raise
            raise DecodeError(f"{exc} (ChirpStack sends Protobuf unless [integration.mqtt] json=true)") from None
        dev_eui = text_field(obj, "deviceInfo.devEui")
        if not _DEV_EUI.fullmatch(dev_eui):
            raise DecodeError(f"deviceInfo.devEui: expected 16 hex digits, got {describe(dev_eui)}")
        if dev_eui.lower() != parts[2].lower():
            raise DecodeError(f"deviceInfo.devEui {dev_eui} does not match the topic's DevEUI {parts[2]!r}")
        time = obj.get("time")
        ts = parse_time(time, name="time") if time is not None else None
        output = obj.get("object")
        if output is None:
            raise DecodeError("uplink has no decoded `object`: set a codec in the device profile")
        if not isinstance(output, dict):
            raise DecodeError(f"object: expected a JSON object, got {describe(output)}")
        f_cnt = field(obj, "fCnt")
        seq = f_cnt if isinstance(f_cnt, int) and not isinstance(f_cnt, bool) else None
        return [read_codec_output(output).sample(dev_eui.lower(), ts, seq=seq)]
