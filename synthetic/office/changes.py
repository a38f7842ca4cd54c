"""Planted changes to a zone from a date on: an action done in the office, for before/after analysis.

A `ZoneChange` says what was done in one zone and from which local day it holds:

- `ventilation_lps`: the outdoor air was rebalanced to this rate (l/s at the filter's design pressure
  drop, like the site file's `ventilation_lps`); filter loading still acts on it, and the fan noise
  follows the new flow;
- `sound_offset_db`: sound absorbers or screens (negative) or a noisier fit-out (positive), added to
  the zone's LAeq and LAFmax at all hours;
- `illuminance_offset_lux`: a lighting upgrade, added to the electric light at the desks while it
  burns (daylight is unchanged; the electric light never goes below zero).

Several changes to one zone add up in date order: the latest ventilation holds, offsets accumulate.
Nothing before `on` changes, nor anything in any other zone (each zone has its own random streams).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from numbers import Real

from sensors.site import Site, Zone
from synthetic.errors import SyntheticInputError

MAX_VENTILATION_LPS = 100_000.0  # as the site file's zones allow
QUANTITY_FIELDS = ("ventilation_lps", "sound_offset_db", "illuminance_offset_lux")


@dataclass(frozen=True)
class ZoneChange:
    """One action in one zone, in force from the local date `on` onward (see the module for the fields)."""

    zone: str
    on: date
    ventilation_lps: float | None = None
    sound_offset_db: float | None = None
    illuminance_offset_lux: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.zone, str) or not self.zone:
            raise SyntheticInputError(f"ZoneChange.zone must be a zone id, got {self.zone!r}")
        where = f"change to zone {self.zone!r}"
        # datetime is a date too, but a change holds from a local day on, not from an instant.
        if isinstance(self.on, datetime) or not isinstance(self.on, date):
            raise SyntheticInputError(f"{where}: on must be a date (a local day), got {self.on!r}")
        given = 0
        for name in QUANTITY_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
                raise SyntheticInputError(f"{where} on {self.on}: {name} must be a finite number, got {value!r}")
            object.__setattr__(self, name, float(value))  # frozen: normalise ints once, here
            given += 1
        if given == 0:
            raise SyntheticInputError(f"{where} on {self.on} changes nothing: give one of {', '.join(QUANTITY_FIELDS)}")
        if self.ventilation_lps is not None and not 0 < self.ventilation_lps <= MAX_VENTILATION_LPS:
            raise SyntheticInputError(
                f"{where} on {self.on}: ventilation_lps must be > 0 and ≤ {MAX_VENTILATION_LPS:g}, "
                f"got {self.ventilation_lps!r}"
            )

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> ZoneChange:
        """A change from plain values (a TOML table, JSON), `on` as a date or an ISO date string."""
        known = [f.name for f in fields(cls)]
        unknown = sorted(str(k) for k in values if k not in known)
        if unknown:
            raise SyntheticInputError(
                f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} in a zone change; "
                f"known: {', '.join(known)}"
            )
        missing = [name for name in ("zone", "on") if name not in values]
        if missing:
            raise SyntheticInputError(f"a zone change needs {' and '.join(missing)}")
        on = values["on"]
        if isinstance(on, str):
            try:
                on = date.fromisoformat(on)
            except ValueError as exc:
                raise SyntheticInputError(f"zone change on {on!r}: not an ISO date (YYYY-MM-DD)") from exc
        return cls(**{**values, "on": on})  # type: ignore[arg-type]  # __post_init__ checks every type


@dataclass(frozen=True)
class ZoneState:
    """What holds in a zone on a day: its design outdoor air and the offsets of the changes made so far."""

    ventilation_lps: float
    sound_offset_db: float = 0.0
    illuminance_offset_lux: float = 0.0


class ZoneChanges:
    """A site's planted changes, checked against the site and looked up by zone and day."""

    def __init__(self, site: Site, changes: Iterable[ZoneChange]) -> None:
        """Check that every change is a ZoneChange of a zone of the site, at most one per zone and day."""
        if isinstance(changes, ZoneChange):
            raise SyntheticInputError("changes must be a sequence of ZoneChange; wrap a single change in a tuple")
        items = tuple(changes)
        seen: set[tuple[str, date]] = set()
        for i, change in enumerate(items):
            if not isinstance(change, ZoneChange):
                raise SyntheticInputError(
                    f"changes[{i}] is a {type(change).__name__}, not a ZoneChange (use ZoneChange.from_mapping)"
                )
            if site.zone(change.zone) is None:
                raise SyntheticInputError(
                    f"changes[{i}]: zone {change.zone!r} is not a zone of site {site.id!r} "
                    f"(zones: {', '.join(z.id for z in site.zones)})"
                )
            if (change.zone, change.on) in seen:
                raise SyntheticInputError(
                    f"changes[{i}]: zone {change.zone!r} has two changes on {change.on}; put them in one ZoneChange"
                )
            seen.add((change.zone, change.on))
        self.changes: tuple[ZoneChange, ...] = tuple(sorted(items, key=lambda c: (c.on, c.zone)))
        self._by_zone: dict[str, list[ZoneChange]] = {}
        for change in self.changes:
            self._by_zone.setdefault(change.zone, []).append(change)
        self._dates = {zone: [c.on for c in own] for zone, own in self._by_zone.items()}

    def __bool__(self) -> bool:
        """Whether any change was planted."""
        return bool(self.changes)

    def state(self, zone: Zone, day: date) -> ZoneState:
        """The zone as it is on `day`: the site file's values with every change made on or before it."""
        own = self._by_zone.get(zone.id)
        if not own:
            return ZoneState(zone.ventilation_lps)
        ventilation, sound, light = zone.ventilation_lps, 0.0, 0.0
        for change in own[: bisect.bisect_right(self._dates[zone.id], day)]:
            ventilation = change.ventilation_lps if change.ventilation_lps is not None else ventilation
            sound += change.sound_offset_db or 0.0
            light += change.illuminance_offset_lux or 0.0
        return ZoneState(ventilation, sound, light)
