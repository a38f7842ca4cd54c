"""Fast bulk inserts of a DataFrame: executemany of plain tuples on SQLite, COPY on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table

from records.types import UTCDateTime

CHUNK = 50_000
Progress = Callable[[int, int], None]


def insert_frame(conn: Connection, table: Table, frame: pd.DataFrame, progress: Progress | None = None) -> int:
    """Insert every row of `frame` (columns named like the table's) inside the connection's transaction."""
    if frame.empty:
        return 0
    names = list(frame.columns)
    postgres = conn.dialect.name == "postgresql"
    columns = [_driver_values(frame[name], table.c[name].type, postgres) for name in names]
    rows = list(zip(*columns, strict=True))
    total = len(rows)
    if postgres:
        _copy(conn, table, names, rows, progress)
    else:
        # Per-row ORM objects or Core type processing would dominate the cost; values are already driver-ready.
        sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"  # noqa: S608
        # The DB-API cursor of the same connection, so inside the same transaction, minus per-call overhead.
        cursor = conn.connection.cursor()
        try:
            for start in range(0, total, CHUNK):
                cursor.executemany(sql, rows[start : start + CHUNK])
                if progress:
                    progress(min(start + CHUNK, total), total)
        finally:
            cursor.close()
    return total


def _copy(
    conn: Connection, table: Table, names: list[str], rows: list[tuple[object, ...]], progress: Progress | None
) -> None:
    driver = conn.connection.driver_connection
    assert driver is not None
    total = len(rows)
    with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for done, row in enumerate(rows, start=1):
            copy.write_row(row)
            if progress and done % CHUNK == 0:
                progress(done, total)
    if progress:
        progress(total, total)


def _driver_values(series: pd.Series, column_type: object, postgres: bool) -> list[object]:
    """One column as values the DB-API driver takes directly (ISO text for dates and instants)."""
    missing = series.isna().to_numpy()
    if isinstance(series.dtype, pd.DatetimeTZDtype) or isinstance(column_type, UTCDateTime):
        utc = pd.to_datetime(series, utc=True).dt.tz_convert(None).to_numpy(dtype="datetime64[us]")
        text = np.char.replace(np.datetime_as_string(utc, unit="us"), "T", " ")
        # SQLite stores naive UTC text in SQLAlchemy's format; PostgreSQL parses the explicit offset.
        values: list[object] = np.char.add(text, "+00:00").tolist() if postgres else text.tolist()
    elif pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = np.datetime_as_string(series.to_numpy(dtype="datetime64[D]"), unit="D").tolist()
    elif pd.api.types.is_integer_dtype(series.dtype):
        values = series.to_numpy(dtype="int64", na_value=0).tolist()
    elif pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype="float64").tolist()
    else:
        values = series.astype("object").tolist()
    if missing.any():
        for i in np.flatnonzero(missing):
            values[i] = None
    return values
