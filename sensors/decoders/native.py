"""The native officewell format (contracts §2): flat JSON on `officewell/{site}/{zone}/{device}`."""

from __future__ import annotations

import math

from sensors.decoders.base import Decoder, Sample
from sensors.decoders.jsonpayload import describe, load_object
from sensors.decoders.times import parse_time
from sensors.errors import DecodeError
from sensors.quantities import QUANTITIES
from sensors.site import SEGMENT, Site

TOPIC_ROOT = "officewell"
_META_KEYS = frozenset({"ts", "seq"})


def native_topic(site: str, zone: str, device: str) -> str:
    """The topic a native device publishes on."""
    return f"{TOPIC_ROOT}/{site}/{zone}/{device}"


class NativeDecoder:
    """Decodes officewell's own JSON payloads."""

    name = "native"
    roots: tuple[str, ...] = (TOPIC_ROOT,)  # fixed by contracts §2

    def bind(self, site: Site) -> Decoder:
        """The native format needs nothing from the site: the topic names site, zone and device."""
        return self

    def topic_filters(self, site_id: str) -> tuple[str, ...]:
        """All native topics of the site."""
        return (f"{TOPIC_ROOT}/{site_id}/+/+",)

    def matches(self, topic: str) -> bool:
        """Native topics start with `officewell/`."""
        return topic.startswith(TOPIC_ROOT + "/")

    def decode(self, topic: str, payload: bytes) -> list[Sample]:
        """Parse the JSON object and pick out `ts`, `seq` and the quantity keys."""
        parts = topic.split("/")
        if len(parts) != 4 or not all(SEGMENT.fullmatch(p) for p in parts[1:]):
            raise DecodeError(
                f"topic {topic!r} is not officewell/{{site}}/{{zone}}/{{device}} "
                "with segments of 1–64 letters, digits, '_' or '-'"
            )
        _, site, zone, device = parts
        obj = load_object(payload)
        ts = parse_time(obj["ts"]) if obj.get("ts") is not None else None
        seq = obj.get("seq")
        if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int)):
            raise DecodeError(f"seq: expected an integer, got {seq!r}")
        values: dict[str, float] = {}
        rejected: dict[str, str] = {}
        ignored: list[str] = []
        for key, value in obj.items():
            if key in _META_KEYS:
                continue
            if key not in QUANTITIES:
                ignored.append(key)
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                rejected[key] = f"expected a number, got {describe(value)}"
                continue
            try:
                number = float(value)
            except OverflowError:  # an integer of hundreds of digits
                number = math.inf
            if not math.isfinite(number):
                rejected[key] = f"not a finite number: {describe(value)}"
                continue
            values[key] = number
        return [
            Sample(
                device=device,
                ts=ts,
                values=values,
                rejected=rejected,
                ignored=tuple(ignored),
                zone=zone,
                site=site,
                seq=seq,
            )
        ]
