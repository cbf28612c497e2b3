"""organisations: the groups they represent and their regions of focus (plurality)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "a1b2c3d4e5f6", "6e8f144443c2"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Add ``represents`` and ``regions_of_focus``, empty for existing organisations."""
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("represents", sa.JSON(), server_default="[]", nullable=False))
        batch.add_column(
            sa.Column("regions_of_focus", sa.JSON(), server_default="[]", nullable=False)
        )


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("regions_of_focus")
        batch.drop_column("represents")
