"""Tasmota telemetry: `tele/<%topic%>/SENSOR` JSON with one block per sensor and a local, offset-less `Time`."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from sensors.decoders.base import Decoder, Sample
from sensors.decoders.fields import Fields
from sensors.decoders.jsonpayload import describe, load_object
from sensors.decoders.times import parse_time
from sensors.decoders.topics import device_ids, filters, roots_for, split_root
from sensors.errors import DecodeError
from sensors.site import Site

# Field of a sensor block -> quantity. Units are Tasmota's: ppm, %RH, lux, ppb (SGP30/CCS811 TVOC), µg/m³;
# temperatures are in the message's `TempUnit`. eCO2 (an estimate from VOC) and DewPoint are not stored.
_FIELDS = {
    "CarbonDioxide": "co2_ppm",
    "Temperature": "temperature_c",
    "Humidity": "humidity_pct",
    "Illuminance": "illuminance_lux",
    "TVOC": "tvoc_ppb",
    "PM2.5": "pm25_ugm3",
}

# When several blocks carry one quantity, the block earliest in this list wins (then unlisted blocks by name):
# dedicated temperature/humidity sensors before the NDIR CO2 modules, whose own temperature reads high from
# self-heating (Sensirion's SCD30/SCD4x notes), and NDIR before estimated CO2.
PRIORITY = (
    "SHT4X", "SHT3X", "SHT2X", "BME680", "BME280", "BMP280", "AHT2X", "AHT1X", "SI7021", "HTU21", "AM2301",
    "DHT11", "DS18B20", "SCD30", "SCD40", "SCD41", "MHZ19B", "SenseAir", "SGP30", "CCS811",
    "BH1750", "TSL2561", "TSL2591", "VEML7700", "SDS0X1", "PMS5003",
)  # fmt: skip

_META = frozenset({"Time", "TempUnit", "PressureUnit", "SpeedUnit", "Epoch"})

ROOTS = ("tele",)  # Tasmota's telemetry %prefix%; the site file's [topics] may name others


class TasmotaDecoder:
    """Decodes `SENSOR` telemetry; `LWT` (Online/Offline), `STATE` and other `tele/` topics carry no readings."""

    name = "tasmota"

    def __init__(
        self, tz: tzinfo | None = None, devices: tuple[str, ...] | None = None, roots: tuple[str, ...] = ROOTS
    ) -> None:
        """`tz` reads the offset-less `Time` (the site's zone); `devices` limits subscriptions; `roots`: %prefix%."""
        self._tz = tz
        self._devices = devices
        self.roots = roots

    def bind(self, site: Site) -> Decoder:
        """Read `Time` in the site's time zone and subscribe to the site's Tasmota devices only."""
        return TasmotaDecoder(site.site.tz, device_ids(site, self.name), roots_for(site, self.name, ROOTS))

    def topic_filters(self, site_id: str) -> tuple[str, ...]:
        """Each registered device's SENSOR topic, or every device's when not bound to a site."""
        return filters("{root}/{id}/SENSOR", self._devices, "{root}/+/SENSOR", self.roots)

    def matches(self, topic: str) -> bool:
        """Tasmota telemetry topics start with `tele/` (Tasmota's telemetry %prefix%)."""
        return split_root(topic, self.roots) is not None

    def decode(self, topic: str, payload: bytes) -> list[Sample]:
        """Read the sensor blocks of one SENSOR message."""
        root, rest = split_root(topic, self.roots) or (self.roots[0], "")
        device, _, kind = rest.rpartition("/")
        if not device:
            raise DecodeError(f"topic {topic!r} is not {root}/<topic>/<message>")
        if kind != "SENSOR":
            return []  # LWT, STATE, INFO1…3, RESULT: status, not readings
        obj = load_object(payload)
        fields = Fields()
        temp_unit = obj.get("TempUnit")
        for block_name, block in sorted(obj.items(), key=lambda item: _rank(item[0])):
            if block_name in _META:
                continue
            if not isinstance(block, dict):
                fields.ignore(block_name)
                continue
            _read_block(fields, block_name, block, temp_unit)
        return [fields.sample(device, self._time(obj.get("Time")))]

    def _time(self, value: object) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str) and self._tz is None and _is_naive(value):
            raise DecodeError(f"Time {describe(value)} has no offset and no site time zone is bound to read it in")
        # An hour repeated when clocks go back is read as its first occurrence (fold=0).
        local = parse_time(value, self._tz, name="Time")
        # In UTC: a zoneinfo time in the repeated hour never compares equal across zones (PEP 495).
        return local.astimezone(UTC)


def _read_block(fields: Fields, block_name: str, block: dict[str, Any], temp_unit: object) -> None:
    for key, value in block.items():
        source = f"{block_name}.{key}"
        quantity = _FIELDS.get(key)
        if quantity is None:
            fields.ignore(source)
        elif quantity != "temperature_c":
            fields.add(quantity, value, source)
        elif temp_unit is None:
            fields.reject(quantity, source, "no TempUnit in the message to say whether it is °C or °F")
        elif not isinstance(temp_unit, str):
            fields.reject(quantity, source, f"TempUnit is {describe(temp_unit)}, not a unit name")
        else:
            fields.add(quantity, value, source, unit=temp_unit)


def _rank(block_name: str) -> tuple[int, str]:
    # Several sensors of one type are named like "DS18B20-1" or "SHT3X-0x44".
    base = block_name.split("-", 1)[0]
    return (PRIORITY.index(base) if base in PRIORITY else len(PRIORITY), block_name)


def _is_naive(text: str) -> bool:
    try:
        return datetime.fromisoformat(text.strip()).tzinfo is None
    except ValueError:
        return False  # parse_timestamp gives the reason
