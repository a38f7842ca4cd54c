"""Payload decoders by format name: the one registry that every device format plugs into."""

from __future__ import annotations

from sensors.decoders.base import Decoder, Sample
from sensors.decoders.native import NativeDecoder

# Explicit, not discovered: adding a format is adding a line here and a module beside it.
DECODERS: dict[str, Decoder] = {
    "native": NativeDecoder(),
}


def decoder_for(format_name: str) -> Decoder:
    """The decoder registered under a format name; KeyError names the known formats."""
    try:
        return DECODERS[format_name]
    except KeyError:
        raise KeyError(f"no decoder for format {format_name!r}; known: {', '.join(DECODERS)}") from None


__all__ = ["DECODERS", "Decoder", "Sample", "decoder_for"]
