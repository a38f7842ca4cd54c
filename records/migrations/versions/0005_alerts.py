"""Environment alerts: raised, peak, cleared, acknowledged (room data, not personal data).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-15

One row per alert from the moment it is raised; `cleared_at` is null while it is open. A partial
unique index keeps at most one open alert per zone, quantity and side (SQLite and PostgreSQL both
index `WHERE cleared_at IS NULL`), so two servers evaluating at once cannot open the same alert twice.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from records.types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A frozen copy of the value list as it is in this revision: a later change needs a new migration.
SIDES = "side IN ('high', 'low')"


def upgrade() -> None:
    """Create alerts with its indexes."""
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("quantity", sa.String(32), nullable=False),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("peak", sa.Float(), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("raised_at", UTCDateTime(), nullable=False),
        sa.Column("cleared_at", UTCDateTime()),
        sa.Column("acknowledged_by", sa.String(100)),
        sa.Column("acknowledged_at", UTCDateTime()),
        sa.Column("note", sa.Text()),
        sa.CheckConstraint(SIDES, name="ck_alerts_side"),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
    )
    op.create_index("ix_alerts_raised_at", "alerts", ["raised_at", "id"])
    op.create_index(
        "uq_alerts_open",
        "alerts",
        ["zone", "quantity", "side"],
        unique=True,
        sqlite_where=sa.text("cleared_at IS NULL"),
        postgresql_where=sa.text("cleared_at IS NULL"),
    )


def downgrade() -> None:
    """Drop the alerts."""
    op.drop_index("uq_alerts_open", table_name="alerts")
    op.drop_index("ix_alerts_raised_at", table_name="alerts")
    op.drop_table("alerts")
