"""The Reading type: one device's values of several quantities at one instant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from sensors.errors import InvalidReadingError


def _frozen(values: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(values))


@dataclass(frozen=True, slots=True)
class Reading:
    """One point of the stored series (contracts §3): tags site/zone/device, a time, quantity fields.

    `ts` must be timezone-aware; `values` maps canonical quantity keys to floats.
    """

    site: str
    zone: str
    device: str
    ts: datetime
    values: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Reject naive timestamps and freeze the values (a read-only view is taken as it is)."""
        tz = self.ts.tzinfo
        if tz is None or (tz is not UTC and self.ts.utcoffset() is None):
            raise InvalidReadingError(f"Reading.ts must be timezone-aware, got {self.ts!r}")
        # Backfills build hundreds of thousands of readings: skip the copy when handed a read-only view.
        if type(self.values) is not MappingProxyType:
            object.__setattr__(self, "values", _frozen(self.values))

    @property
    def ts_ns(self) -> int:
        """The timestamp as integer nanoseconds since the epoch (the store's precision)."""
        return epoch_ns(self.ts)


def epoch_ns(ts: datetime) -> int:
    """Nanoseconds since the Unix epoch of an aware datetime, exact to the microsecond."""
    delta = ts - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000


def from_epoch_ns(ts_ns: int) -> datetime:
    """The aware UTC datetime of integer nanoseconds since the epoch (microsecond resolution)."""
    return _EPOCH + timedelta(microseconds=ts_ns // 1000)


_EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")
