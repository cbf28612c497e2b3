"""node signatures: snapshots and status reports keep their node's signature, checked or not.

Revision 5e10a9c3b7d2 (2026-12-13): ``snapshots.signature_verified`` (the signature itself is in
the stored payload, as the node sent it) and ``service_status.signature`` (JSON) with
``service_status.signature_verified``: whether the hub checked the signature against its
coalition directory and it holds (issue 10, "Signed end to end").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "5e10a9c3b7d2", "d15a0e5c1b77"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Add the signature columns (existing rows: unsigned, unverified)."""
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("signature_verified", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("service_status", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signature", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("signature_verified", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("service_status", schema=None) as batch_op:
        batch_op.drop_column("signature_verified")
        batch_op.drop_column("signature")
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.drop_column("signature_verified")
