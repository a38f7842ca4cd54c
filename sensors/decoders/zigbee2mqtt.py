"""zigbee2mqtt: device state as JSON on `zigbee2mqtt/<friendly name>` (names may contain spaces and slashes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sensors.decoders.base import Decoder, Sample
from sensors.decoders.fields import Fields
from sensors.decoders.jsonpayload import describe, load_object
from sensors.decoders.times import parse_time
from sensors.decoders.topics import device_ids, filters, roots_for, split_root
from sensors.errors import DecodeError
from sensors.site import Site

ROOTS = ("zigbee2mqtt",)  # zigbee2mqtt's `mqtt.base_topic`; the site file's [topics] may name others

# Exposed property -> quantity, in priority order: `illuminance_lux` first because before zigbee2mqtt 2.0
# `illuminance` was a raw value next to it; since 2.0 `illuminance` itself is lux and `illuminance_lux` is gone.
_PROPERTIES = {
    "co2": "co2_ppm",
    "temperature": "temperature_c",
    "humidity": "humidity_pct",
    "pm25": "pm25_ugm3",
    "illuminance_lux": "illuminance_lux",
    "illuminance": "illuminance_lux",
}

_RANK = {key: rank for rank, key in enumerate(_PROPERTIES)}

# `voc` has no single unit: the generic expose is µg/m³ (not convertible to ppb), some devices override it.
# It is read only for models whose documented expose says ppb; the model is in the payload when
# zigbee2mqtt runs with `mqtt.include_device_information: true`. https://www.zigbee2mqtt.io/devices/VOCKQJK11LM.html
_VOC_PPB_MODELS = frozenset({"VOCKQJK11LM"})

# Not readings and not counted as ignored: the time stamp and the device information block.
_META = frozenset({"last_seen", "device"})

# Sub-topics of a device that carry commands or availability, never readings.
_NON_READING_SUFFIXES = ("/availability", "/set", "/get")

# last_seen as epoch milliseconds (the `epoch` setting) beyond this is not a plausible time.
_MAX_EPOCH_MS = 32_503_680_000_000  # year 3000


class Zigbee2MqttDecoder:
    """Decodes zigbee2mqtt device messages; bridge, availability and set/get topics carry no readings."""

    name = "zigbee2mqtt"

    def __init__(self, roots: tuple[str, ...] = ROOTS, devices: tuple[str, ...] | None = None) -> None:
        """Use the base topics `roots`; `devices` limits subscriptions to those friendly names."""
        self.roots = roots
        self._devices = devices

    def bind(self, site: Site) -> Decoder:
        """Subscribe to the site's zigbee2mqtt devices only: the bridge also serves lights and switches."""
        return Zigbee2MqttDecoder(roots_for(site, self.name, ROOTS), device_ids(site, self.name))

    def topic_filters(self, site_id: str) -> tuple[str, ...]:
        """Each registered device's topic; every zigbee2mqtt topic when not bound to a site."""
        return filters("{root}/{id}", self._devices, "{root}/#", self.roots)

    def matches(self, topic: str) -> bool:
        """zigbee2mqtt topics start with a base topic."""
        return split_root(topic, self.roots) is not None

    def decode(self, topic: str, payload: bytes) -> list[Sample]:
        """Read the quantities of one device state message."""
        root, name = split_root(topic, self.roots) or ("", "")
        if not name:
            raise DecodeError(f"topic {topic!r} names no device after {root or self.roots[0]}/")
        if _carries_no_readings(name):
            return []
        obj = load_object(payload)
        fields = Fields()
        ordered = sorted(obj.items(), key=lambda item: _rank(item[0]))
        for key, value in ordered:
            if key in _PROPERTIES:
                fields.add(_PROPERTIES[key], value, key)
            elif key == "voc" and _model(obj) in _VOC_PPB_MODELS:
                fields.add("tvoc_ppb", value, key, unit="ppb")
            elif key == "battery":
                fields.battery(value, key)
            elif key not in _META:
                fields.ignore(key)
        return [fields.sample(name, _last_seen(obj.get("last_seen")))]


def _carries_no_readings(name: str) -> bool:
    if name == "bridge" or name.startswith("bridge/"):
        return True
    if name.endswith(_NON_READING_SUFFIXES):
        return True
    return "/set/" in name or "/get/" in name  # zigbee2mqtt/<name>/set/<attribute>


def _rank(key: str) -> int:
    return _RANK.get(key, len(_RANK))


def _model(obj: dict[str, Any]) -> object:
    device = obj.get("device")
    return device.get("model") if isinstance(device, dict) else None


def _last_seen(value: object) -> datetime | None:
    """zigbee2mqtt's `last_seen`: ISO 8601 with Z or offset, or epoch milliseconds; absent → time of receipt."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        # The `epoch` setting sends milliseconds, unlike the native format's epoch seconds.
        if not 0 <= value <= _MAX_EPOCH_MS:
            raise DecodeError(f"last_seen: epoch milliseconds {describe(value)} out of range")
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if isinstance(value, str):
        return parse_time(value, name="last_seen")
    raise DecodeError(f"last_seen: expected ISO 8601 text or epoch milliseconds, got {describe(value)}")
