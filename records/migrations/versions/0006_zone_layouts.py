"""Zone layouts: where an admin placed each zone on the site's floor plan (room data, not personal data).

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-12

One row per site and zone: a rectangle in plan units (x, y from the plan's top left corner, w, h) and who
saved it when. A save replaces every row of its site in one transaction; a zone without a row is drawn
where the site file puts it (or placed automatically).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from records.types import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A frozen copy of the rule as it is in this revision: a later change needs a new migration.
RECT = "x >= 0 AND y >= 0 AND w > 0 AND h > 0"


def upgrade() -> None:
    """Create zone_layouts."""
    op.create_table(
        "zone_layouts",
        sa.Column("site_id", sa.String(64), nullable=False),
        sa.Column("zone_id", sa.String(64), nullable=False),
        sa.Column("x", sa.Float(), nullable=False),
        sa.Column("y", sa.Float(), nullable=False),
        sa.Column("w", sa.Float(), nullable=False),
        sa.Column("h", sa.Float(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.CheckConstraint(RECT, name="ck_zone_layouts_rect"),
        sa.PrimaryKeyConstraint("site_id", "zone_id", name="pk_zone_layouts"),
    )


def downgrade() -> None:
    """Drop the zone layouts."""
    op.drop_table("zone_layouts")
