"""The embedded reading store: one SQLite file, one wide row per point (contracts §3)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from gateway.errors import StoreUnavailableError
from gateway.stores import sqlite_rollup as rollup
from gateway.stores.batch import PointBatch
from gateway.stores.frames import RawRow, RowSource, Selection, WindowRow, check_quantity
from gateway.stores.port import LatestValue
from sensors.quantities import QUANTITY_KEYS
from sensors.reading import Reading, epoch_ns, from_epoch_ns

_BUSY_MS = 30_000  # how long a write waits for another process's transaction
_REBUILD_WAIT_MS = 15 * 60_000  # opening waits this long for another process building the rollup

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

log = logging.getLogger(__name__)

_BULK_CACHE_KIB = -262_144  # 256 MiB of page cache while a bulk write builds the index (negative: KiB)
_UPSERT_LATEST = (
    "INSERT INTO latest (site, zone, quantity, ts_ns, value, device) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (site, zone, quantity) DO UPDATE SET ts_ns = excluded.ts_ns, "
    "value = excluded.value, device = excluded.device WHERE excluded.ts_ns >= latest.ts_ns"
)


def _upsert_of(keys: tuple[str, ...]) -> str:
    """The upsert of a bulk write binding only these quantities: fewer parameters per row is most of its time."""
    return (
        f"INSERT INTO environment (site, zone, device, ts_ns, {', '.join(keys)}) "  # noqa: S608 - keys of the table
        f"VALUES (?, ?, ?, ?, {', '.join('?' for _ in keys)}) "
        "ON CONFLICT (site, zone, ts_ns, device) DO UPDATE SET "
        + ", ".join(f"{k} = coalesce(excluded.{k}, environment.{k})" for k in keys)
    )


def _rows_of(chunk: PointBatch) -> Iterator[tuple[object, ...]]:
    site = [chunk.site] * len(chunk)
    columns = chunk.nullable_columns(chunk.quantities)
    return zip(site, chunk.zone.tolist(), chunk.device.tolist(), chunk.ts_ns.tolist(), *columns, strict=True)


def _latest_of(batch: PointBatch) -> list[tuple[str, str, str, int, float, str]]:
    """Per zone and quantity of the batch, its newest value: rows for the `latest` table."""
    frame = pd.DataFrame({"zone": batch.zone, "ts": batch.ts_ns, "device": batch.device})
    rows = []
    for key in batch.quantities:
        values = batch.values[key]
        has = ~np.isnan(values)
        if not has.any():
            continue
        newest = frame[has].groupby("zone", sort=False)["ts"].idxmax()  # hashing the zones, not sorting them
        for zone, i in newest.items():
            rows.append((batch.site, str(zone), key, int(batch.ts_ns[i]), float(values[i]), str(batch.device[i])))
    return rows


class SQLiteReadingStore(RowSource):
    """Readings in a SQLite file (WAL mode), safe to share between the gateway's and the API's threads."""

    def __init__(self, path: Path) -> None:
        """Open or create the store at `path`, adding a column for any quantity the file lacks."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        conn = self._conn()
        conn.executescript(_SCHEMA)
        # One transaction for the columns and the rollup: a rebuild cut short (a kill, a crash) leaves no
        # empty rollup table that a later open would take as built, and no other process reads one half-made.
        # A rebuild of a large file takes minutes, so other processes opening it meanwhile wait that long.
        conn.execute(f"PRAGMA busy_timeout = {_REBUILD_WAIT_MS}")
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            have = {row[1] for row in conn.execute("PRAGMA table_info(environment)")}
            for key in QUANTITY_KEYS:
                if key not in have:
                    conn.execute(f"ALTER TABLE environment ADD COLUMN {check_quantity(key)} REAL")
            if rollup.prepare(conn) and conn.execute("SELECT 1 FROM environment LIMIT 1").fetchone():
                log.warning("%s: building the 15-minute rollup of the stored points (once; a minute per 25 million)",
                            self.path)  # fmt: skip
                rollup.rebuild(conn)
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
        cols = ", ".join(QUANTITY_KEYS)
        marks = ", ".join("?" for _ in QUANTITY_KEYS)
        merge = ", ".join(f"{k} = coalesce(excluded.{k}, environment.{k})" for k in QUANTITY_KEYS)
        # Column names come from the quantity table only, never from input (check_quantity guards the reads).
        self._insert = (
            f"INSERT INTO environment (site, zone, device, ts_ns, {cols}) VALUES (?, ?, ?, ?, {marks}) "  # noqa: S608
            f"ON CONFLICT (site, zone, ts_ns, device) DO UPDATE SET {merge}"
        )

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=_BUSY_MS / 1000, check_same_thread=False)
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
        points: list[tuple[str, str, str, int, Mapping[str, float]]] = []
        latest: dict[tuple[str, str, str], tuple[int, float, str]] = {}
        for r in readings:
            ts_ns = epoch_ns(r.ts)
            values = r.values
            rows.append((r.site, r.zone, r.device, ts_ns, *[values.get(k) for k in QUANTITY_KEYS]))
            points.append((r.site, r.zone, r.device, ts_ns, values))
            for key, value in values.items():
                slot = (r.site, r.zone, key)
                seen = latest.get(slot)
                if seen is None or ts_ns >= seen[0]:
                    latest[slot] = (ts_ns, value, r.device)
        latest_rows = [(s, z, q, t, v, d) for (s, z, q), (t, v, d) in latest.items()]
        conn = self._conn()
        try:
            with self._write_lock, conn:
                # IMMEDIATE: what the rollup reads before writing must not change under it (other processes
                # write the same file: the gateway, imports, the demo's simulator).
                conn.execute("BEGIN IMMEDIATE")
                keys = [(p[0], p[1], p[2], p[3]) for p in points]
                span = max(p[3] for p in points) - min(p[3] for p in points)
                # A short write (the gateway's) adds its new points to the rollup; a long one is recomputed.
                existed = rollup.existing_points(conn, keys) if span <= rollup.LIVE_SPAN_NS else None
                conn.executemany(self._insert, rows)
                conn.executemany(_UPSERT_LATEST, latest_rows)
                if existed is None:
                    rollup.recompute(conn, rollup.spans_of([(p[0], p[1], p[3]) for p in points]))
                else:
                    rollup.add_live(conn, points, existed)
        except sqlite3.Error as exc:
            raise StoreUnavailableError(f"{self.path}: write failed: {exc}") from exc

    atomic_batches = True  # write_batches runs in one transaction

    def write_batch(self, batch: PointBatch, progress: Callable[[int], None] | None = None) -> None:
        """Upsert the whole batch in one transaction: all of it is stored, or none of it."""
        self.write_batches([batch], progress)

    def write_batches(self, batches: Iterable[PointBatch], progress: Callable[[int], None] | None = None) -> None:
        """Upsert every batch in one transaction; if `batches` raises, the transaction rolls back: nothing is stored."""
        conn = self._conn()
        done = 0
        latest: dict[tuple[str, str, str], tuple[str, str, str, int, float, str]] = {}
        try:
            with self._write_lock, conn:
                conn.execute("BEGIN IMMEDIATE")  # as in write(): the rollup's reads and the writes in one transaction
                conn.execute(f"PRAGMA cache_size = {_BULK_CACHE_KIB}")
                try:
                    for batch in batches:
                        for chunk in batch.chunks():
                            existing = rollup.existing_buckets(conn, chunk)
                            conn.executemany(_upsert_of(chunk.quantities), _rows_of(chunk))
                            rollup.add_batch(conn, chunk, existing)
                            done += len(chunk)
                            if progress is not None:
                                progress(done)
                        for row in _latest_of(batch):
                            slot = (row[0], row[1], row[2])
                            if slot not in latest or row[3] >= latest[slot][3]:
                                latest[slot] = row
                    conn.executemany(_UPSERT_LATEST, list(latest.values()))
                finally:
                    conn.execute("PRAGMA cache_size = -2000")  # SQLite's default again, for the small everyday writes
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

    def raw_rows(self, selection: Selection) -> list[RawRow]:
        """The stored values of the selection."""
        col = selection.quantity  # a key of the quantity table: a Selection is checked when made
        where, params = self._where(selection)
        rows: list[RawRow] = (
            self._conn()
            .execute(
                f"SELECT ts_ns, zone, device, {col} FROM environment WHERE {where} AND {col} IS NOT NULL",  # noqa: S608
                params,
            )
            .fetchall()
        )
        return rows

    def window_rows(self, selection: Selection, width_ns: int) -> list[WindowRow]:
        """Mean, min, max and count per zone and epoch-aligned window: from the rollup if it serves, else the points."""
        col = selection.quantity
        where, params = self._where(selection)
        if rollup.serves(width_ns, selection.start_ns, selection.stop_ns):
            rows: list[WindowRow] = (
                self._conn()
                .execute(rollup.window_sql(col, width_ns, where.replace("ts_ns", "bucket_ns")), params)
                .fetchall()
            )
            return rows
        rows = (
            self._conn()
            .execute(
                # Floor, not SQLite's truncation towards zero, so windows before 1970 start where the others' do.
                f"SELECT ts_ns - ((ts_ns % {width_ns}) + {width_ns}) % {width_ns} AS bucket, zone, avg({col}), "  # noqa: S608
                f"min({col}), "
                f"max({col}), count({col}) FROM environment WHERE {where} AND {col} IS NOT NULL GROUP BY zone, bucket",
                params,
            )
            .fetchall()
        )
        return rows

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
    def _where(selection: Selection) -> tuple[str, list[object]]:
        where = "site = ? AND ts_ns >= ? AND ts_ns < ?"
        params: list[object] = [selection.site, selection.start_ns, selection.stop_ns]
        if selection.zones:
            where += f" AND zone IN ({', '.join('?' for _ in selection.zones)})"
            params.extend(selection.zones)
        return where, params
