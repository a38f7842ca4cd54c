"""The embedded store's 15-minute rollup: count, sum, min and max per site, zone, quarter hour and quantity.

SQLite spends about a microsecond per row and aggregate scanning the points: two years of 1-minute
readings for 12 zones (12.6 million rows) take half a minute per windowed read, however the query is
written. So the store keeps a second table, `environment_15m`, up to date in the same transaction as
every write, and serves windows of whole quarter hours (1 h, 1 d, …) over whole quarter hours from
it: 35 000 rows a year per zone instead of 525 000. Any other window, or a period that cuts a quarter
hour, is aggregated from the points as before.

Keeping it right: a point is never deleted, and a write merges fields into existing points, so a
quarter hour's aggregates are recomputed from the points it holds whenever a write touches it —
except in a bulk write, where quarter hours that held nothing before are summed from the batch's
arrays directly (numpy), which is what keeps a year's history import fast.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from gateway.stores.batch import PointBatch
from sensors.quantities import QUANTITY_KEYS

QUARTER_NS = 15 * 60 * 1_000_000_000
TABLE = "environment_15m"
_PARTS = ("n", "s", "lo", "hi")  # count, sum, min, max


def columns(key: str) -> tuple[str, str, str, str]:
    """The rollup's columns of one quantity: count, sum, min, max."""
    return tuple(f"{part}_{key}" for part in _PARTS)  # type: ignore[return-value]


def schema() -> str:
    """CREATE TABLE of the rollup, with the quantity table's columns."""
    cols = ", ".join(f"n_{k} INTEGER NOT NULL DEFAULT 0, s_{k} REAL, lo_{k} REAL, hi_{k} REAL" for k in QUANTITY_KEYS)
    return (
        f"CREATE TABLE IF NOT EXISTS {TABLE} (site TEXT NOT NULL, zone TEXT NOT NULL, bucket_ns INTEGER NOT NULL, "
        f"{cols}, PRIMARY KEY (site, zone, bucket_ns)) WITHOUT ROWID"
    )


def prepare(conn: sqlite3.Connection) -> bool:
    """Create the rollup (or add the columns of new quantities); True when it was created just now."""
    created = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone() is None
    conn.execute(schema())
    have = {row[1] for row in conn.execute(f"PRAGMA table_info({TABLE})")}
    for key in QUANTITY_KEYS:
        n, s, lo, hi = columns(key)
        if n not in have:
            conn.execute(f"ALTER TABLE {TABLE} ADD COLUMN {n} INTEGER NOT NULL DEFAULT 0")
            for col in (s, lo, hi):
                conn.execute(f"ALTER TABLE {TABLE} ADD COLUMN {col} REAL")
    return created


def _bucket(expr: str, width_ns: int) -> str:
    """The start of the epoch-aligned window of `expr` (floor, also before 1970)."""
    return f"{expr} - ((({expr}) % {width_ns}) + {width_ns}) % {width_ns}"


def _recompute_sql(where: str) -> str:
    aggregates = ", ".join(f"count({k}), sum({k}), min({k}), max({k})" for k in QUANTITY_KEYS)
    targets = ", ".join(", ".join(columns(k)) for k in QUANTITY_KEYS)
    return (
        f"INSERT OR REPLACE INTO {TABLE} (site, zone, bucket_ns, {targets}) "  # noqa: S608 - names from the table
        f"SELECT site, zone, {_bucket('ts_ns', QUARTER_NS)} AS b, {aggregates} FROM environment "
        f"WHERE {where} GROUP BY site, zone, b"
    )


def rebuild(conn: sqlite3.Connection) -> None:
    """Recompute the whole rollup from the points (a store file from before the rollup existed)."""
    conn.execute(_recompute_sql("1"))


def recompute(conn: sqlite3.Connection, spans: Iterable[tuple[str, str, int, int]]) -> None:
    """Recompute the quarter hours of each (site, zone, first, last) span from the points they hold.

    Zones with the same span (a live write: every zone's newest quarter hour) share one statement.
    """
    zones: dict[tuple[str, int, int], list[str]] = {}
    for site, zone, first, last in spans:
        zones.setdefault((site, first, last), []).append(zone)
    for (site, first, last), names in zones.items():
        marks = ", ".join("?" for _ in names)
        conn.execute(
            _recompute_sql(f"site = ? AND zone IN ({marks}) AND ts_ns >= ? AND ts_ns < ?"),
            (site, *names, first, last + QUARTER_NS),
        )


LIVE_SPAN_NS = 3600 * 1_000_000_000  # a write spanning longer (an outbox replay) is recomputed, not added


