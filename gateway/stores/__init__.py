"""Reading stores: the port, its in-memory fake, the embedded SQLite store, InfluxDB (v1 and v2 APIs); chosen by URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from gateway.errors import StoreURLError
from gateway.stores.influx_v1 import InfluxV1ReadingStore
from gateway.stores.influx_v2 import InfluxV2ReadingStore
from gateway.stores.memory import MemoryReadingStore
from gateway.stores.port import RAW_COLUMNS, WINDOW_COLUMNS, LatestValue, ReadingStore
from gateway.stores.sqlite import SQLiteReadingStore
from gateway.stores.urls import parse_influx_v1, parse_influx_v2

_KINDS = "sqlite:///PATH, influxdb://[USER:PASSWORD@]HOST:PORT/DATABASE or influxdb2://HOST:PORT/BUCKET?org=ORG"


def open_store(url: str, *, influx_token: str | None = None) -> ReadingStore:
    """Open the reading store a URL names (contracts §7); `influx_token` is OFFICEWELL_INFLUX_TOKEN for influxdb2."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        if not parts.path or parts.path == "/":
            raise StoreURLError(f"{url!r}: give a file path, e.g. sqlite:///var/lib/officewell/readings.db")
        return SQLiteReadingStore(Path(parts.path))
    if parts.scheme == "influxdb":
        return InfluxV1ReadingStore(parse_influx_v1(url))
    if parts.scheme == "influxdb2":
        target = parse_influx_v2(url)
        if not influx_token:
            raise StoreURLError(f"{target.where}: no token; set OFFICEWELL_INFLUX_TOKEN to an InfluxDB API token")
        return InfluxV2ReadingStore(target, influx_token)
    raise StoreURLError(f"{url!r}: unknown store kind {parts.scheme!r}; use {_KINDS}")


def embedded_store_url(data_dir: Path) -> str:
    """The default store URL inside a data directory."""
    return f"sqlite:///{(data_dir / 'readings.db').resolve()}"


__all__ = [
    "RAW_COLUMNS",
    "WINDOW_COLUMNS",
    "InfluxV1ReadingStore",
    "InfluxV2ReadingStore",
    "LatestValue",
    "MemoryReadingStore",
    "ReadingStore",
    "SQLiteReadingStore",
    "embedded_store_url",
    "open_store",
]
