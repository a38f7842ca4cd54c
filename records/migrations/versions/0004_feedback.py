"""Citizen feedback (synpunkter): a table of cases, and `feedback` as a kind of imported file.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-14

The feedback table keeps when a case came in, the department, the category, the channel and whether it
was failure demand (onödig efterfrågan) — never the citizen's name, contact details or free text.

import_batches.kind is checked against a list of kinds, and that list gains `feedback`. PostgreSQL
drops and adds the constraint. SQLite cannot alter a CHECK, and the usual way round — copy the table,
drop the old one, rename the copy (Alembic's batch mode) — would, with foreign keys on, empty the
batch_id of every staff, absence, call and NKI row (their ON DELETE SET NULL fires on the drop). So on
SQLite the table's stored definition is edited in place instead, the procedure SQLite documents for
changing a constraint that every stored row already meets (https://sqlite.org/lang_altertable.html,
"writable_schema"): the new list only adds a value, so nothing stored can break it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the value lists as they are in this revision: a later change needs a new migration.
KINDS_BEFORE = "kind IN ('absences', 'staff', 'calls', 'nki')"
KINDS_AFTER = "kind IN ('absences', 'staff', 'calls', 'nki', 'feedback')"
CATEGORIES = "category IN ('complaint', 'suggestion', 'praise', 'question')"
CHANNELS = "channel IS NULL OR channel IN ('phone', 'email', 'web', 'visit')"


def upgrade() -> None:
    """Create the feedback table and let import_batches take files of kind feedback."""
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_date", sa.Date(), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16)),
        sa.Column("failure_demand", sa.Boolean()),
        sa.Column("batch_id", sa.Integer()),
        # The models' naming convention makes these ck_feedback_category and ck_feedback_channel.
        sa.CheckConstraint(CATEGORIES, name="category"),
        sa.CheckConstraint(CHANNELS, name="channel"),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name="fk_feedback_batch_id_import_batches", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
    )
    op.create_index("ix_feedback_received_date", "feedback", ["received_date"])
    _batch_kinds(KINDS_BEFORE, KINDS_AFTER)


def downgrade() -> None:
    """Drop the feedback table and its import batches; import_batches takes the four kinds of before."""
    op.drop_index("ix_feedback_received_date", table_name="feedback")
    op.drop_table("feedback")
    op.execute("DELETE FROM import_batches WHERE kind = 'feedback'")
    _batch_kinds(KINDS_AFTER, KINDS_BEFORE)


def _batch_kinds(old: str, new: str) -> None:
    """Replace the check on import_batches.kind (`old`, as it is) with `new`."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        # Revision 0001's naming convention named it ck_import_batches_ck_import_batches_kind: look it up.
        name = bind.execute(
            sa.text(
                "SELECT conname FROM pg_constraint WHERE conrelid = 'import_batches'::regclass AND contype = 'c' "
                "AND pg_get_constraintdef(oid) LIKE :kind"
            ),
            {"kind": "%kind%"},
        ).scalar_one()
        op.execute(f'ALTER TABLE import_batches DROP CONSTRAINT "{name}"')
        op.execute(f'ALTER TABLE import_batches ADD CONSTRAINT "{name}" CHECK ({new})')
        return
    where = "WHERE type = 'table' AND name = 'import_batches'"
    definition = bind.exec_driver_sql(f"SELECT sql FROM sqlite_master {where}").scalar_one()  # noqa: S608
    if definition.count(old) != 1:
        raise RuntimeError(f"import_batches does not check {old!r} as revision 0001 made it: {definition}")
    version = int(bind.exec_driver_sql("PRAGMA schema_version").scalar_one())
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql(f"UPDATE sqlite_master SET sql = ? {where}", (definition.replace(old, new),))  # noqa: S608
        # A new schema version makes every connection read the changed definition before its next statement.
        bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
