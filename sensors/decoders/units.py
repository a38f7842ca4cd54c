"""Unit conversion: one small table, exact, from the units devices send to the units of contracts §1."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

from sensors.errors import UnitError
from sensors.quantities import QUANTITIES

Conversion = Callable[[Fraction], Fraction]


def _same(x: Fraction) -> Fraction:
    return x


def _fahrenheit(x: Fraction) -> Fraction:
    return (x - 32) * Fraction(5, 9)


def _kelvin(x: Fraction) -> Fraction:
    return x - Fraction("273.15")


def _ppb_to_ppm(x: Fraction) -> Fraction:
    return x / 1000


def _ppm_to_ppb(x: Fraction) -> Fraction:
    return x * 1000


# Quantity unit -> spellings devices send for a unit of the same kind -> exact conversion into the quantity unit.
# Deliberately short: a unit not listed (µg/m³ for TVOC, dB without A-weighting, mg/m³) is rejected, not guessed.
_TABLE: dict[str, dict[str, Conversion]] = {
    "°C": {
        **dict.fromkeys(("°C", "C", "℃", "degC", "celsius"), _same),
        **dict.fromkeys(("°F", "F", "℉", "degF", "fahrenheit"), _fahrenheit),
        **dict.fromkeys(("K", "kelvin"), _kelvin),
    },
    "%RH": dict.fromkeys(("%", "%RH", "% RH", "RH%", "RH"), _same),
    "ppm": {"ppm": _same, "ppb": _ppb_to_ppm},
    "ppb": {"ppb": _same, "ppm": _ppm_to_ppb},
    "lx": dict.fromkeys(("lx", "lux"), _same),
    "µg/m³": dict.fromkeys(("µg/m³", "µg/m3", "ug/m3", "ug/m³"), _same),
    "dB(A)": dict.fromkeys(("dB(A)", "dBA", "dB A"), _same),
}


def _fold(unit: str) -> str:
    # casefold() also maps the micro sign (U+00B5) to Greek mu, so both spellings of µ meet here.
    return unit.strip().casefold()


_FOLDED: dict[str, dict[str, Conversion]] = {
    target: {_fold(spelling): conversion for spelling, conversion in spellings.items()}
    for target, spellings in _TABLE.items()
}


def convert(key: str, number: float, unit: str) -> float:
    """`number` given in `unit`, converted exactly into the unit of quantity `key`; UnitError says why not."""
    target = QUANTITIES[key].unit
    conversion = _FOLDED.get(target, {}).get(_fold(unit))
    if conversion is None:
        shown = unit if len(unit) <= 20 else unit[:17] + "..."
        raise UnitError(f"unit {shown!r} cannot be converted to {target}")
    if not math.isfinite(number):
        raise UnitError(f"not a finite number: {number!r}")
    if conversion is _same:
        return float(number)
    # From the decimal the device sent (repr round-trips it), so 71.6 °F is exactly 22 °C, not 21.999999999999996.
    exact = conversion(Fraction(repr(float(number))))
    try:
        return float(exact)
    except OverflowError as exc:
        raise UnitError(f"{number!r} {unit} is out of range in {target}") from exc
