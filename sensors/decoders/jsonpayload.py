"""Reading a JSON object payload the same way for every JSON device format."""

from __future__ import annotations

import json
from typing import Any

from sensors.errors import DecodeError


def load_object(payload: bytes) -> dict[str, Any]:
    """The payload as a JSON object; DecodeError says why it is not one."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"payload is not UTF-8 (byte 0x{payload[exc.start]:02x} at offset {exc.start})") from exc
    try:
        obj = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except DecodeError:
        raise
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, and ints over 4300 digits
        raise DecodeError(f"not valid JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise DecodeError(f"payload must be a JSON object, got {type(obj).__name__}")
    return obj


def describe(value: object) -> str:
    """A value as short JSON for a reason text."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def field(obj: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of nested objects, or None where any step is missing."""
    current: Any = obj
    for step in path.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(step)
    return current


def text_field(obj: dict[str, Any], path: str) -> str:
    """The non-empty string at a dotted path; DecodeError if it is missing or not one."""
    value = field(obj, path)
    if not isinstance(value, str) or not value:
        got = "nothing" if value is None else describe(value)
        raise DecodeError(f"{path}: expected a non-empty string, got {got}")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # JSON parsers disagree on a repeated key (first wins, last wins, error): which value a device meant
    # cannot be known, so the message is refused rather than read the way this parser happens to read it.
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        repeated = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise DecodeError(f"key {describe(repeated)} appears more than once in one JSON object")
    return obj


def _reject_constant(name: str) -> float:
    raise DecodeError(f"not valid JSON: {name} is not a JSON number")
