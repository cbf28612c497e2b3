"""the log of sync runs: bulk syncs and imports with counts and the first rejections' reasons
(revision kit_dash15, 2026-12-06).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "kit_dash15", "kit_ws14"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Create ``sync_runs`` (unless a database adopted by the kit already has it)."""
    if "sync_runs" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("route", sa.String(length=128), nullable=False),
        sa.Column("token_id", sa.String(length=32), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
        comment="Bulk syncs and imports: counts and the first rejections' reasons.",
    )
    op.create_index(op.f("ix_sync_runs_at"), "sync_runs", ["at"], unique=False)


def downgrade() -> None:
    """Drop ``sync_runs``."""
    op.drop_index(op.f("ix_sync_runs_at"), table_name="sync_runs")
    op.drop_table("sync_runs")
