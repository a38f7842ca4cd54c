"""The first records schema: site teams, HR and operations rows, imports, board, users, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from records.types import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the value lists as they were in this revision: later changes need a new migration.
REASONS = "reason IN ('sick', 'child_care', 'other')"
EXTENTS = "extent_pct IN (25, 50, 75, 100)"
DIMENSIONS = "dimension IN ('treatment', 'knowledge', 'accessibility', 'overall')"
STATUSES = "status IN ('proposed', 'in_progress', 'done', 'rejected')"
ROLES = "role IN ('facilities', 'hr', 'manager', 'admin')"
KINDS = "kind IN ('absences', 'staff', 'calls', 'nki')"

APPEND_ONLY = "audit_log is append-only"


def upgrade() -> None:
    """Create every table, then make the audit log append-only with triggers."""
    op.create_table(
        "zones",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_zones"),
    )
    op.create_table(
        "teams", sa.Column("id", sa.String(64), nullable=False), sa.PrimaryKeyConstraint("id", name="pk_teams")
    )
    op.create_table(
        "zone_teams",
        sa.Column("zone_id", sa.String(64), nullable=False),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["zone_id"], ["zones.id"], name="fk_zone_teams_zone_id_zones", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_zone_teams_team_id_teams"),
        sa.PrimaryKeyConstraint("zone_id", "team_id", name="pk_zone_teams"),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("replaced", sa.Integer(), nullable=False),
        sa.Column("trimmed", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date()),
        sa.Column("period_end", sa.Date()),
        sa.Column("teams", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(KINDS, name="ck_import_batches_kind"),
        sa.UniqueConstraint("kind", "sha256", name="uq_import_batches_kind"),
        sa.PrimaryKeyConstraint("id", name="pk_import_batches"),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee", sa.String(64), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date()),
        sa.Column("fte", sa.Float(), nullable=False),
        sa.Column("batch_id", sa.Integer()),
        sa.CheckConstraint("fte >= 0 AND fte <= 1", name="ck_staff_fte"),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ck_staff_dates"),
        sa.ForeignKeyConstraint(["team"], ["teams.id"], name="fk_staff_team_teams"),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name="fk_staff_batch_id_import_batches", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_staff"),
    )
    op.create_index("ix_staff_employee", "staff", ["employee"])
    op.create_index("ix_staff_team_start", "staff", ["team", "start_date"])
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee", sa.String(64), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("extent_pct", sa.SmallInteger(), nullable=False),
        sa.Column("batch_id", sa.Integer()),
        sa.CheckConstraint(REASONS, name="ck_absences_reason"),
        sa.CheckConstraint(EXTENTS, name="ck_absences_extent"),
        sa.CheckConstraint("end_date >= start_date", name="ck_absences_dates"),
        sa.ForeignKeyConstraint(["team"], ["teams.id"], name="fk_absences_team_teams"),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name="fk_absences_batch_id_import_batches", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_absences"),
    )
    op.create_index("ix_absences_employee", "absences", ["employee"])
    op.create_index("ix_absences_end_date", "absences", ["end_date"])
    op.create_index("ix_absences_team_start", "absences", ["team", "start_date"])
    op.create_table(
        "call_intervals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interval_start", UTCDateTime(), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("offered", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("abandoned", sa.Integer()),
        sa.Column("batch_id", sa.Integer()),
        sa.CheckConstraint("offered >= 0 AND answered >= 0 AND answered <= offered", name="ck_call_intervals_counts"),
        sa.CheckConstraint(
            "abandoned IS NULL OR (abandoned >= 0 AND abandoned <= offered - answered)",
            name="ck_call_intervals_abandoned",
        ),
        sa.ForeignKeyConstraint(["team"], ["teams.id"], name="fk_call_intervals_team_teams"),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name="fk_call_intervals_batch_id_import_batches", ondelete="SET NULL"
        ),
        sa.UniqueConstraint("team", "interval_start", name="uq_call_intervals_team"),
        sa.PrimaryKeyConstraint("id", name="pk_call_intervals"),
    )
    op.create_table(
        "nki_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("team", sa.String(64)),
        sa.Column("dimension", sa.String(16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer()),
        sa.CheckConstraint(DIMENSIONS, name="ck_nki_results_dimension"),
        sa.CheckConstraint("score >= 1 AND score <= 5", name="ck_nki_results_score"),
        sa.CheckConstraint("responses >= 0", name="ck_nki_results_responses"),
        sa.CheckConstraint("period_end >= period_start", name="ck_nki_results_dates"),
        sa.ForeignKeyConstraint(["team"], ["teams.id"], name="fk_nki_results_team_teams"),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name="fk_nki_results_batch_id_import_batches", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_nki_results"),
    )
    op.create_index("ix_nki_results_period", "nki_results", ["period_start", "period_end"])
    op.create_table(
        "improvement_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("zone_id", sa.String(64)),
        sa.Column("quantity", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(100)),
        sa.Column("due_date", sa.Date()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(STATUSES, name="ck_improvement_items_status"),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name="fk_improvement_items_zone_id_zones", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_improvement_items"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(ROLES, name="ck_users_role"),
        sa.UniqueConstraint("username", name="uq_users_username"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("resource", sa.String(255), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    _make_audit_log_append_only()


def _make_audit_log_append_only() -> None:
    # A trigger, not just application code: nothing that can reach the database may rewrite history.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )


def downgrade() -> None:
    """Drop everything this revision created."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in (
        "audit_log",
        "users",
        "improvement_items",
        "nki_results",
        "call_intervals",
        "absences",
        "staff",
        "import_batches",
        "zone_teams",
        "teams",
        "zones",
    ):
        op.drop_table(table)
