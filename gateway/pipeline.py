"""The gateway's pure step: one MQTT message in, readings and dead letters out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gateway.deadletter import DeadLetter
from gateway.errors import InvalidRequestError
from sensors.decoders import DECODERS, Decoder, Sample
from sensors.errors import DecodeError
from sensors.quantities import QUANTITIES
from sensors.reading import Reading
from sensors.site import Site

MAX_PAYLOAD_BYTES = 16 * 1024


@dataclass(frozen=True)
class Limits:
    """How far a reading's own timestamp may lie from the time it was received."""

    max_age: timedelta = timedelta(days=30)
    max_future: timedelta = timedelta(minutes=5)


@dataclass(frozen=True)
class DeviceSeen:
    """A device was heard from: for sensor health (last seen, message rate, battery)."""

    format: str
    device: str
    zone: str
    received_at: datetime
    battery_pct: float | None = None
    registered: bool = True  # False: a device the site file does not list (kept apart, in a bounded table)


@dataclass(frozen=True)
class Outcome:
    """What became of one message: readings to store, dead letters to keep, devices heard, keys ignored."""

    readings: tuple[Reading, ...] = ()
    dead_letters: tuple[DeadLetter, ...] = ()
    ignored_keys: int = 0
    unregistered_devices: tuple[str, ...] = field(default=())
    seen: tuple[DeviceSeen, ...] = ()


class Pipeline:
    """Decodes, places and validates messages for one site. Pure: no I/O, no clock."""

    def __init__(self, site: Site, limits: Limits | None = None, formats: Iterable[str] | None = None) -> None:
        """Use the decoders of `formats` (default: native plus every format the site's devices use)."""
        self.site = site
        self.limits = limits or Limits()
        names = list(formats) if formats is not None else ["native", *sorted({d.format for d in site.devices})]
        self.decoders: list[Decoder] = [DECODERS[n].bind(site) for n in dict.fromkeys(names) if n in DECODERS]

    def topic_filters(self) -> list[str]:
        """What the gateway subscribes to."""
        return [f for d in self.decoders for f in d.topic_filters(self.site.id)]

    def handle(self, topic: str, payload: bytes, received_at: datetime) -> Outcome:
        """Turn one message into readings and dead letters; never raises for bad input (only for a naive clock)."""
        if received_at.tzinfo is None:
            raise InvalidRequestError(f"received_at must be timezone-aware, got {received_at!r}")

        def dead(reason: str) -> Outcome:
            return Outcome(dead_letters=(DeadLetter.of(received_at, topic, payload, reason),))

        if len(payload) > MAX_PAYLOAD_BYTES:
            return dead(f"payload of {len(payload)} bytes exceeds the {MAX_PAYLOAD_BYTES}-byte limit")
        decoder = next((d for d in self.decoders if d.matches(topic)), None)
        if decoder is None:
            return dead(f"unknown topic {topic!r}: no decoder for it")
        try:
            samples = decoder.decode(topic, payload)
        except DecodeError as exc:
            return dead(str(exc))
        except Exception as exc:  # a decoder bug must not stop the gateway; the message is kept
            return dead(f"decoder {decoder.name!r} failed: {type(exc).__name__}: {exc}")
        readings: list[Reading] = []
        letters: list[DeadLetter] = []
        unregistered: list[str] = []
        seen: list[DeviceSeen] = []
        ignored = 0
        for sample in samples:
            ignored += len(sample.ignored)
            reading, problems, registered = self._validate(decoder.name, sample, received_at)
            if not registered:
                unregistered.append(sample.device)
            # A listed device counts as heard from unless its message was refused (wrong zone, every value
            # implausible): one that only sends what is refused must not look healthy in sensor health.
            listed = self.site.device(decoder.name, sample.device)
            if listed is not None and (reading is not None or not problems):
                seen.append(DeviceSeen(decoder.name, sample.device, listed.zone, received_at, sample.battery_pct))
            elif listed is None:
                zone = self._zone_of(decoder.name, sample) or ""
                seen.append(
                    DeviceSeen(decoder.name, sample.device, zone, received_at, sample.battery_pct, registered=False)
                )
            if reading is not None:
                readings.append(reading)
            if problems:
                letters.append(
                    DeadLetter.of(received_at, topic, payload, "; ".join(problems), partial=reading is not None)
                )
        return Outcome(tuple(readings), tuple(letters), ignored, tuple(unregistered), tuple(seen))

    def _zone_of(self, format_name: str, sample: Sample) -> str | None:
        """The zone a sample belongs to if it can be placed at all (site and zone known)."""
        if sample.site is not None and sample.site != self.site.id:
            return None
        if sample.zone is not None:
            return sample.zone if self.site.zone(sample.zone) is not None else None
        device = self.site.device(format_name, sample.device)
        return device.zone if device is not None else None

    def _validate(
        self, format_name: str, sample: Sample, received_at: datetime
    ) -> tuple[Reading | None, list[str], bool]:
        """Place the sample in a zone and keep its plausible values; return the problems found."""
        site = self.site
        device = site.device(format_name, sample.device)
        registered = device is not None
        if sample.site is not None and sample.site != site.id:
            return None, [f"site {sample.site!r} is not this gateway's site {site.id!r}"], registered
        if device is None:
            # The site file is the list of devices (contracts §2): an unlisted one is not stored, whatever zone
            # its topic names, or invented names could move a zone's figures and grow the state without bound.
            where = f" (its message names zone {sample.zone!r})" if sample.zone is not None else ""
            return (
                None,
                [f"unregistered {format_name} device {sample.device!r}{where}: {_add_hint(format_name)}"],
                False,
            )
        if sample.zone is not None:
            if site.zone(sample.zone) is None:
                return None, [f"unknown zone {sample.zone!r} for site {site.id!r}"], registered
            if device.zone != sample.zone:
                return (
                    None,
                    [
                        f"device {sample.device!r} sits in zone {device.zone!r} per the site file, "
                        f"but the topic says {sample.zone!r}"
                    ],
                    registered,
                )
            zone = sample.zone
        else:
            zone = device.zone

        ts = sample.ts or received_at
        if ts - received_at > self.limits.max_future:
            return None, [f"ts {ts.isoformat()} is more than {self.limits.max_future} ahead of receipt"], registered
        if received_at - ts > self.limits.max_age:
            return None, [f"ts {ts.isoformat()} is older than {self.limits.max_age.days} days"], registered

        problems = [f"{key}: {why}" for key, why in sample.rejected.items()]
        kept: dict[str, float] = {}
        for key, value in sample.values.items():
            quantity = QUANTITIES[key]
            if quantity.is_plausible(value):
                kept[key] = value
            else:
                problems.append(
                    f"{key}: {value:g} {quantity.unit} outside the plausible range "
                    f"{quantity.minimum:g}–{quantity.maximum:g}"
                )
        if not kept:
            if not problems:
                problems.append(
                    "no known quantity in the message"
                    + (f" (ignored keys: {', '.join(sample.ignored[:10])})" if sample.ignored else "")
                )
            return None, problems, registered
        return Reading(site.id, zone, sample.device, ts, kept), problems, registered


def _add_hint(format_name: str) -> str:
    return f'add it to the site file ([[devices]] with its id, its zone and format = "{format_name}")'
