"""Where dead letters are kept: a port, a SQLite adapter (in the data dir) and an in-memory fake.

This module owns the `dead_letters` table: its schema, how a letter becomes a row and back, the insert
and the pruning. The outbox writes letters through `insert_letters` inside its own transaction, so that
they commit together with the batch they came from.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from gateway.deadletter import DeadLetter
from gateway.errors import StoreUnavailableError

SCHEMA = """
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL, payload_size INTEGER NOT NULL,
    reason TEXT NOT NULL, partial INTEGER NOT NULL
);
"""
_INSERT = (
    "INSERT INTO dead_letters (received_at, topic, payload, payload_size, reason, partial) VALUES (?, ?, ?, ?, ?, ?)"
)


def insert_letters(conn: sqlite3.Connection, letters: Sequence[DeadLetter]) -> None:
    """Insert dead letters through `conn`, inside whatever transaction the caller holds (no commit here)."""
    conn.executemany(
        _INSERT,
        [
            (d.received_at.astimezone(UTC).isoformat(), d.topic, d.payload, d.payload_size, d.reason, int(d.partial))
            for d in letters
        ],
    )


def keep_newest_letters(conn: sqlite3.Connection, keep: int) -> None:
    """Delete all but (about) the newest `keep` dead letters, inside the caller's transaction."""
    conn.execute("DELETE FROM dead_letters WHERE id <= (SELECT max(id) FROM dead_letters) - ?", (keep,))


@dataclass(frozen=True)
class StoredDeadLetter:
    """A dead letter with the id the log gave it."""

    id: int
    letter: DeadLetter


class DeadLetterLog(Protocol):
    """Keeps dead letters for people to inspect through the API."""

    def add(self, letters: Sequence[DeadLetter]) -> None:
        """Keep these dead letters."""
        ...

    def recent(self, limit: int = 100, offset: int = 0) -> list[StoredDeadLetter]:
        """The newest dead letters first."""
        ...

    def count(self) -> int:
        """How many dead letters are kept."""
        ...


class MemoryDeadLetterLog:
    """Dead letters in a list: the port's fake."""

    def __init__(self) -> None:
        """Start empty."""
        self._items: list[DeadLetter] = []
        self._lock = threading.Lock()

    def add(self, letters: Sequence[DeadLetter]) -> None:
        """Append the letters."""
        with self._lock:
            self._items.extend(letters)

    def recent(self, limit: int = 100, offset: int = 0) -> list[StoredDeadLetter]:
        """The newest first."""
        with self._lock:
            numbered = list(enumerate(self._items, start=1))
        numbered.reverse()
        return [StoredDeadLetter(i, d) for i, d in numbered[offset : offset + limit]]

    def count(self) -> int:
        """How many are kept."""
        with self._lock:
            return len(self._items)


class SQLiteDeadLetterLog:
    """Dead letters in a SQLite file, shared by the gateway (writer) and the API (reader)."""

    def __init__(self, path: Path) -> None:
        """Open or create the log."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._lock = threading.Lock()
        with self._conn() as conn:
            conn.executescript(SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    def add(self, letters: Sequence[DeadLetter]) -> None:
        """Insert the letters in one transaction."""
        if not letters:
            return
        try:
            with self._lock, self._conn() as conn:
                insert_letters(conn, letters)
        except sqlite3.Error as exc:
            raise StoreUnavailableError(f"{self.path}: cannot keep dead letters: {exc}") from exc

    def recent(self, limit: int = 100, offset: int = 0) -> list[StoredDeadLetter]:
        """The newest first."""
        rows = (
            self._conn()
            .execute(
                "SELECT id, received_at, topic, payload, payload_size, reason, partial FROM dead_letters "
                "ORDER BY id DESC LIMIT ? OFFSET ?",
                (limit, offset),
            )
            .fetchall()
        )
        return [
            StoredDeadLetter(i, DeadLetter(datetime.fromisoformat(at), topic, bytes(payload), reason, bool(part), size))
            for i, at, topic, payload, size, reason, part in rows
        ]

    def count(self) -> int:
        """How many are kept."""
        (n,) = self._conn().execute("SELECT count(*) FROM dead_letters").fetchone()
        return int(n)
