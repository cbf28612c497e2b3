"""applied charters: the charters received from the hub, the highest revision applies

Revision ID: d36377d756bd
Revises: 5b1d0c7e2a94
Create Date: 2026-11-28 12:12:44.156183
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d36377d756bd"
down_revision: str | None = "5b1d0c7e2a94"
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
