"""The durable outbox: readings acknowledged to the broker but not yet accepted by the store.

One SQLite file in the state dir holds the pending readings and the dead letters, so a batch of
messages is committed in one transaction before it is acknowledged. The file runs in WAL mode with
`synchronous=FULL`: a commit is on disk (fsynced) before the broker hears the acknowledgement, so a
crash or a power cut loses nothing that was acknowledged. Rows leave only after the store took them.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from gateway.deadletter import DeadLetter
from gateway.deadletter_log import SQLiteDeadLetterLog
from gateway.device_status import SCHEMA as DEVICE_SCHEMA
from gateway.device_status import UPSERT, SQLiteDeviceStatus, upsert_rows
from gateway.errors import OutboxFullError, StoreUnavailableError
from gateway.pipeline import DeviceSeen
from sensors.reading import Reading, epoch_ns, from_epoch_ns

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site TEXT NOT NULL, zone TEXT NOT NULL, device TEXT NOT NULL, ts_ns INTEGER NOT NULL,
    fields TEXT NOT NULL, received REAL NOT NULL
);
"""


@dataclass(frozen=True)
class PendingBatch:
    """Readings taken from the outbox for one write, with the row ids to delete once stored."""

    ids: tuple[int, ...]
    readings: tuple[Reading, ...]
    received: tuple[float, ...]  # epoch seconds each reading's message arrived, for latency


class Outbox:
    """Pending readings and dead letters in one SQLite file, bounded by a disk quota."""

    def __init__(self, path: Path, max_bytes: int = 1 << 30) -> None:
        """Open or create the outbox file; `max_bytes` is the quota for pending data."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(_SCHEMA + DEVICE_SCHEMA)
        # The dead-letter table lives in the same file so that letters commit with their batch.
        self.dead_letters = SQLiteDeadLetterLog(self.path)
        self.device_status = SQLiteDeviceStatus(self.path)
        self._page_size = int(self._conn.execute("PRAGMA page_size").fetchone()[0])

    def used_bytes(self) -> int:
        """Bytes of the file in use (pages minus free pages): what the quota is checked against."""
        with self._lock:
            pages = int(self._conn.execute("PRAGMA page_count").fetchone()[0])
            free = int(self._conn.execute("PRAGMA freelist_count").fetchone()[0])
        return (pages - free) * self._page_size

    def is_full(self) -> bool:
        """Whether pending data has reached the quota."""
        return self.used_bytes() >= self.max_bytes

    def commit(
        self,
        readings: Sequence[Reading],
        letters: Sequence[DeadLetter],
        received: Sequence[float] | None = None,
        seen: Sequence[DeviceSeen] = (),
    ) -> None:
        """Make readings, dead letters and device sightings durable in one transaction; refuse over quota.

        `received` gives, per reading, when its message arrived (epoch seconds; default now).
        """
        if readings and self.is_full():
            raise OutboxFullError(f"outbox {self.path} holds {self.used_bytes()} bytes, quota {self.max_bytes}")
        arrived = list(received) if received is not None else [time.time()] * len(readings)
        rows = [
            (r.site, r.zone, r.device, epoch_ns(r.ts), json.dumps(dict(r.values)), at)
            for r, at in zip(readings, arrived, strict=True)
        ]
        letter_rows = [
            (d.received_at.astimezone(UTC).isoformat(), d.topic, d.payload, d.payload_size, d.reason, int(d.partial))
            for d in letters
        ]
        try:
            with self._lock:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    self._conn.executemany(
                        "INSERT INTO pending (site, zone, device, ts_ns, fields, received) VALUES (?, ?, ?, ?, ?, ?)",
                        rows,
                    )
                    self._conn.executemany(
                        "INSERT INTO dead_letters (received_at, topic, payload, payload_size, reason, partial) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        letter_rows,
                    )
                    self._conn.executemany(UPSERT, upsert_rows(seen))
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreUnavailableError(f"{self.path}: cannot commit to the outbox: {exc}") from exc

    def take(self, limit: int = 5000) -> PendingBatch:
        """The oldest pending readings, up to `limit` (they stay until `done` is called)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, site, zone, device, ts_ns, fields, received FROM pending ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        return PendingBatch(
            tuple(int(r[0]) for r in rows),
            tuple(Reading(r[1], r[2], r[3], from_epoch_ns(r[4]), json.loads(r[5])) for r in rows),
            tuple(float(r[6]) for r in rows),
        )

    def done(self, ids: Sequence[int]) -> None:
        """Remove readings the store has accepted."""
        if not ids:
            return
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany("DELETE FROM pending WHERE id = ?", [(i,) for i in ids])
            self._conn.execute("COMMIT")

    def reject(self, ids: Sequence[int], letters: Sequence[DeadLetter]) -> None:
        """Turn readings the store refused into dead letters, in one transaction."""
        letter_rows = [
            (d.received_at.astimezone(UTC).isoformat(), d.topic, d.payload, d.payload_size, d.reason, int(d.partial))
            for d in letters
        ]
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany("DELETE FROM pending WHERE id = ?", [(i,) for i in ids])
            self._conn.executemany(
                "INSERT INTO dead_letters (received_at, topic, payload, payload_size, reason, partial) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                letter_rows,
            )
            self._conn.execute("COMMIT")

    def depth(self) -> int:
        """How many readings wait for the store."""
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM pending").fetchone()[0])

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._conn.close()
