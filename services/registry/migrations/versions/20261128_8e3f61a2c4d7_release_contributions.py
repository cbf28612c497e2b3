"""release contributions

Revision ID: 8e3f61a2c4d7
Revises: 72e424cf88c8
Create Date: 2026-11-28 12:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8e3f61a2c4d7"
down_revision: str | None = "72e424cf88c8"
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
