"""The embedded reading store: one SQLite file, one wide row per point (contracts §3)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from gateway.errors import StoreUnavailableError
from gateway.stores.port import (
    RAW_COLUMNS,
    WINDOW_COLUMNS,
    LatestValue,
    check_range,
    empty_raw,
    empty_windows,
)
from sensors.quantities import QUANTITY_KEYS
from sensors.reading import Reading, epoch_ns, from_epoch_ns

_SCHEMA = """
CREATE TABLE IF NOT EXISTS environment (
    site TEXT NOT NULL, zone TEXT NOT NULL, device TEXT NOT NULL, ts_ns INTEGER NOT NULL,
    PRIMARY KEY (site, zone, ts_ns, device)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS latest (
    site TEXT NOT NULL, zone TEXT NOT NULL, quantity TEXT NOT NULL,
    ts_ns INTEGER NOT NULL, value REAL NOT NULL, device TEXT NOT NULL,
    PRIMARY KEY (site, zone, quantity)
) WITHOUT ROWID;
"""


def _column(quantity: str) -> str:
    # Quantity keys become column names: only keys of the quantity table may reach SQL.
    if quantity not in QUANTITY_KEYS:
        raise ValueError(f"unknown quantity {quantity!r}; known: {', '.join(QUANTITY_KEYS)}")
    return quantity


class SQLiteReadingStore:
    """Readings in a SQLite file (WAL mode), safe to share between the gateway's and the API's threads."""

    def __init__(self, path: Path) -> None:
        """Open or create the store at `path`, adding a column for any quantity the file lacks."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        conn = self._conn()
        with conn:
            conn.executescript(_SCHEMA)
            have = {row[1] for row in conn.execute("PRAGMA table_info(environment)")}
            for key in QUANTITY_KEYS:
                if key not in have:
                    conn.execute(f"ALTER TABLE environment ADD COLUMN {_column(key)} REAL")
        cols = ", ".join(QUANTITY_KEYS)
        marks = ", ".join("?" for _ in QUANTITY_KEYS)
        merge = ", ".join(f"{k} = coalesce(excluded.{k}, environment.{k})" for k in QUANTITY_KEYS)
        # Column names come from the quantity table only, never from input.
        self._insert = (
            f"INSERT INTO environment (site, zone, device, ts_ns, {cols}) VALUES (?, ?, ?, ?, {marks}) "  # noqa: S608
            f"ON CONFLICT (site, zone, ts_ns, device) DO UPDATE SET {merge}"
        )

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                # FULL: once write() returns the outbox deletes its copy, so the commit must be on disk.
                conn.execute("PRAGMA synchronous=FULL")
            except sqlite3.Error as exc:
                raise StoreUnavailableError(f"{self.path}: cannot open the reading store: {exc}") from exc
            self._local.conn = conn
            self._connections.append(conn)
        return conn

    def write(self, readings: Sequence[Reading]) -> None:
        """Upsert readings in one transaction; fields of an existing point are merged, not doubled."""
        if not readings:
            return
        rows = []
        latest: dict[tuple[str, str, str], tuple[int, float, str]] = {}
        for r in readings:
            ts_ns = epoch_ns(r.ts)
            values = r.values
            rows.append((r.site, r.zone, r.device, ts_ns, *[values.get(k) for k in QUANTITY_KEYS]))
            for key, value in values.items():
                slot = (r.site, r.zone, key)
                seen = latest.get(slot)
                if seen is None or ts_ns >= seen[0]:
                    latest[slot] = (ts_ns, value, r.device)
        latest_rows = [(s, z, q, t, v, d) for (s, z, q), (t, v, d) in latest.items()]
        conn = self._conn()
        try:
            with self._write_lock, conn:
                conn.executemany(self._insert, rows)
                conn.executemany(
                    "INSERT INTO latest (site, zone, quantity, ts_ns, value, device) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (site, zone, quantity) DO UPDATE SET ts_ns = excluded.ts_ns, "
                    "value = excluded.value, device = excluded.device WHERE excluded.ts_ns >= latest.ts_ns",
                    latest_rows,
                )
        except sqlite3.Error as exc:
            raise StoreUnavailableError(f"{self.path}: write failed: {exc}") from exc

    def latest(self, site: str) -> list[LatestValue]:
        """Per zone and quantity, the most recent value."""
        rows = (
            self._conn()
            .execute(
                "SELECT zone, quantity, value, ts_ns, device FROM latest WHERE site = ? ORDER BY zone, quantity",
                (site,),
            )
            .fetchall()
        )
        return [LatestValue(z, q, v, from_epoch_ns(t), d) for z, q, v, t, d in rows]

    def series(
        self, site: str, quantity: str, start: datetime, stop: datetime, zones: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Raw values of one quantity in [start, stop), oldest first."""
        check_range(start, stop)
        col = _column(quantity)
        where, params = self._where(site, start, stop, zones)
        rows = (
            self._conn()
            .execute(
                f"SELECT ts_ns, zone, device, {col} FROM environment WHERE {where} AND {col} IS NOT NULL "  # noqa: S608
                "ORDER BY ts_ns, zone, device",
                params,
            )
            .fetchall()
        )
        if not rows:
            return empty_raw()
        frame = pd.DataFrame(rows, columns=["ts_ns", "zone", "device", "value"])
        frame.insert(0, "ts", pd.to_datetime(frame.pop("ts_ns"), unit="ns", utc=True))
        return frame[RAW_COLUMNS]

    def windows(
        self,
        site: str,
        quantity: str,
        start: datetime,
        stop: datetime,
        window: timedelta,
        zones: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Per zone and epoch-aligned window: mean, min, max and count of one quantity."""
        check_range(start, stop)
        col = _column(quantity)
        width = int(window.total_seconds() * 1e9)
        if width <= 0:
            raise ValueError("window must be positive")
        where, params = self._where(site, start, stop, zones)
        rows = (
            self._conn()
            .execute(
                f"SELECT (ts_ns / {width}) * {width} AS bucket, zone, avg({col}), min({col}), max({col}), "  # noqa: S608
                f"count({col}) FROM environment WHERE {where} AND {col} IS NOT NULL "
                "GROUP BY zone, bucket ORDER BY bucket, zone",
                params,
            )
            .fetchall()
        )
        if not rows:
            return empty_windows()
        frame = pd.DataFrame(rows, columns=["bucket", "zone", "mean", "min", "max", "count"])
        frame.insert(0, "ts", pd.to_datetime(frame.pop("bucket"), unit="ns", utc=True))
        frame["count"] = frame["count"].astype("int64")
        return frame[WINDOW_COLUMNS]

    def count(self, site: str) -> int:
        """How many points the store holds for a site."""
        (n,) = self._conn().execute("SELECT count(*) FROM environment WHERE site = ?", (site,)).fetchone()
        return int(n)

    def close(self) -> None:
        """Close every thread's connection."""
        for conn in self._connections:
            conn.close()
        self._connections.clear()
        self._local = threading.local()

    @staticmethod
    def _where(site: str, start: datetime, stop: datetime, zones: Sequence[str] | None) -> tuple[str, list[object]]:
        where = "site = ? AND ts_ns >= ? AND ts_ns < ?"
        params: list[object] = [site, epoch_ns(start), epoch_ns(stop)]
        if zones:
            where += f" AND zone IN ({', '.join('?' for _ in zones)})"
            params.extend(zones)
        return where, params
