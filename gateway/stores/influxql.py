"""Safe InfluxQL text: quoted identifiers, escaped string literals, integer-nanosecond times."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.errors import StoreQueryError

_IDENT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n"})
_LITERAL_ESCAPES = str.maketrans({"\\": "\\\\", "'": "\\'", "\n": "\\n"})


def ident(name: str) -> str:
    """A double-quoted identifier (database, measurement, field, tag key)."""
    return f'"{name.translate(_IDENT_ESCAPES)}"'


def literal(value: str) -> str:
    """A single-quoted string literal; tag values from site files and topics only ever reach InfluxQL this way."""
    return f"'{value.translate(_LITERAL_ESCAPES)}'"


def tag_equals(key: str, value: str) -> str:
    """`"key" = 'value'`."""
    return f"{ident(key)} = {literal(value)}"


def tag_in(key: str, values: Sequence[str]) -> str:
    """`("key" = 'a' OR "key" = 'b')`; InfluxQL has no IN."""
    if not values:
        raise StoreQueryError("tag_in needs at least one value")
    return "(" + " OR ".join(tag_equals(key, v) for v in values) + ")"


def time_range(start_ns: int, stop_ns: int) -> str:
    """`time >= start AND time < stop`, both as integer nanoseconds (InfluxQL's unit for bare integers)."""
    return f"time >= {int(start_ns)} AND time < {int(stop_ns)}"


def duration(ns: int) -> str:
    """A duration literal in nanoseconds, e.g. `300000000000ns`."""
    if ns <= 0:
        raise StoreQueryError("a duration must be positive")
    return f"{int(ns)}ns"