def existing_points(conn: sqlite3.Connection, points: Sequence[tuple[str, str, str, int]]) -> set[tuple[str, ...]]:
    """Which (site, zone, device, ts_ns) of a live write are stored already (read before writing them)."""
    found: set[tuple[str, ...]] = set()
    by_site: dict[str, list[tuple[str, str, str, int]]] = {}
    for point in points:
        by_site.setdefault(point[0], []).append(point)
    for site, mine in by_site.items():
        first, last = min(p[3] for p in mine), max(p[3] for p in mine)
        zones = sorted({p[1] for p in mine})
        marks = ", ".join("?" for _ in zones)
        rows = conn.execute(
            f"SELECT zone, device, ts_ns FROM environment WHERE site = ? AND zone IN ({marks}) "  # noqa: S608
            "AND ts_ns >= ? AND ts_ns <= ?",
            (site, *zones, first, last),
        ).fetchall()
        found.update((site, str(z), str(d), str(t)) for z, d, t in rows)
    return found


def add_live(
    conn: sqlite3.Connection,
    points: Sequence[tuple[str, str, str, int, Mapping[str, float]]],
    existed: set[tuple[str, ...]],
) -> None:
    """Roll up a live write just stored: new points are added to their quarter hours, the rest recomputed.

    `existed`: existing_points() of the write, read before it. A point stored before, or named twice in
    the write, changed its quarter hour in ways a sum cannot follow: that quarter hour is recomputed.
    """
    seen: set[tuple[str, str, str, int]] = set()
    sums: dict[tuple[str, str, int], dict[str, list[float]]] = {}
    redo: list[tuple[str, str, int]] = []
    for site, zone, device, ts, values in points:
        bucket = ts - ts % QUARTER_NS
        key = (site, zone, device, ts)
        if key in seen or (site, zone, device, str(ts)) in existed:
            redo.append((site, zone, ts))
            continue
        seen.add(key)
        cell = sums.setdefault((site, zone, bucket), {})
        for k, v in values.items():
            if v != v:  # NaN: SQLite stores it as NULL, no value, so the rollup must not count it either
                continue
            n, total, low, high = cell.get(k, [0, 0.0, v, v])
            cell[k] = [n + 1, total + v, min(low, v), max(high, v)]
    if sums:
        rows = []
        for (site, zone, bucket), cell in sums.items():
            row: list[object] = [site, zone, bucket]
            for k in QUANTITY_KEYS:
                row.extend(cell.get(k, [0, None, None, None]))
            rows.append(row)
        conn.executemany(_ADD, rows)
    if redo:
        recompute(conn, spans_of(redo))


def _add_sql() -> str:
    targets = ", ".join(", ".join(columns(k)) for k in QUANTITY_KEYS)
    marks = ", ".join("?" for _ in range(3 + 4 * len(QUANTITY_KEYS)))
    updates = []
    for k in QUANTITY_KEYS:
        n, s, lo, hi = columns(k)
        updates.append(f"{n} = {n} + excluded.{n}")
        # Only values on both sides combine: SQLite's min() and max() of a NULL are NULL.
        for col, combined in (
            (s, f"{s} + excluded.{s}"),
            (lo, f"min({lo}, excluded.{lo})"),
            (hi, f"max({hi}, excluded.{hi})"),
        ):
            updates.append(
                f"{col} = CASE WHEN excluded.{n} = 0 THEN {col} WHEN {n} = 0 THEN excluded.{col} ELSE {combined} END"
            )
    return (
        f"INSERT INTO {TABLE} (site, zone, bucket_ns, {targets}) VALUES ({marks}) "  # noqa: S608
        f"ON CONFLICT (site, zone, bucket_ns) DO UPDATE SET {', '.join(updates)}"
    )


_ADD = _add_sql()


def spans_of(points: Sequence[tuple[str, str, int]]) -> list[tuple[str, str, int, int]]:
    """Per site and zone of (site, zone, ts_ns) points, the first and last quarter hour they fall in."""
    spans: dict[tuple[str, str], tuple[int, int]] = {}
    for site, zone, ts in points:
        bucket = ts - ts % QUARTER_NS
        first, last = spans.get((site, zone), (bucket, bucket))
        spans[(site, zone)] = (min(first, bucket), max(last, bucket))
    return [(site, zone, first, last) for (site, zone), (first, last) in spans.items()]


def add_batch(conn: sqlite3.Connection, batch: PointBatch, existing: set[tuple[str, int]]) -> None:
    """Roll up a bulk batch just written: new quarter hours from its arrays, the others from the points.

    `existing`: the (zone, quarter) pairs that held points before the batch (read before writing it).
    A batch with a repeated (zone, device, time) is recomputed from the points throughout: the store
    merged the repeats, the arrays did not.
    """
    n = len(batch)
    if not n:
        return
    buckets = batch.ts_ns - batch.ts_ns % QUARTER_NS
    zone_codes, zones = pd.factorize(batch.zone)
    if _repeats(batch, zone_codes):
        fresh = np.zeros(n, dtype=bool)
    elif existing:
        code_of = {str(z): i for i, z in enumerate(zones)}
        stale = {(code_of[z], b) for z, b in existing if z in code_of}
        fresh = np.fromiter(
            ((z, b) not in stale for z, b in zip(zone_codes.tolist(), buckets.tolist(), strict=True)), bool, n
        )
    else:
        fresh = np.ones(n, dtype=bool)
    if fresh.any():
        _insert_sums(conn, batch, zone_codes[fresh], np.asarray(zones), buckets[fresh], fresh)
    if not fresh.all():
        spans: dict[str, tuple[int, int]] = {}
        for code, bucket in zip(zone_codes[~fresh].tolist(), buckets[~fresh].tolist(), strict=True):
            first, last = spans.get(zones[code], (bucket, bucket))
            spans[zones[code]] = (min(first, bucket), max(last, bucket))
        recompute(conn, [(batch.site, str(zone), first, last) for zone, (first, last) in spans.items()])


