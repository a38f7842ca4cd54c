"""Many readings of one site as columns: the bulk write path (history imports), without a Reading per point."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from gateway.errors import InvalidRequestError
from sensors.quantities import QUANTITY_KEYS
from sensors.reading import Reading, from_epoch_ns

# Bulk writes go to the store in pieces of this many points: one request, or one statement batch, each.
CHUNK = 50_000


@dataclass(frozen=True)
class PointBatch:
    """Points of one site: time (ns since the epoch), zone and device per point, and a float array per quantity.

    A NaN value means "no value of this quantity in this point"; a point needs at least one value.
    """

    site: str
    ts_ns: NDArray[np.int64]
    zone: NDArray[np.object_]
    device: NDArray[np.object_]
    values: Mapping[str, NDArray[np.float64]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Refuse columns of different lengths and keys outside the quantity table."""
        n = len(self.ts_ns)
        if len(self.zone) != n or len(self.device) != n or any(len(v) != n for v in self.values.values()):
            raise InvalidRequestError("a point batch needs columns of one length")
        unknown = sorted(set(self.values) - set(QUANTITY_KEYS))
        if unknown:
            raise InvalidRequestError(f"unknown quantities {unknown} in a point batch")
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def __len__(self) -> int:
        return len(self.ts_ns)

    @property
    def quantities(self) -> tuple[str, ...]:
        """The batch's quantity keys, in the quantity table's order."""
        return tuple(k for k in QUANTITY_KEYS if k in self.values)

    def chunks(self, size: int = CHUNK) -> Iterator[PointBatch]:
        """The batch in pieces of at most `size` points."""
        for lo in range(0, len(self), size):
            hi = lo + size
            yield PointBatch(
                self.site,
                self.ts_ns[lo:hi],
                self.zone[lo:hi],
                self.device[lo:hi],
                {k: v[lo:hi] for k, v in self.values.items()},
            )

    def readings(self) -> Iterator[Reading]:
        """The points as Readings (for stores without a bulk path of their own); points without values are skipped."""
        keys = self.quantities
        columns = [self.values[k].tolist() for k in keys]
        for i, (ts, zone, device) in enumerate(zip(self.ts_ns.tolist(), self.zone, self.device, strict=True)):
            values = {k: col[i] for k, col in zip(keys, columns, strict=True) if col[i] == col[i]}  # NaN != NaN
            if values:
                yield Reading(self.site, str(zone), str(device), from_epoch_ns(int(ts)), values)

    def nullable_columns(self, keys: Sequence[str] = QUANTITY_KEYS) -> list[list[float | None]]:
        """Per quantity of `keys`, the values with None for "no value" (what SQL drivers want)."""
        out: list[list[float | None]] = []
        for key in keys:
            column = self.values.get(key)
            if column is None:
                out.append([None] * len(self))
                continue
            cells = column.astype(object)
            cells[np.isnan(column)] = None
            out.append(cells.tolist())
        return out
