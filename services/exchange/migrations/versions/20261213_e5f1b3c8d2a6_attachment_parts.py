"""attachment_parts: pieces of other nodes' attachments until they are joined (revision
e5f1b3c8d2a6)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "e5f1b3c8d2a6", "d4e8a2f7c1b9"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Create ``attachment_parts``."""
    op.create_table(
        "attachment_parts",
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("practice_id", "sha256", "index", name=op.f("pk_attachment_parts")),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("attachment_parts")
