"""Zone layouts: where an admin placed the zones on the site's floor plan — the LayoutStore port, its fake and SQL.

A layout is one rectangle per zone in plan units (sensors.site.ZonePlan's: x, y from the plan's top left
corner, w, h), kept per site with who saved it and when. A save replaces the site's whole layout in one
transaction: a reader sees the old layout or the new one, never a mix, and a zone the save leaves out is
drawn where the site file puts it again. Layouts are room data, not personal data; the store checks the
rectangles' form only (the API checks them against the site's zones and plan size, models.floor_plan
draws them). The SQL adapter keeps them in table `zone_layouts` (migration 0006) on the records database.
Contract: tests/records/test_layout_store.py, on the fake, SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection, delete, insert, select, text

from records.database import EngineStore
from records.errors import StaleLayoutError
from records.models import ZoneLayout, table_of

LAYOUTS = table_of(ZoneLayout)
ID_MAX = 64  # characters of a site or zone id (sensors.site.SEGMENT)
BY_MAX = 100  # characters of who saved a layout, as the other tables keep a user's name
# PostgreSQL: saves of one site take this advisory lock (with the site's hash), so two at once follow each other.
_PG_LAYOUT_LOCK = 0x0FF1CF


@dataclass(frozen=True)
class ZoneRect:
    """A zone's rectangle on the floor plan, in plan units: top left corner (x, y), width w and height h."""

    x: float
    y: float
    w: float
    h: float

    def __post_init__(self) -> None:
        """Refuse what is not a rectangle: a coordinate not finite or negative, a width or height not above 0."""
        values = (self.x, self.y, self.w, self.h)
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
            raise ValueError(f"a zone rectangle takes finite numbers, got {values}")
        if self.x < 0 or self.y < 0 or self.w <= 0 or self.h <= 0:
            raise ValueError(f"a zone rectangle has x, y ≥ 0 and w, h > 0, got {values}")


@dataclass(frozen=True)
class StoredLayout:
    """A site's kept layout: the rectangle per zone id, and who saved it when (None while nothing is kept)."""

    rects: Mapping[str, ZoneRect] = field(default_factory=dict)
    updated_at: datetime | None = None
    updated_by: str | None = None

    @property
    def version(self) -> str:
        """A tag that changes with every save: what a save based on this layout names (`expected_version`)."""
        if self.updated_at is None:
            return "site-file"  # nothing kept: the site file's plan
        drawn = sorted((zone, r.x, r.y, r.w, r.h) for zone, r in self.rects.items())
        text = json.dumps([self.updated_at.isoformat(), self.updated_by, drawn])
        return hashlib.sha256(text.encode()).hexdigest()[:24]


def stale(current: StoredLayout) -> StaleLayoutError:
    """The error for a save based on a layout that is no longer the kept one."""
    if current.updated_at is None:
        return StaleLayoutError("the layout was reset to the site file's plan since it was read: read it again")
    return StaleLayoutError(
        f"the layout was saved by {current.updated_by} at {current.updated_at.isoformat(timespec='seconds')} "
        "since it was read: read it again"
    )


class LayoutStore(Protocol):
    """Where zone layouts are kept (contract: tests/records/test_layout_store.py)."""

    def layout(self, site_id: str) -> dict[str, ZoneRect]:
        """The site's kept rectangles by zone id (empty when none are kept)."""
        ...

    def stored(self, site_id: str) -> StoredLayout:
        """The site's kept rectangles with who saved them and when, read together."""
        ...

    def save_layout(
        self,
        site_id: str,
        rects: Mapping[str, ZoneRect],
        by: str,
        at: datetime,
        *,
        expected_version: str | None = None,
    ) -> StoredLayout:
        """Replace the site's whole layout with `rects` (empty: keep none), saved by `by` at `at` (timezone-aware).

        With `expected_version` (a StoredLayout's `version`), StaleLayoutError if the kept layout is another.
        The layout as saved is returned (read in the save's own transaction, not after it).
        """
        ...


