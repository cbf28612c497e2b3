"""Owners of donors and grants (a grant's transactions and activities are its owner's).

Revision 4eda3cf1a7c1, after d36377d756bd (2026-12-04). Existing donors and grants are the node operator's.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "4eda3cf1a7c1", "d36377d756bd"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Add the owner of donors and grants."""
    for table in ("donors", "grants"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("owner", sa.String(length=64), server_default="operator", nullable=False)
            )
            batch_op.create_index(batch_op.f(f"ix_{table}_owner"), ["owner"], unique=False)


def downgrade() -> None:
    """Drop the owners."""
    for table in ("donors", "grants"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_owner"))
            batch_op.drop_column("owner")
