"""Timestamps as the decoders read them: sensors.timestamps, with no exception but DecodeError escaping."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sensors.errors import DecodeError
from sensors.timestamps import parse_timestamp


def parse_time(value: object, naive_tz: tzinfo | None = None, *, name: str = "ts") -> datetime:
    """parse_timestamp, with reasons naming the field `name` and huge integers rejected rather than raised."""
    try:
        return parse_timestamp(value, naive_tz)
    except DecodeError as exc:
        raise DecodeError(f"{name}: {str(exc).removeprefix('ts: ')}") from None
    except OverflowError:  # parse_timestamp floats an int of hundreds of digits before its range check
        raise DecodeError(f"{name}: epoch seconds out of range") from None