def _checked(site_id: str, rects: Mapping[str, ZoneRect], at: datetime) -> None:
    if not 1 <= len(site_id) <= ID_MAX:
        raise ValueError(f"a site id has 1–{ID_MAX} characters, got {site_id!r}")
    for zone_id, rect in rects.items():
        if not 1 <= len(zone_id) <= ID_MAX:
            raise ValueError(f"a zone id has 1–{ID_MAX} characters, got {zone_id!r}")
        if not isinstance(rect, ZoneRect):
            raise TypeError(f"zone {zone_id!r}: a ZoneRect, got {type(rect).__name__}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("naive datetime: a layout is saved at a timezone-aware instant")


class MemoryLayoutStore:
    """Layouts in a dict: the port's fake, with the same rules as the SQL store."""

    def __init__(self) -> None:
        """Start empty."""
        self._sites: dict[str, StoredLayout] = {}
        self._lock = threading.Lock()

    def layout(self, site_id: str) -> dict[str, ZoneRect]:
        """The site's kept rectangles by zone id (empty when none are kept)."""
        return dict(self.stored(site_id).rects)

    def stored(self, site_id: str) -> StoredLayout:
        """The site's kept rectangles with who saved them and when, read together."""
        with self._lock:
            return self._sites.get(site_id, StoredLayout())

    def save_layout(
        self,
        site_id: str,
        rects: Mapping[str, ZoneRect],
        by: str,
        at: datetime,
        *,
        expected_version: str | None = None,
    ) -> StoredLayout:
        """Replace the site's whole layout with `rects` (empty: keep none), saved by `by` at `at` (timezone-aware).

        With `expected_version` (a StoredLayout's `version`), StaleLayoutError if the kept layout is another.
        """
        _checked(site_id, rects, at)
        kept = StoredLayout(dict(sorted(rects.items())), at, by[:BY_MAX]) if rects else StoredLayout()
        with self._lock:
            current = self._sites.get(site_id, StoredLayout())
            if expected_version is not None and current.version != expected_version:
                raise stale(current)
            self._sites[site_id] = kept
            return kept


class SqlLayoutStore(EngineStore):
    """Layouts in the records database (table zone_layouts), through an engine (the records store's, or its own)."""

    what = "zone layouts"

    def layout(self, site_id: str) -> dict[str, ZoneRect]:
        """The site's kept rectangles by zone id (empty when none are kept)."""
        return dict(self.stored(site_id).rects)

    def stored(self, site_id: str) -> StoredLayout:
        """The site's kept rectangles with who saved them and when, read together (one transaction)."""
        with self._reading() as conn:
            return _stored(conn, site_id)

    def save_layout(
        self,
        site_id: str,
        rects: Mapping[str, ZoneRect],
        by: str,
        at: datetime,
        *,
        expected_version: str | None = None,
        also: Callable[[Connection], None] | None = None,
    ) -> StoredLayout:
        """Replace the site's whole layout with `rects` (empty: keep none), by `by` at `at`, in one transaction.

        With `expected_version` (a StoredLayout's `version`), StaleLayoutError if the kept layout is another.
        `also` runs in that transaction after the rows are written (the audit entry of the change, say):
        if it raises, nothing is saved.
        """
        _checked(site_id, rects, at)
        values = [
            {"site_id": site_id, "zone_id": zone_id, "x": r.x, "y": r.y, "w": r.w, "h": r.h,
             "updated_at": at, "updated_by": by[:BY_MAX]}
            for zone_id, r in sorted(rects.items())
        ]  # fmt: skip
        with self._writing() as conn:
            if conn.dialect.name == "postgresql":
                # Two saves at once would each delete the rows they saw and insert theirs: one after the other.
                lock = text("SELECT pg_advisory_xact_lock(:space, hashtext(:site))")
                conn.execute(lock, {"space": _PG_LAYOUT_LOCK, "site": site_id})
            if expected_version is not None:  # read under the write lock: no save slips in between
                current = _stored(conn, site_id)
                if current.version != expected_version:
                    raise stale(current)
            conn.execute(delete(LAYOUTS).where(LAYOUTS.c.site_id == site_id))
            if values:
                conn.execute(insert(LAYOUTS), values)
            if also is not None:
                also(conn)
            return _stored(conn, site_id)  # as saved: a save after it cannot slip into the answer


def _stored(conn: Connection, site_id: str) -> StoredLayout:
    query = select(LAYOUTS).where(LAYOUTS.c.site_id == site_id).order_by(LAYOUTS.c.zone_id)
    rows = conn.execute(query).mappings().all()
    if not rows:
        return StoredLayout()
    newest = max(rows, key=lambda r: r["updated_at"])
    rects = {r["zone_id"]: ZoneRect(r["x"], r["y"], r["w"], r["h"]) for r in rows}
    return StoredLayout(rects, newest["updated_at"], newest["updated_by"])
