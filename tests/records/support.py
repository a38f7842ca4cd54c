"""Helpers of the records tests: fixture paths, raw ids, and a checksum of everything an import may change."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sqlalchemy import select

from records.models import Base
from records.store import RecordsStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "records"
GOOD = FIXTURES / "good"
BROKEN = FIXTURES / "broken"

# Every raw employee id in the fixtures looks like this; none can occur inside a hex pseudonym.
RAW_ID = re.compile(r"EMP-\d{4}-[A-Z]")


def raw_ids_in(*paths: Path) -> set[str]:
    """The raw employee ids written in fixture files (any encoding)."""
    found: set[str] = set()
    for path in paths:
        found |= set(RAW_ID.findall(path.read_bytes().decode("latin-1")))
    return found


def data_checksum(store: RecordsStore) -> str:
    """A digest of every table except the audit log (which records refused attempts on purpose)."""
    digest = hashlib.sha256()
    with store.reading() as conn:
        for name, table in sorted(Base.metadata.tables.items()):
            if name == "audit_log":
                continue
            rows = conn.execute(select(table)).all()
            digest.update(name.encode())
            for row in sorted(repr(tuple(r)) for r in rows):
                digest.update(row.encode())
    return digest.hexdigest()
