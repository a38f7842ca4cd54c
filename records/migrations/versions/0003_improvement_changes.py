"""Each improvement item keeps its history: its creation, then every field changed, by whom and when.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Items made before this revision get their "created" entry from the audit log's board_add (its actor,
the item's created_at); what they started with is not known any more, so that entry lists no values.
Their later edits stay in the audit log only: it has the new values but not the old ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from records.types import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A frozen copy of the value list as it is in this revision: a later change needs a new migration.
KINDS = "kind IN ('created', 'changed')"

BACKFILL = """
INSERT INTO improvement_changes (item_id, at, actor, kind)
SELECT i.id, i.created_at,
       COALESCE((SELECT a.actor FROM audit_log a
                 WHERE a.action = 'board_add' AND a.resource = 'improvement:' || CAST(i.id AS VARCHAR(20))
                 ORDER BY a.id LIMIT 1), 'unknown'),
       'created'
FROM improvement_items i ORDER BY i.id
"""


def upgrade() -> None:
    """Create improvement_changes and give every existing item its "created" entry."""
    op.create_table(
        "improvement_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("field", sa.String(32)),
        sa.Column("old_value", sa.Text()),
        sa.Column("new_value", sa.Text()),
        sa.CheckConstraint(KINDS, name="ck_improvement_changes_kind"),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["improvement_items.id"],
            name="fk_improvement_changes_item_id_improvement_items",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_improvement_changes"),
    )
    op.create_index("ix_improvement_changes_item_id", "improvement_changes", ["item_id", "id"])
    op.create_index("ix_improvement_changes_at", "improvement_changes", ["at"])
    op.execute(BACKFILL)


def downgrade() -> None:
    """Drop the history (the audit log keeps its own record of the edits)."""
    op.drop_index("ix_improvement_changes_at", table_name="improvement_changes")
    op.drop_index("ix_improvement_changes_item_id", table_name="improvement_changes")
    op.drop_table("improvement_changes")
