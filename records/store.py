"""The records store: one database (SQLite or PostgreSQL) of HR, call and NKI records, migrated on open."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from pydantic import SecretStr
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from records import frames
from records.database import (
    WRITE,
    current_revision,
    database_exists,
    default_url,
    head_revision,
    make_engine,
    upgrade,
)
from records.errors import StoreError
from records.models import Absence, AuditLog, Base, CallInterval, ImportBatch, StaffRow, Team, Zone, ZoneTeam
from records.pseudonym import Pseudonymiser
from sensors.site import Site

# Audited actions that change what analyses read: caches of figures compare the newest of them.
DATA_CHANGES = ("import", "import_readings", "erase_person", "retention_purge", "board_add", "board_update")


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    at: datetime
    actor: str
    action: str
    resource: str
    details: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "resource": self.resource,
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class BatchInfo:
    """An imported file as recorded in import_batches."""

    id: int
    kind: str
    file_name: str
    sha256: str
    rows: int
    inserted: int
    replaced: int
    trimmed: int
    period_start: date | None
    period_end: date | None
    teams: tuple[str | None, ...]
    actor: str
    imported_at: datetime


class RecordsStore:
    """HR, call and NKI records behind one engine; refuses to exist without a pseudonymisation key."""

    def __init__(self, url: str, pseudonymiser: Pseudonymiser, *, migrate: bool = True) -> None:
        """Open the database at `url` and bring its schema to the newest migration."""
        if not isinstance(pseudonymiser, Pseudonymiser):
            raise TypeError("RecordsStore needs a Pseudonymiser (see RecordsStore.open)")
        self.pseudonymiser = pseudonymiser
        self.engine = make_engine(url)
        self.url = self.engine.url.render_as_string(hide_password=True)
        if migrate:
            upgrade(self.engine)

    @classmethod
    def open(cls, url: str, key: SecretStr | str | None) -> RecordsStore:
        """Open a store; without a key this raises MissingPseudonymKeyError naming OFFICEWELL_PSEUDONYM_KEY."""
        return cls(url, Pseudonymiser(key))

    @classmethod
    def for_demo(cls, url: str) -> RecordsStore:
        """A store with a freshly generated key: for the demo's synthetic data only."""
        return cls(url, Pseudonymiser.for_demo())

    @classmethod
    def for_dry_run(cls, url: str, key: SecretStr | str | None) -> RecordsStore:
        """A store to check a file against without changing anything on disk.

        An existing, migrated database is opened as it is (the dry run rolls its transaction back); where
        there is no database yet, an empty one in memory stands in, so a dry run creates no file and runs
        no migration on disk. A database at an older revision is refused: checking against it would need
        the migration a dry run must not run.
        """
        pseudonymiser = Pseudonymiser(key)
        if not database_exists(url):
            return cls("sqlite://", pseudonymiser)
        store = cls(url, pseudonymiser, migrate=False)
        try:
            revision = current_revision(store.engine)
        except SQLAlchemyError as exc:
            store.close()
            raise StoreError(f"{store.url}: cannot read the records database: {exc.__class__.__name__}") from exc
        if revision is None:
            store.close()
            return cls("sqlite://", pseudonymiser)
        if revision != head_revision():
            store.close()
            raise StoreError(
                f"{store.url} is at schema revision {revision}, this officewell needs {head_revision()}; "
                "a dry run does not migrate: import once without --dry-run (or open it with `officewell serve`)"
            )
        return store

    @classmethod
    def from_settings(cls, settings: Any, *, dry_run: bool = False) -> RecordsStore:
        """The store the settings name: `settings.records` if set, else DATA_DIR/records.db (see for_dry_run)."""
        url = getattr(settings, "records", None) or default_url(settings.data_dir)
        if dry_run:
            return cls.for_dry_run(url, settings.pseudonym_key)
        return cls.open(url, settings.pseudonym_key)

    def __repr__(self) -> str:
        return f"RecordsStore({self.url!r})"

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection in a read transaction."""
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.url}: read failed: {exc.__class__.__name__}: {exc}") from exc

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A connection in a write transaction: committed when the block ends, rolled back if it raises."""
        try:
            with self.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"{self.url}: write failed: {exc.__class__.__name__}: {exc}") from exc

    def close(self) -> None:
        """Release every connection (SQLite checkpoints its WAL into the database file)."""
        self.engine.dispose()

    # --- the site's zones and teams -------------------------------------------------------------

    def sync_site(self, site: Site, conn: Connection | None = None) -> None:
        """Add the site's zones and teams and set which team sits where; teams are never deleted."""
        if conn is None:
            with self.writing() as own:
                self.sync_site(site, own)
            return
        zones = {z.id: z.name for z in site.zones}
        links = {(z.id, team) for z in site.zones for team in z.teams}
        have_zones = dict((r[0], r[1]) for r in conn.execute(select(Zone.id, Zone.name)))
        have_teams = set(conn.scalars(select(Team.id)).all())
        for zone_id, name in zones.items():
            if zone_id not in have_zones:
                conn.execute(insert(Zone).values(id=zone_id, name=name))
            elif have_zones[zone_id] != name:
                conn.execute(update(Zone).where(Zone.id == zone_id).values(name=name))
        new_teams = sorted({team for _, team in links} - have_teams)
        if new_teams:
            conn.execute(insert(Team), [{"id": t} for t in new_teams])
        have_links = {(r[0], r[1]) for r in conn.execute(select(ZoneTeam.zone_id, ZoneTeam.team_id))}
        for zone_id, team in have_links - links:
            conn.execute(delete(ZoneTeam).where(ZoneTeam.zone_id == zone_id, ZoneTeam.team_id == team))
        if links - have_links:
            conn.execute(insert(ZoneTeam), [{"zone_id": z, "team_id": t} for z, t in sorted(links - have_links)])

    def teams(self) -> list[str]:
        """Every team the store knows."""
        with self.reading() as conn:
            return list(conn.scalars(select(Team.id).order_by(Team.id)).all())

    def zone_teams(self) -> dict[str, tuple[str, ...]]:
        """Per zone, the teams that sit there."""
        with self.reading() as conn:
            rows = conn.execute(select(ZoneTeam.zone_id, ZoneTeam.team_id).order_by(ZoneTeam.zone_id, ZoneTeam.team_id))
            result: dict[str, tuple[str, ...]] = {}
            for zone_id, team in rows:
                result[zone_id] = (*result.get(zone_id, ()), team)
            return result

    # --- frames for the analytics -----------------------------------------------------------------

    def absences_frame(
        self, start: date | None = None, end: date | None = None, teams: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Absence spells: employee, team, start_date, end_date, reason, extent_pct."""
        with self.reading() as conn:
            return frames.absences_frame(conn, start, end, teams)

    def staff_frame(
        self, start: date | None = None, end: date | None = None, teams: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Roster rows: employee, team, start_date, end_date, fte."""
        with self.reading() as conn:
            return frames.staff_frame(conn, start, end, teams)

    def calls_frame(
        self, start: datetime | None = None, end: datetime | None = None, teams: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Call intervals: interval_start (tz-aware UTC), team, offered, answered, abandoned."""
        with self.reading() as conn:
            return frames.calls_frame(conn, start, end, teams)

    def nki_frame(
        self, start: date | None = None, end: date | None = None, teams: Sequence[str | None] | None = None
    ) -> pd.DataFrame:
        """NKI results: period_start, period_end, team, dimension, score, responses."""
        with self.reading() as conn:
            return frames.nki_frame(conn, start, end, teams)

    def feedback_frame(self, start: date | None = None, end: date | None = None) -> pd.DataFrame:
        """Citizen feedback received start..end: received_date, department, category, channel, failure_demand."""
        with self.reading() as conn:
            return frames.feedback_frame(conn, start, end)

    def covered_periods(self, kind: str) -> list[tuple[date, date]]:
        """The periods the imported files of a kind covered (each file's first to last day), oldest file first."""
        query = select(ImportBatch.period_start, ImportBatch.period_end).where(ImportBatch.kind == kind)
        with self.reading() as conn:
            rows = conn.execute(query.order_by(ImportBatch.id)).all()
        return [(first, last) for first, last in rows if first is not None and last is not None]

    # --- audit log and import batches -------------------------------------------------------------

    def audit(
        self,
        actor: str,
        action: str,
        resource: str,
        details: Mapping[str, Any] | None = None,
        *,
        conn: Connection | None = None,
    ) -> None:
        """Append one entry to the audit log (inside `conn`'s transaction if given)."""
        values = {
            "at": datetime.now(UTC),
            "actor": actor[:100],
            "action": action[:64],
            "resource": resource[:255],
            "details": json.dumps(dict(details or {}), default=str, ensure_ascii=False, sort_keys=True),
        }
        if conn is not None:
            conn.execute(insert(AuditLog).values(**values))
            return
        with self.writing() as own:
            own.execute(insert(AuditLog).values(**values))

    def audit_log(self, limit: int | None = None, action: str | None = None) -> list[AuditEntry]:
        """Audit entries, newest first."""
        query = select(AuditLog).order_by(AuditLog.id.desc())
        if action is not None:
            query = query.where(AuditLog.action == action)
        if limit is not None:
            query = query.limit(limit)
        with self.reading() as conn:
            rows = conn.execute(query).all()
        return [AuditEntry(r.id, r.at, r.actor, r.action, r.resource, json.loads(r.details)) for r in rows]

    def people_between(self, first: date, last: date, teams: Sequence[str] | None = None) -> int:
        """How many people (distinct pseudonyms) the roster has in the teams, or the centre, between two days."""
        query = select(func.count(func.distinct(StaffRow.employee))).where(
            StaffRow.start_date <= last, (StaffRow.end_date.is_(None)) | (StaffRow.end_date >= first)
        )
        if teams is not None:
            query = query.where(StaffRow.team.in_(list(teams)))
        with self.reading() as conn:
            return int(conn.execute(query).scalar_one())

    def audit_page(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
        before_id: int | None = None,
    ) -> tuple[list[AuditEntry], int]:
        """One page of the audit log, newest first, and how many entries match the filters in all.

        `before_id` pages by key (entries older than that id) rather than by offset: an export that walks
        the log so sees neither a duplicate nor a gap while new entries arrive.
        """
        conditions = []
        if before_id is not None:
            conditions.append(AuditLog.id < before_id)
        if actor is not None:
            conditions.append(AuditLog.actor == actor)
        if action is not None:
            conditions.append(AuditLog.action == action)
        if since is not None:
            conditions.append(AuditLog.at >= since)
        if until is not None:
            conditions.append(AuditLog.at < until)
        query = select(AuditLog).where(*conditions).order_by(AuditLog.id.desc()).limit(limit).offset(offset)
        with self.reading() as conn:
            total = conn.execute(select(func.count()).select_from(AuditLog).where(*conditions)).scalar_one()
            rows = conn.execute(query).all()
        return [AuditEntry(r.id, r.at, r.actor, r.action, r.resource, json.loads(r.details)) for r in rows], total

    def import_batches(self, kind: str | None = None) -> list[BatchInfo]:
        """Imported files, oldest first."""
        query = select(ImportBatch).order_by(ImportBatch.id)
        if kind is not None:
            query = query.where(ImportBatch.kind == kind)
        with self.reading() as conn:
            return [_batch(r) for r in conn.execute(query).all()]

    def records_begin(self) -> dict[str, date | datetime]:
        """When each kind of dated record begins over all that is stored: first absence day, first call interval."""
        found: dict[str, date | datetime] = {}
        with self.reading() as conn:
            first_absence = conn.execute(select(func.min(Absence.start_date))).scalar_one()
            first_call = conn.execute(select(func.min(CallInterval.interval_start))).scalar_one()
        if first_absence is not None:
            found["absences"] = first_absence
        if first_call is not None:
            found["call intervals"] = first_call
        return found

    def last_call_interval(self) -> datetime | None:
        """The start of the newest stored call interval (timezone-aware), or None without any."""
        with self.reading() as conn:
            newest = conn.execute(select(func.max(CallInterval.interval_start))).scalar_one()
        if newest is None:
            return None
        stamp = pd.Timestamp(newest)
        return (stamp if stamp.tzinfo is not None else stamp.tz_localize("UTC")).to_pydatetime()

    def data_version(self) -> int | None:
        """The id of the newest audited change to the data an analysis reads (an import, erasure, purge, board edit).

        Caches of figures computed from the records compare it: any such change makes them stale.
        """
        query = select(func.max(AuditLog.id)).where(AuditLog.action.in_(DATA_CHANGES))
        with self.reading() as conn:
            newest = conn.execute(query).scalar_one()
        return None if newest is None else int(newest)

    def find_batch(self, kind: str, sha256: str) -> BatchInfo | None:
        """The earlier import of exactly this content, if any."""
        query = select(ImportBatch).where(ImportBatch.kind == kind, ImportBatch.sha256 == sha256)
        with self.reading() as conn:
            row = conn.execute(query).first()
        return None if row is None else _batch(row)

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        with self.reading() as conn:
            return {
                name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                for name, table in sorted(Base.metadata.tables.items())
            }


def _batch(row: Any) -> BatchInfo:
    return BatchInfo(
        id=row.id,
        kind=row.kind,
        file_name=row.file_name,
        sha256=row.sha256,
        rows=row.rows,
        inserted=row.inserted,
        replaced=row.replaced,
        trimmed=row.trimmed,
        period_start=row.period_start,
        period_end=row.period_end,
        teams=tuple(json.loads(row.teams)),
        actor=row.actor,
        imported_at=row.imported_at,
    )
