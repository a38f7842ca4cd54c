"""What every decoder is: a topic matcher and a payload-to-samples function."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sensors.site import Site


@dataclass(frozen=True)
class Sample:
    """What a decoder read from one message for one device, before validation against the quantities.

    `values` holds candidate values already in canonical keys and units; `rejected` maps a key to
    why its value could not be read at all (wrong type, unconvertible unit); `ignored` lists keys
    the format carries that officewell does not store. `zone` and `site` are set only when the
    message itself names them (the native topic, line protocol tags); otherwise the site file places
    the device. `battery_pct` is the device's battery level when its format reports one (0–100).
    """

    device: str
    ts: datetime | None
    values: Mapping[str, float] = field(default_factory=dict)
    rejected: Mapping[str, str] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()
    zone: str | None = None
    site: str | None = None
    seq: int | None = None
    battery_pct: float | None = None


class Decoder(Protocol):
    """A device format: which topics it owns and how it turns a payload into samples."""

    name: str
    roots: tuple[str, ...]  # the first topic levels this format's messages arrive under

    def bind(self, site: Site) -> Decoder:
        """This decoder configured for one site (its time zone, its devices); may return itself."""
        ...

    def topic_filters(self, site_id: str) -> tuple[str, ...]:
        """MQTT subscription filters that carry this format for a site."""
        ...

    def matches(self, topic: str) -> bool:
        """Whether a topic belongs to this format."""
        ...

    def decode(self, topic: str, payload: bytes) -> list[Sample]:
        """Decode one payload; [] for a message that carries no readings (status, availability).

        Raises DecodeError with a reason for a message that cannot be read.
        """
        ...