def _repeats(batch: PointBatch, zone_codes: np.ndarray) -> bool:
    """Whether a (zone, device, time) occurs twice in the batch."""
    device_codes, devices = pd.factorize(batch.device)
    series = zone_codes.astype(np.int64) * max(len(devices), 1) + device_codes
    order = np.lexsort((batch.ts_ns, series))
    same_series = series[order][1:] == series[order][:-1]
    return bool(np.any(same_series & (batch.ts_ns[order][1:] == batch.ts_ns[order][:-1])))


def _insert_sums(
    conn: sqlite3.Connection,
    batch: PointBatch,
    zone_codes: np.ndarray,
    zones: np.ndarray,
    buckets: np.ndarray,
    keep: np.ndarray,
) -> None:
    """Insert the count, sum, min and max per zone and quarter hour of points no other point shares."""
    first = int(buckets.min())
    slots = (buckets - first) // QUARTER_NS
    key = zone_codes.astype(np.int64) * (int(slots.max()) + 1) + slots
    groups, index = np.unique(key, return_inverse=True)
    order = np.argsort(index, kind="stable")
    starts = np.searchsorted(index[order], np.arange(len(groups)))
    width = int(slots.max()) + 1
    columns_out: list[list[object]] = [
        [batch.site] * len(groups),
        [str(z) for z in zones[groups // width]],
        (first + (groups % width) * QUARTER_NS).tolist(),
    ]
    for k in QUANTITY_KEYS:
        values = batch.values.get(k)
        if values is None:
            columns_out.extend(([0] * len(groups), [None] * len(groups), [None] * len(groups), [None] * len(groups)))
            continue
        v = values[keep]
        has = ~np.isnan(v)
        count = np.bincount(index, weights=has, minlength=len(groups)).astype(np.int64)
        total = np.bincount(index, weights=np.where(has, v, 0.0), minlength=len(groups))
        low = np.minimum.reduceat(np.where(has, v, np.inf)[order], starts)
        high = np.maximum.reduceat(np.where(has, v, -np.inf)[order], starts)
        empty = count == 0
        columns_out.append(count.tolist())
        for part in (total, low, high):
            cells: list[object] = part.tolist()
            columns_out.append([None if e else c for e, c in zip(empty.tolist(), cells, strict=True)])
    targets = ", ".join(", ".join(columns(k)) for k in QUANTITY_KEYS)
    marks = ", ".join("?" for _ in columns_out)
    conn.executemany(
        f"INSERT OR REPLACE INTO {TABLE} (site, zone, bucket_ns, {targets}) VALUES ({marks})",  # noqa: S608
        zip(*columns_out, strict=True),
    )


def existing_buckets(conn: sqlite3.Connection, batch: PointBatch) -> set[tuple[str, int]]:
    """The (zone, quarter hour) pairs of the batch's span that already hold points."""
    if not len(batch):
        return set()
    first = int(batch.ts_ns.min()) - int(batch.ts_ns.min()) % QUARTER_NS
    last = int(batch.ts_ns.max())
    zones = sorted({str(z) for z in batch.zone})
    marks = ", ".join("?" for _ in zones)
    rows = conn.execute(
        f"SELECT zone, bucket_ns FROM {TABLE} WHERE site = ? AND zone IN ({marks}) "  # noqa: S608
        "AND bucket_ns >= ? AND bucket_ns <= ?",
        (batch.site, *zones, first, last),
    ).fetchall()
    return {(str(z), int(b)) for z, b in rows}


def serves(width_ns: int, start_ns: int, stop_ns: int) -> bool:
    """Whether windows of this width over this period can be read from the rollup (whole quarter hours)."""
    return width_ns % QUARTER_NS == 0 and start_ns % QUARTER_NS == 0 and stop_ns % QUARTER_NS == 0


def window_sql(key: str, width_ns: int, where: str) -> str:
    """Windows of `width_ns` from the rollup: bucket, zone, mean, min, max, count (as the points' query gives)."""
    n, s, lo, hi = columns(key)
    return (
        f"SELECT {_bucket('bucket_ns', width_ns)} AS b, zone, sum({s}) / sum({n}), min({lo}), max({hi}), "  # noqa: S608
        f"sum({n}) FROM {TABLE} WHERE {where} AND {n} > 0 GROUP BY zone, b"
    )
