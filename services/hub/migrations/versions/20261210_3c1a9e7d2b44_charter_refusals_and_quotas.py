"""charter v2 and quotas: a service's refused charter, snapshots by node and arrival.

Revision 3c1a9e7d2b44 (2026-12-10): ``service_status.charter_refused`` keeps the charter a
service refused (revision, version, reasons); an index on ``snapshots (node, received_at)``
counts a node's snapshots of the day for its quota.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "3c1a9e7d2b44", "8dc802f39b50"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Add the refusal column and the quota index."""
    with op.batch_alter_table("service_status", schema=None) as batch_op:
        batch_op.add_column(sa.Column("charter_refused", sa.JSON(), nullable=True))
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_snapshots_node_received_at"), ["node", "received_at"], unique=False
        )


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshots_node_received_at"))
    with op.batch_alter_table("service_status", schema=None) as batch_op:
        batch_op.drop_column("charter_refused")
