"""applied charters: the charters received from the hub, the highest revision applies

Revision ID: cf187471128f
Revises: 8e3f61a2c4d7
Create Date: 2026-11-28 12:12:51.227244
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cf187471128f"
down_revision: str | None = "8e3f61a2c4d7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "applied_charters",
        sa.Column("revision", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("revision", name=op.f("pk_applied_charters")),
        comment="Charters received from the hub; the highest revision applies.",
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("applied_charters")
