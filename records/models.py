"""SQLAlchemy models of the records database; the migrations in records/migrations create them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from records.types import UTCDateTime

# Values the checks below allow; importers and the API use the same tuples.
REASONS = ("sick", "child_care", "other")
EXTENTS = (25, 50, 75, 100)
DIMENSIONS = ("treatment", "knowledge", "accessibility", "overall")
ITEM_STATUSES = ("proposed", "in_progress", "done", "rejected")
CHANGE_KINDS = ("created", "changed")  # an improvement item's history: its creation, then one row per field
ROLES = ("facilities", "hr", "manager", "admin")  # api.security.Role; records must not import api
KINDS = ("absences", "staff", "calls", "nki", "feedback")
FEEDBACK_CATEGORIES = ("complaint", "suggestion", "praise", "question")  # citizen feedback (synpunkter)
FEEDBACK_CHANNELS = ("phone", "email", "web", "visit")

EMPLOYEE = String(64)  # a pseudonym: 64 hex digits
TEAM = String(64)

# Deterministic constraint names keep migrations reproducible on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _in(column: str, values: tuple[object, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING)


class Zone(Base):
    """A zone of the site (from site.toml)."""

    __tablename__ = "zones"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")


class Team(Base):
    """An answer group; teams come from the site's zones and are never deleted (rows refer to them)."""

    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(TEAM, primary_key=True)


class ZoneTeam(Base):
    """Which team sits in which zone."""

    __tablename__ = "zone_teams"

    zone_id: Mapped[str] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), primary_key=True)


