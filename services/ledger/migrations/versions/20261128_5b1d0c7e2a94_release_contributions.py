"""release contributions

Revision ID: 5b1d0c7e2a94
Revises: 10ac7be0bb94
Create Date: 2026-11-28 12:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1d0c7e2a94"
down_revision: str | None = "10ac7be0bb94"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision: what each contributor added to each released cell (stays home)."""
    with op.batch_alter_table("published_aggregates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contributions", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("published_aggregates", schema=None) as batch_op:
        batch_op.drop_column("contributions")
