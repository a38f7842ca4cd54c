"""InfluxDB line protocol for readings (contracts §3): measurement `environment`, tags site/zone/device."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from gateway.errors import LineProtocolError, StoreRejectedError
from sensors.reading import Reading

if TYPE_CHECKING:
    from gateway.stores.batch import PointBatch

MEASUREMENT = "environment"
TAG_KEYS = ("device", "site", "zone")  # sorted: the order InfluxDB indexes fastest

_TAG_ESCAPES = str.maketrans({",": r"\,", "=": r"\=", " ": r"\ "})


def escape_tag(value: str) -> str:
    """Escape a tag key or value (commas, equals signs, spaces); refuse what no server reads back intact."""
    if not value:
        # InfluxDB silently drops a tag with an empty value: the point would lose its zone or device.
        raise LineProtocolError("empty tag value")
    if "\\" in value:
        # Servers disagree on backslashes (InfluxDB 1.x keeps `\\` as two, others unescape it), and a
        # trailing one swallows the next separator: no encoding round-trips everywhere.
        raise LineProtocolError(f"tag value {value!r} contains a backslash")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        # A newline ends the line; other control characters are not portable either.
        raise LineProtocolError(f"tag value {value!r} contains a control character")
    return value.translate(_TAG_ESCAPES)


def format_float(value: float) -> str:
    """A finite float as a line-protocol float field (always written as a float, never as an integer)."""
    number = float(value)
    if not math.isfinite(number):
        raise LineProtocolError(f"{value!r} is not a finite number")
    # repr round-trips exactly and always has a "." or an exponent ("600.0", "1e+20"): a bare "600"
    # would still be a float in line protocol, but this keeps the text unambiguous to a reader.
    return repr(number)


def to_line(reading: Reading) -> str:
    """One reading as one line: `environment,device=…,site=…,zone=… key=value,… <ns>`."""
    if not reading.values:
        raise LineProtocolError(f"{reading.site}/{reading.zone}/{reading.device}: a point needs at least one field")
    tags = {"device": reading.device, "site": reading.site, "zone": reading.zone}
    try:
        tag_part = ",".join(f"{key}={escape_tag(tags[key])}" for key in TAG_KEYS)
        fields = ",".join(f"{escape_tag(key)}={format_float(value)}" for key, value in sorted(reading.values.items()))
    except LineProtocolError as exc:
        raise LineProtocolError(
            f"{reading.site}/{reading.zone}/{reading.device} at {reading.ts.isoformat()}: {exc}"
        ) from exc
    return f"{MEASUREMENT},{tag_part} {fields} {reading.ts_ns}"


def to_lines(readings: Iterable[Reading]) -> str:
    """Readings as a line-protocol body, one line each; raises LineProtocolError naming the first bad one."""
    return "\n".join(to_line(r) for r in readings)


def write_body(readings: Iterable[Reading]) -> str:
    """The body of a store write (to_lines); a reading line protocol cannot carry is a StoreRejectedError."""
    try:
        return to_lines(readings)
    except LineProtocolError as exc:
        raise StoreRejectedError(str(exc)) from exc


def batch_body(batch: PointBatch) -> str:
    """A PointBatch as a line-protocol body, one line per point with a value; StoreRejectedError if one cannot be."""
    try:
        site = escape_tag(batch.site)
        tags = {
            pair: f"{MEASUREMENT},device={escape_tag(pair[1])},site={site},zone={escape_tag(pair[0])} "
            for pair in set(zip(batch.zone.tolist(), batch.device.tolist(), strict=True))
        }
    except LineProtocolError as exc:
        raise StoreRejectedError(f"{batch.site}: {exc}") from exc
    keys = sorted(batch.quantities)
    columns = [batch.values[k].tolist() for k in keys]
    lines = []
    for i, (zone, device, ts) in enumerate(
        zip(batch.zone.tolist(), batch.device.tolist(), batch.ts_ns.tolist(), strict=True)
    ):
        # NaN != NaN: a missing value is left out of the line; a point without values is not written.
        fields = ",".join(
            f"{k}={column[i]!r}" for k, column in zip(keys, columns, strict=True) if column[i] == column[i]
        )
        if fields:
            lines.append(f"{tags[(zone, device)]}{fields} {ts}")
    return "\n".join(lines)
