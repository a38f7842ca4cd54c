"""Parsing the timestamps devices send: RFC 3339 with an offset, or epoch seconds."""

from __future__ import annotations

import math
from datetime import UTC, datetime, tzinfo

from sensors.errors import DecodeError

# Epoch seconds beyond this are almost surely milliseconds sent by mistake; refuse rather than guess.
_MAX_EPOCH_S = 32_503_680_000  # year 3000


def parse_timestamp(value: object, naive_tz: tzinfo | None = None) -> datetime:
    """Parse `ts` as sent by a device into an aware datetime.

    Strings must be RFC 3339 with an offset (or `Z`) unless `naive_tz` says how to read a local time;
    numbers are epoch seconds. Anything else raises DecodeError with a reason.
    """
    if isinstance(value, bool):
        raise DecodeError(f"ts: expected RFC 3339 text or epoch seconds, got {value!r}")
    if isinstance(value, int | float):
        if isinstance(value, int) and not 0 <= value <= _MAX_EPOCH_S:  # float() of a huge int overflows
            raise DecodeError("ts: epoch seconds out of range (milliseconds sent as seconds?)")
        seconds = float(value)
        if not math.isfinite(seconds) or not 0 <= seconds <= _MAX_EPOCH_S:
            raise DecodeError(f"ts: epoch seconds {value!r} out of range (milliseconds sent as seconds?)")
        return datetime.fromtimestamp(seconds, tz=UTC)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 64:
            raise DecodeError("ts: text longer than 64 characters")
        try:
            parsed = datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError as exc:
            raise DecodeError(f"ts: {text!r} is not an RFC 3339 timestamp") from exc
        if parsed.tzinfo is None:
            if naive_tz is None:
                raise DecodeError(f"ts: {text!r} has no UTC offset (add Z or +01:00)")
            parsed = parsed.replace(tzinfo=naive_tz)
        return parsed
    raise DecodeError(f"ts: expected RFC 3339 text or epoch seconds, got {type(value).__name__}")
