"""Reading stores: the port, its in-memory fake, the embedded SQLite store; chosen by URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from gateway.errors import StoreURLError
from gateway.stores.memory import MemoryReadingStore
from gateway.stores.port import LatestValue, ReadingStore
from gateway.stores.sqlite import SQLiteReadingStore


def open_store(url: str) -> ReadingStore:
    """Open the reading store a URL names (contracts §7)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        if not parts.path or parts.path == "/":
            raise StoreURLError(f"{url!r}: give a file path, e.g. sqlite:///var/lib/officewell/readings.db")
        return SQLiteReadingStore(Path(parts.path))
    if parts.scheme in ("influxdb", "influxdb2"):
        raise StoreURLError(f"{url!r}: the {parts.scheme} store is not available in this version yet")
    raise StoreURLError(f"{url!r}: unknown store kind {parts.scheme!r}; use sqlite:///PATH")


def embedded_store_url(data_dir: Path) -> str:
    """The default store URL inside a data directory."""
    return f"sqlite:///{(data_dir / 'readings.db').resolve()}"


__all__ = [
    "LatestValue",
    "MemoryReadingStore",
    "ReadingStore",
    "SQLiteReadingStore",
    "embedded_store_url",
    "open_store",
]
