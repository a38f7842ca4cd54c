"""Payload decoders by format name: the one registry that every device format plugs into."""

from __future__ import annotations

from sensors.decoders.base import Decoder, Sample
from sensors.decoders.chirpstack import ChirpStackDecoder
from sensors.decoders.lineprotocol import LineProtocolDecoder
from sensors.decoders.native import NativeDecoder
from sensors.decoders.tasmota import TasmotaDecoder
from sensors.decoders.ttn import TheThingsStackDecoder
from sensors.decoders.zigbee2mqtt import Zigbee2MqttDecoder
from sensors.errors import UnknownFormatError

# Explicit, not discovered: adding a format is adding a line here and a module beside it. The keys are the
# `format` names of the site file. These instances are site-independent; `bind(site)` gives the one to use.
DECODERS: dict[str, Decoder] = {
    "native": NativeDecoder(),
    "zigbee2mqtt": Zigbee2MqttDecoder(),
    "chirpstack": ChirpStackDecoder(),
    "ttn": TheThingsStackDecoder(),
    "tasmota": TasmotaDecoder(),
    "line-protocol": LineProtocolDecoder(),
}


def decoder_for(format_name: str) -> Decoder:
    """The decoder registered under a format name; UnknownFormatError names the known formats."""
    try:
        return DECODERS[format_name]
    except KeyError:
        raise UnknownFormatError(f"no decoder for format {format_name!r}; known: {', '.join(DECODERS)}") from None


__all__ = ["DECODERS", "Decoder", "Sample", "decoder_for"]