class ImportBatch(Base):
    """One imported file: what it was, what it covered and what it did."""

    __tablename__ = "import_batches"
    __table_args__ = (
        UniqueConstraint("kind", "sha256"),
        CheckConstraint(_in("kind", KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    replaced: Mapped[int] = mapped_column(Integer)
    trimmed: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    teams: Mapped[str] = mapped_column(Text, default="[]")  # JSON list; null = the whole centre (NKI)
    actor: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StaffRow(Base):
    """A roster row: a person in a team from a start date, with a full-time equivalent."""

    __tablename__ = "staff"
    __table_args__ = (
        CheckConstraint("fte >= 0 AND fte <= 1", name="fte"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
        Index("ix_staff_team_start", "team", "start_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee: Mapped[str] = mapped_column(EMPLOYEE, index=True)
    team: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    fte: Mapped[float] = mapped_column(Float)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id", ondelete="SET NULL"))


class Absence(Base):
    """An absence spell, end date inclusive."""

    __tablename__ = "absences"
    __table_args__ = (
        CheckConstraint(_in("reason", REASONS), name="reason"),
        CheckConstraint(_in("extent_pct", EXTENTS), name="extent"),
        CheckConstraint("end_date >= start_date", name="dates"),
        Index("ix_absences_team_start", "team", "start_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee: Mapped[str] = mapped_column(EMPLOYEE, index=True)
    team: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(String(16))
    extent_pct: Mapped[int] = mapped_column(SmallInteger)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id", ondelete="SET NULL"))


class CallInterval(Base):
    """Calls of one team in one interval (telephony/ACD export)."""

    __tablename__ = "call_intervals"
    __table_args__ = (
        UniqueConstraint("team", "interval_start"),
        CheckConstraint("offered >= 0 AND answered >= 0 AND answered <= offered", name="counts"),
        CheckConstraint("abandoned IS NULL OR (abandoned >= 0 AND abandoned <= offered - answered)", name="abandoned"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No index of its own: (team, interval_start) serves the queries, and a second index on a year of
    # intervals arriving team by team would double the cost of a bulk import.
    interval_start: Mapped[datetime] = mapped_column(UTCDateTime())
    team: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    offered: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer)
    abandoned: Mapped[int | None] = mapped_column(Integer)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id", ondelete="SET NULL"))


class NkiResult(Base):
    """A customer satisfaction (NKI) score for a period, a team (null = the whole centre) and a dimension."""

    __tablename__ = "nki_results"
    __table_args__ = (
        CheckConstraint(_in("dimension", DIMENSIONS), name="dimension"),
        CheckConstraint("score >= 1 AND score <= 5", name="score"),
        CheckConstraint("responses >= 0", name="responses"),
        CheckConstraint("period_end >= period_start", name="dates"),
        Index("ix_nki_results_period", "period_start", "period_end"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    team: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    dimension: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    responses: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id", ondelete="SET NULL"))


class Feedback(Base):
    """One case of citizen feedback (synpunkt): when it came in, about which department, what kind, how.

    Nothing about the citizen is stored: no name, contact details or free text (contracts §5).
    """

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint(_in("category", FEEDBACK_CATEGORIES), name="category"),
        CheckConstraint(f"channel IS NULL OR {_in('channel', FEEDBACK_CHANNELS)}", name="channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_date: Mapped[date] = mapped_column(Date, index=True)
    department: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str | None] = mapped_column(String(16))  # null: the export did not say
    failure_demand: Mapped[bool | None] = mapped_column(Boolean)  # null: not tagged
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id", ondelete="SET NULL"))


class ImprovementItem(Base):
    """A card on the improvement board."""

    __tablename__ = "improvement_items"
    __table_args__ = (CheckConstraint(_in("status", ITEM_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    zone_id: Mapped[str | None] = mapped_column(ForeignKey("zones.id", ondelete="SET NULL"))
    quantity: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    owner: Mapped[str | None] = mapped_column(String(100))
    due_date: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)  # the local day it was done; only while status is done
    action: Mapped[str | None] = mapped_column(String(64))  # a catalogue action's key, e.g. ventilation_rebalancing
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ImprovementChange(Base):
    """One entry of an improvement item's history: its creation, or one field changed (who, when, from, to)."""

    __tablename__ = "improvement_changes"
    __table_args__ = (
        CheckConstraint(_in("kind", CHANGE_KINDS), name="kind"),
        Index("ix_improvement_changes_item_id", "item_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("improvement_items.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    field: Mapped[str | None] = mapped_column(String(32))  # null for "created"
    old_value: Mapped[str | None] = mapped_column(Text)  # as text: ISO dates, null for none
    new_value: Mapped[str | None] = mapped_column(Text)  # "created": a JSON object of the values it started with


class User(Base):
    """A login: name, role and password hash (never the password)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditLog(Base):
    """Who did what to which resource, when; append-only (database triggers refuse updates and deletes)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    resource: Mapped[str] = mapped_column(String(255))
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON object


ALERT_SIDES = ("high", "low")  # models.alerts.SIDES: too high is bad, or too low


class EnvironmentAlert(Base):
    """A zone beyond a quantity's action level, from raised to cleared, and who acknowledged it (room data)."""

    __tablename__ = "alerts"
    __table_args__ = (
        CheckConstraint(_in("side", ALERT_SIDES), name="side"),
        Index("ix_alerts_raised_at", "raised_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[str] = mapped_column(String(32))
    side: Mapped[str] = mapped_column(String(8))
    threshold: Mapped[float] = mapped_column(Float)
    value: Mapped[float] = mapped_column(Float)  # when it was raised
    peak: Mapped[float] = mapped_column(Float)  # the worst while open
    since: Mapped[datetime] = mapped_column(UTCDateTime())  # the first sample beyond the threshold
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)


# At most one open alert per zone, quantity and side, whoever raises it (a partial unique index).
Index(
    "uq_alerts_open",
    EnvironmentAlert.zone,
    EnvironmentAlert.quantity,
    EnvironmentAlert.side,
    unique=True,
    sqlite_where=EnvironmentAlert.cleared_at.is_(None),
    postgresql_where=EnvironmentAlert.cleared_at.is_(None),
)


class ZoneLayout(Base):
    """Where an admin placed a zone on the site's floor plan (room data): a rectangle in plan units, who and when.

    A save replaces every row of its site (records/layout_store.py); a zone without a row is drawn where the
    site file puts it.
    """

    __tablename__ = "zone_layouts"
    __table_args__ = (CheckConstraint("x >= 0 AND y >= 0 AND w > 0 AND h > 0", name="rect"),)

    site_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    zone_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    w: Mapped[float] = mapped_column(Float)
    h: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))


def table_of(model: type[Base]) -> Table:
    """A model's Table (typed as such, for Core statements)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
