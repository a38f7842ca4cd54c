"""Retention (old absence rows are deleted) and erasure of one person on request; both are audited."""

from __future__ import annotations

import calendar
import logging
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Table, delete

from records.errors import InvalidRequestError
from records.models import Absence, StaffRow, table_of
from records.pseudonym import is_pseudonym
from records.store import RecordsStore

log = logging.getLogger(__name__)

# Two years covers the comparisons the analysis makes (52-week measures, year on year); configurable.
DEFAULT_ABSENCE_RETENTION_MONTHS = 24


@dataclass(frozen=True)
class PurgeResult:
    """What a retention run deleted."""

    cutoff: date  # spells that ended before this day were deleted
    absences_deleted: int

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {"cutoff": self.cutoff.isoformat(), "absences_deleted": self.absences_deleted}


@dataclass(frozen=True)
class ErasureResult:
    """What erasing one person deleted."""

    subject: str  # the first 8 hex digits of the pseudonym: enough to check a request, useless as a join key
    absences_deleted: int
    staff_deleted: int

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {"subject": self.subject, "absences_deleted": self.absences_deleted, "staff_deleted": self.staff_deleted}


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    if months < 0:
        raise InvalidRequestError("months must not be negative")
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def purge_absences(
    store: RecordsStore,
    months: int = DEFAULT_ABSENCE_RETENTION_MONTHS,
    *,
    today: date | None = None,
    actor: str = "system",
) -> PurgeResult:
    """Delete absence spells that ended more than `months` months ago; audited, returns the count."""
    if months < 1:
        raise InvalidRequestError("keep absences for at least one month")
    cutoff = months_before(today or datetime.now(UTC).date(), months)
    with store.writing() as conn:
        deleted = conn.execute(delete(Absence).where(Absence.end_date < cutoff)).rowcount
        store.audit(
            actor,
            "retention_purge",
            "absences",
            {"months": months, "cutoff": cutoff.isoformat(), "absences_deleted": deleted},
            conn=conn,
        )
    _flush_deleted_pages(store)
    log.info("retention: deleted %d absence spells that ended before %s", deleted, cutoff)
    return PurgeResult(cutoff, deleted)


def erase_person(
    store: RecordsStore,
    *,
    raw_id: str | None = None,
    pseudonym: str | None = None,
    actor: str,
    reason: str = "erasure request",
) -> ErasureResult:
    """Delete every absence and roster row of one person, named by raw id (hashed with the key) or pseudonym."""
    if (raw_id is None) == (pseudonym is None):
        raise InvalidRequestError("give either the raw employee id or the pseudonym")
    if raw_id is not None:
        target = store.pseudonymiser.pseudonym(raw_id)
    else:
        assert pseudonym is not None
        target = pseudonym.strip().lower()
        if not is_pseudonym(target):
            raise InvalidRequestError("not a pseudonym: expected 64 hexadecimal digits")
    with store.writing() as conn:
        absences = _delete_person(conn, table_of(Absence), target)
        staff = _delete_person(conn, table_of(StaffRow), target)
        store.audit(
            actor,
            "erase_person",
            f"person:{target[:8]}",
            {"absences_deleted": absences, "staff_deleted": staff, "reason": reason[:200]},
            conn=conn,
        )
    _flush_deleted_pages(store)
    log.info("erasure: deleted %d absence and %d roster rows of one person", absences, staff)
    return ErasureResult(target[:8], absences, staff)


def _delete_person(conn: Connection, table: Table, employee: str) -> int:
    return int(conn.execute(delete(table).where(table.c.employee == employee)).rowcount)


def _flush_deleted_pages(store: RecordsStore) -> None:
    # SQLite: secure_delete zeroes the freed pages; the checkpoint moves that into the database file and
    # empties the WAL, so no copy of the deleted rows lingers in the write-ahead log.
    if store.dialect != "sqlite":
        return
    for attempt in range(20):
        with store.engine.connect() as conn:
            row = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        busy = row is not None and row[0]
        if not busy:
            return
        # A reader (the API, say) holds the WAL open; wait for it rather than leave old pages behind.
        time.sleep(0.05 * (attempt + 1))
    log.warning(
        "could not truncate the records database's write-ahead log (a reader kept it busy): the erased rows' "
        "old pages stay in it until the next checkpoint"
    )
