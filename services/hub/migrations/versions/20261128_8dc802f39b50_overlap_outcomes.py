"""overlap outcomes: counts or decline codes per PSI run

Revision ID: 8dc802f39b50
Revises: 9389a95b676b
Create Date: 2026-11-28 12:15:37.201853
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8dc802f39b50"
down_revision: str | None = "9389a95b676b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "overlap_outcomes",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=8), nullable=False),
        sa.Column("server", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("declined_by", sa.String(length=8), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_overlap_outcomes")),
    )
    with op.batch_alter_table("overlap_outcomes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_overlap_outcomes_period"), ["period"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("overlap_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overlap_outcomes_period"))

    op.drop_table("overlap_outcomes")
