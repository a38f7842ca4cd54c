"""Collecting one message's values: numbers with or without a unit, the first source of a quantity winning."""

from __future__ import annotations

import math
import re
from datetime import datetime

from sensors.decoders.base import Sample
from sensors.decoders.jsonpayload import describe
from sensors.decoders.units import convert
from sensors.errors import FieldError, UnitError

# "<number>" or "<number> <unit>", as some codecs send ("21.5 °C", "3.4 V").
_NUMBER_TEXT = re.compile(r"\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S.{0,19}?)?\s*", re.ASCII)


def read_number(raw: object) -> tuple[float, str | None]:
    """A JSON value as (number, unit or None): a number, "<number> <unit>" text, or {"value": n, "unit": u}."""
    if isinstance(raw, dict) and "value" in raw:
        unit = raw.get("unit")
        if unit is not None and not isinstance(unit, str):
            raise FieldError(f"unit: expected text, got {describe(unit)}")
        inner = raw["value"]
        if isinstance(inner, str | dict):  # a unit inside the value as well as beside it would be ambiguous
            raise FieldError(f"value: expected a number, got {describe(inner)}")
        number, _ = read_number(inner)
        return number, unit or None
    if isinstance(raw, str):
        match = _NUMBER_TEXT.fullmatch(raw) if len(raw) <= 64 else None
        if match is None:
            raise FieldError(f"expected a number, got {describe(raw)}")
        return _finite(float(match.group(1)), raw), match.group(2)
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise FieldError(f"expected a number, got {describe(raw)}")
    try:
        number = float(raw)
    except OverflowError:  # an int too large for a float
        raise FieldError(f"not a finite number: {describe(raw)}") from None
    return _finite(number, raw), None


def _finite(number: float, raw: object) -> float:
    if not math.isfinite(number):
        raise FieldError(f"not a finite number: {describe(raw)}")
    return number


class Fields:
    """One message's quantities in canonical keys and units, plus what was rejected, ignored and the battery.

    Sources are offered in priority order: the first source of a quantity decides it (value or rejection);
    later sources of the same quantity are listed as ignored.
    """

    def __init__(self) -> None:
        """Start empty."""
        self.values: dict[str, float] = {}
        self.rejected: dict[str, str] = {}
        self.ignored: list[str] = []
        self.battery_pct: float | None = None

    def add(self, key: str, raw: object, source: str, unit: str | None = None) -> None:
        """Read `raw` as quantity `key`; a unit sent with the value beats `unit`, which beats the quantity's own."""
        if key in self.values or key in self.rejected:
            self.ignored.append(source)
            return
        try:
            number, sent_unit = read_number(raw)
            given = sent_unit or unit
            self.values[key] = number if given is None else convert(key, number, given)
        except (FieldError, UnitError) as exc:
            self.rejected[key] = str(exc) if source == key else f"{source}: {exc}"

    def reject(self, key: str, source: str, reason: str) -> None:
        """Record that quantity `key` could not be read from `source`, unless a source already decided it."""
        if key in self.values or key in self.rejected:
            self.ignored.append(source)
            return
        self.rejected[key] = reason if source == key else f"{source}: {reason}"

    def ignore(self, source: str) -> None:
        """Record a key the format carries that officewell does not store."""
        self.ignored.append(source)

    def battery(self, raw: object, source: str) -> None:
        """Take a battery percentage (0–100); anything else is ignored, since health checks only want a level."""
        try:
            number, unit = read_number(raw)
        except FieldError:
            number, unit = math.nan, None
        if self.battery_pct is None and unit in (None, "%") and 0 <= number <= 100:
            self.battery_pct = number
        else:
            self.ignored.append(source)

    def sample(
        self,
        device: str,
        ts: datetime | None,
        *,
        zone: str | None = None,
        site: str | None = None,
        seq: int | None = None,
    ) -> Sample:
        """The Sample of these fields for one device."""
        return Sample(
            device=device,
            ts=ts,
            values=dict(self.values),
            rejected=dict(self.rejected),
            ignored=tuple(self.ignored),
            zone=zone,
            site=site,
            seq=seq,
            battery_pct=self.battery_pct,
        )
