"""When each device was last heard from, how often, and its battery: kept next to the outbox."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from gateway.pipeline import DeviceSeen

SCHEMA = """
CREATE TABLE IF NOT EXISTS device_status (
    format TEXT NOT NULL, device TEXT NOT NULL, zone TEXT NOT NULL,
    first_seen REAL NOT NULL, last_seen REAL NOT NULL, messages INTEGER NOT NULL,
    battery_pct REAL,
    PRIMARY KEY (format, device)
);
"""

UPSERT = (
    "INSERT INTO device_status (format, device, zone, first_seen, last_seen, messages, battery_pct) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (format, device) DO UPDATE SET "
    "zone = excluded.zone, last_seen = max(last_seen, excluded.last_seen), "
    "messages = messages + excluded.messages, battery_pct = coalesce(excluded.battery_pct, battery_pct)"
)


@dataclass(frozen=True)
class DeviceStatus:
    """What the gateway knows of one device."""

    format: str
    device: str
    zone: str
    first_seen: datetime
    last_seen: datetime
    messages: int
    battery_pct: float | None


class DeviceStatusLog(Protocol):
    """Reads device status for the API."""

    def all(self) -> list[DeviceStatus]:
        """Every device heard from."""
        ...


def upsert_rows(seen: Sequence[DeviceSeen]) -> list[tuple[object, ...]]:
    """Rows for UPSERT, one per device of the batch (its last sighting, battery and message count)."""
    merged: dict[tuple[str, str], list[object]] = {}
    for s in seen:
        at = s.received_at.timestamp()
        row = merged.get((s.format, s.device))
        if row is None:
            merged[(s.format, s.device)] = [s.format, s.device, s.zone, at, at, 1, s.battery_pct]
        else:
            row[2], row[4] = s.zone, max(float(row[4]), at)  # type: ignore[arg-type]
            row[5] = int(row[5]) + 1  # type: ignore[call-overload]
            row[6] = s.battery_pct if s.battery_pct is not None else row[6]
    return [tuple(r) for r in merged.values()]


class SQLiteDeviceStatus:
    """Device status in the gateway's state file, read by the API."""

    def __init__(self, path: Path) -> None:
        """Open (and create the table in) the state file."""
        self._conn = sqlite3.connect(Path(path), timeout=30, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._conn:
            self._conn.executescript(SCHEMA)

    def all(self) -> list[DeviceStatus]:
        """Every device heard from, by zone and id."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT format, device, zone, first_seen, last_seen, messages, battery_pct FROM device_status "
                "ORDER BY zone, device"
            ).fetchall()
        return [
            DeviceStatus(f, d, z, datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC), int(n), bat)
            for f, d, z, a, b, n, bat in rows
        ]


class MemoryDeviceStatus:
    """The port's fake: a fixed list."""

    def __init__(self, items: list[DeviceStatus] | None = None) -> None:
        """Hold these statuses."""
        self.items = items or []

    def all(self) -> list[DeviceStatus]:
        """The statuses."""
        return list(self.items)
