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
CREATE TABLE IF NOT EXISTS unregistered_devices (
    format TEXT NOT NULL, device TEXT NOT NULL, zone TEXT NOT NULL,
    first_seen REAL NOT NULL, last_seen REAL NOT NULL, messages INTEGER NOT NULL,
    battery_pct REAL,
    PRIMARY KEY (format, device)
);
"""

# Devices the site file does not list are kept apart and only the most recently heard of them: a sender
# inventing names must not grow the state file (the dead letters say the rest).
MAX_UNREGISTERED = 100
MAX_DEVICE_CHARS = 256

_UPSERT = (
    "INSERT INTO {table} (format, device, zone, first_seen, last_seen, messages, battery_pct) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (format, device) DO UPDATE SET "
    "zone = excluded.zone, last_seen = max(last_seen, excluded.last_seen), "
    "messages = messages + excluded.messages, battery_pct = coalesce(excluded.battery_pct, battery_pct)"
)
UPSERT = _UPSERT.format(table="device_status")
UPSERT_UNREGISTERED = _UPSERT.format(table="unregistered_devices")
PRUNE_UNREGISTERED = (
    "DELETE FROM unregistered_devices WHERE rowid NOT IN "
    "(SELECT rowid FROM unregistered_devices ORDER BY last_seen DESC LIMIT ?)"
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
        """Every device of the site file heard from."""
        ...

    def unregistered(self) -> list[DeviceStatus]:
        """The most recently heard devices that the site file does not list (at most MAX_UNREGISTERED)."""
        ...


def write_sightings(conn: sqlite3.Connection, seen: Sequence[DeviceSeen]) -> None:
    """Record a batch's sightings on the caller's connection, in the caller's transaction."""
    registered = [s for s in seen if s.registered]
    strangers = [s for s in seen if not s.registered]
    conn.executemany(UPSERT, upsert_rows(registered))
    if strangers:
        conn.executemany(UPSERT_UNREGISTERED, upsert_rows(strangers))
        conn.execute(PRUNE_UNREGISTERED, (MAX_UNREGISTERED,))


def upsert_rows(seen: Sequence[DeviceSeen]) -> list[tuple[object, ...]]:
    """Rows for UPSERT, one per device of the batch (its last sighting, battery and message count)."""
    merged: dict[tuple[str, str], list[object]] = {}
    for s in seen:
        at = s.received_at.timestamp()
        row = merged.get((s.format, s.device))
        if row is None:
            device = s.device[:MAX_DEVICE_CHARS]
            merged[(s.format, s.device)] = [s.format, device, s.zone, at, at, 1, s.battery_pct]
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
        """Every device of the site file heard from, by zone and id."""
        return self._read("device_status", "zone, device")

    def unregistered(self) -> list[DeviceStatus]:
        """Unlisted devices, most recently heard first."""
        return self._read("unregistered_devices", "last_seen DESC")

    def _read(self, table: str, order: str) -> list[DeviceStatus]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT format, device, zone, first_seen, last_seen, messages, battery_pct FROM {table} "  # noqa: S608
                f"ORDER BY {order}"
            ).fetchall()
        return [
            DeviceStatus(f, d, z, datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC), int(n), bat)
            for f, d, z, a, b, n, bat in rows
        ]


class MemoryDeviceStatus:
    """The port's fake: a fixed list."""

    def __init__(self, items: list[DeviceStatus] | None = None, strangers: list[DeviceStatus] | None = None) -> None:
        """Hold these statuses (and these unlisted devices)."""
        self.items = items or []
        self.strangers = strangers or []

    def all(self) -> list[DeviceStatus]:
        """The statuses."""
        return list(self.items)

    def unregistered(self) -> list[DeviceStatus]:
        """The unlisted devices."""
        return list(self.strangers)
