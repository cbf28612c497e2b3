"""overlap runs and matches: PSI runs (rate limit, record) and grantees funded elsewhere

Revision ID: 10ac7be0bb94
Revises: fe4771f574f0
Create Date: 2026-11-28 11:36:50.663246
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "10ac7be0bb94"
down_revision: str | None = "fe4771f574f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table(
        "overlap_runs",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("peer", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_overlap_runs")),
    )
    with op.batch_alter_table("overlap_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_overlap_runs_peer_scope",
            ["peer", "period", "purpose", "role", "created_at"],
            unique=False,
        )

    op.create_table(
        "overlap_matches",
        sa.Column("peer", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("identifier", sa.String(length=96), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["overlap_runs.run_id"], name=op.f("fk_overlap_matches_run_id_overlap_runs")
        ),
        sa.PrimaryKeyConstraint(
            "peer", "period", "purpose", "identifier", name=op.f("pk_overlap_matches")
        ),
    )
    with op.batch_alter_table("overlap_matches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_overlap_matches_identifier"), ["identifier"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_overlap_matches_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""

    with op.batch_alter_table("overlap_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overlap_matches_run_id"))
        batch_op.drop_index(batch_op.f("ix_overlap_matches_identifier"))

    op.drop_table("overlap_matches")
    with op.batch_alter_table("overlap_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_overlap_runs_peer_scope")

    op.drop_table("overlap_runs")
