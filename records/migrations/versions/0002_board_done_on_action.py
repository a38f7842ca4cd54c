"""The improvement board records when an item was done and which catalogue action it was.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07

Both columns are nullable: items made before this revision keep working, and an item that was done
already has no date until someone sets it (the date is not guessed from its last change).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add improvement_items.done_on and improvement_items.action."""
    # Batch mode: a plain ALTER TABLE ADD COLUMN on SQLite and PostgreSQL alike (no table copy for adds).
    with op.batch_alter_table("improvement_items") as batch:
        batch.add_column(sa.Column("done_on", sa.Date()))
        batch.add_column(sa.Column("action", sa.String(64)))


def downgrade() -> None:
    """Drop the two columns again."""
    with op.batch_alter_table("improvement_items") as batch:
        batch.drop_column("action")
        batch.drop_column("done_on")
