"""The durable outbox: readings acknowledged to the broker but not yet accepted by the store.

One SQLite file in the state dir holds the pending readings, the dead letters and the device status,
so a batch of messages is committed in one transaction before it is acknowledged. The file runs in
WAL mode with `synchronous=FULL`: a commit is on disk (fsynced) before the broker hears the
acknowledgement, so a crash or a power cut loses nothing that was acknowledged. Rows leave only after
the store took them. The disk quota counts pending readings only; dead letters are capped by count.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from gateway.deadletter import DeadLetter
from gateway.deadletter_log import SCHEMA as DEAD_LETTER_SCHEMA
from gateway.deadletter_log import SQLiteDeadLetterLog, insert_letters, keep_newest_letters
from gateway.device_status import SCHEMA as DEVICE_SCHEMA
from gateway.device_status import SQLiteDeviceStatus, write_sightings
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
# What one pending row costs on disk, near enough: its text plus the fixed-size columns and overhead.
_ROW_BYTES = "length(site) + length(zone) + length(device) + length(fields) + 48"
T = TypeVar("T")


@dataclass(frozen=True)
class PendingBatch:
    """Readings taken from the outbox for one write, with the row ids to delete once stored."""

    ids: tuple[int, ...]
    readings: tuple[Reading, ...]
    received: tuple[float, ...]  # epoch seconds each reading's message arrived, for latency


class Outbox:
    """Pending readings, dead letters and device status in one SQLite file; pending data has a quota."""

    def __init__(self, path: Path, max_bytes: int = 1 << 30, max_dead_letters: int = 100_000) -> None:
        """Open or create the outbox file; `max_bytes` bounds pending readings, `max_dead_letters` the letters kept."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.max_dead_letters = max_dead_letters
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        # The dead-letter table lives in the same file so that letters commit with their batch.
        self._conn.executescript(_SCHEMA + DEVICE_SCHEMA + DEAD_LETTER_SCHEMA)
        self.dead_letters = SQLiteDeadLetterLog(self.path)
        self.device_status = SQLiteDeviceStatus(self.path)
        (self._pending_bytes,) = self._conn.execute(f"SELECT coalesce(sum({_ROW_BYTES}), 0) FROM pending").fetchone()  # noqa: S608
        self._commits = 0

    def used_bytes(self) -> int:
        """Bytes of pending readings: what the quota is checked against."""
        return int(self._pending_bytes)

    def is_full(self) -> bool:
        """Whether pending data has reached the quota."""
        return self._pending_bytes >= self.max_bytes

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
            raise OutboxFullError(
                f"outbox {self.path} holds {self.used_bytes()} bytes of readings, quota {self.max_bytes}"
            )
        arrived = list(received) if received is not None else [time.time()] * len(readings)
        rows = [
            (r.site, r.zone, r.device, epoch_ns(r.ts), json.dumps(dict(r.values)), at)
            for r, at in zip(readings, arrived, strict=True)
        ]
        added = sum(len(s) + len(z) + len(d) + len(f) + 48 for s, z, d, _, f, _ in rows)
        self._commits += 1
        prune = self._commits % 100 == 0  # keep the dead letters bounded without a query per batch

        def write(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT INTO pending (site, zone, device, ts_ns, fields, received) VALUES (?, ?, ?, ?, ?, ?)", rows
            )
            insert_letters(conn, letters)
            write_sightings(conn, seen)
            if prune:
                keep_newest_letters(conn, self.max_dead_letters)

        self._transaction(write)
        self._pending_bytes += added

    def take(self, limit: int = 5000) -> PendingBatch:
        """The oldest pending readings, up to `limit` (they stay until `done` is called)."""
        try:
            with self._lock:
                rows = self._conn.execute(
                    "SELECT id, site, zone, device, ts_ns, fields, received FROM pending ORDER BY id LIMIT ?", (limit,)
                ).fetchall()
        except sqlite3.Error as exc:
            raise StoreUnavailableError(f"{self.path}: cannot read the outbox: {exc}") from exc
        return PendingBatch(
            tuple(int(r[0]) for r in rows),
            tuple(Reading(r[1], r[2], r[3], from_epoch_ns(r[4]), json.loads(r[5])) for r in rows),
            tuple(float(r[6]) for r in rows),
        )

    def done(self, ids: Sequence[int]) -> None:
        """Remove readings the store has accepted."""
        if ids:
            self._pending_bytes -= self._transaction(lambda conn: self._delete(conn, ids))

    def reject(self, ids: Sequence[int], letters: Sequence[DeadLetter]) -> None:
        """Turn readings the store refused into dead letters, in one transaction."""

        def write(conn: sqlite3.Connection) -> int:
            freed = self._delete(conn, ids)
            insert_letters(conn, letters)
            return freed

        self._pending_bytes -= self._transaction(write)

    def depth(self) -> int:
        """How many readings wait for the store."""
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM pending").fetchone()[0])

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._conn.close()

    @staticmethod
    def _delete(conn: sqlite3.Connection, ids: Sequence[int]) -> int:
        """Delete pending rows by id; return the bytes they held."""
        freed = conn.execute(
            f"DELETE FROM pending WHERE id IN (SELECT value FROM json_each(?)) RETURNING {_ROW_BYTES}",  # noqa: S608
            (json.dumps(list(ids)),),
        ).fetchall()
        return sum(int(f[0]) for f in freed)

    def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in one immediate transaction; roll back and raise StoreUnavailableError on any failure."""
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                result = work(conn)
                conn.execute("COMMIT")
                return result
            except sqlite3.Error as exc:
                # A failed statement or COMMIT (a full disk, say) must not leave the connection in a
                # transaction: every later write would fail and the gateway would jam.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise StoreUnavailableError(f"{self.path}: outbox write failed: {exc}") from exc
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
