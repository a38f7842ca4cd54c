"""Payload-codec output of LoRaWAN network servers (ChirpStack `object`, The Things Stack `decoded_payload`)."""

from __future__ import annotations

from typing import Any

from sensors.decoders.fields import Fields, read_number
from sensors.errors import FieldError
from sensors.quantities import QUANTITY_KEYS

# Codec output key (compared case-insensitively) -> quantity, in priority order: officewell's own keys first,
# then vendor names whose unit is the quantity's unit in every codec we know of:
#   co2 (ppm), temperature (°C), humidity (%RH): Milesight AM300/AM100, Elsys ERS
#   light (lux): Elsys ERS; illumination (lux): Milesight AM104/AM107; lux, illuminance
#   pm2_5 (µg/m³): Milesight AM300; pm2.5: Milesight AM319 (older codec); pm25
#   LAeq and LAFmax (dB(A)): Milesight WS302; the A in the name is the weighting, so LCeq etc. stay unmapped.
_ALIASES = (
    ("co2", "co2_ppm"),
    ("temperature", "temperature_c"),
    ("humidity", "humidity_pct"),
    ("light", "illuminance_lux"),
    ("lux", "illuminance_lux"),
    ("illuminance", "illuminance_lux"),
    ("illumination", "illuminance_lux"),
    ("pm2_5", "pm25_ugm3"),
    ("pm2.5", "pm25_ugm3"),
    ("pm25", "pm25_ugm3"),
    ("laeq", "sound_dba"),
    ("lafmax", "sound_max_dba"),
)
KEYS: dict[str, str] = {key.casefold(): key for key in QUANTITY_KEYS} | dict(_ALIASES)

# Same name, different units between vendors (Milesight AM300 `tvoc` is an IAQ index or µg/m³, AM107 `tvoc` is
# ppb): read only when the value says its unit, e.g. {"value": 120, "unit": "ppb"}; a bare number is ignored.
UNIT_REQUIRED: dict[str, str] = {"tvoc": "tvoc_ppb"}

# Battery level in percent (Milesight `battery`); Elsys `vdd` is millivolts and stays ignored.
BATTERY = frozenset({"battery", "battery_pct", "batterylevel"})

_RANK = {key: rank for rank, key in enumerate(KEYS)}


def read_codec_output(output: dict[str, Any]) -> Fields:
    """The quantities in one codec output object; unknown keys are ignored, never guessed."""
    fields = Fields()
    for key, value in sorted(output.items(), key=lambda item: _RANK.get(item[0].casefold(), len(_RANK))):
        folded = key.casefold()
        if folded in KEYS:
            fields.add(KEYS[folded], value, key)
        elif folded in UNIT_REQUIRED and _has_unit(value):
            fields.add(UNIT_REQUIRED[folded], value, key)
        elif folded in BATTERY:
            fields.battery(value, key)
        else:
            fields.ignore(key)
    return fields


def _has_unit(value: object) -> bool:
    try:
        return read_number(value)[1] is not None
    except FieldError:
        return False
