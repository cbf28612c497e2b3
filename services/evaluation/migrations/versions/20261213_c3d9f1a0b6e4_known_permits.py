"""known_permits: what the plurality indicators count of the registry's permits (revision
c3d9f1a0b6e4). Permits announced before this revision are learned when they next change."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "c3d9f1a0b6e4", "b7e2d41c9a05"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Create ``known_permits``."""
    op.create_table(
        "known_permits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=True),
        sa.Column("holder_vulnerable", sa.Boolean(), nullable=False),
        sa.Column("family_members_covered", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_permits")),
    )
    with op.batch_alter_table("known_permits") as batch:
        batch.create_index(batch.f("ix_known_permits_granted_on"), ["granted_on"], unique=False)


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("known_permits") as batch:
        batch.drop_index(batch.f("ix_known_permits_granted_on"))
    op.drop_table("known_permits")
