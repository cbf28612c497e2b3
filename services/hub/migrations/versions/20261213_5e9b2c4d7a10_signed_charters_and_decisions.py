"""signed charters and decisions: the member states' signatures the hub collects and relays.

Revision 5e9b2c4d7a10 (2026-12-13): ``charters.signatures`` and ``charters.signed_at`` (when m
members had signed: from then on the revision is adopted; a charter stored before has none and
waits for its signatures like a new proposal), ``decisions.signatures``, and
``service_status.charter_pending`` (a signed revision a service holds until its effective day).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "5e9b2c4d7a10", "5e10a9c3b7d2"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Add the signature columns."""
    with op.batch_alter_table("charters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signatures", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signatures", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("service_status", schema=None) as batch_op:
        batch_op.add_column(sa.Column("charter_pending", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("service_status", schema=None) as batch_op:
        batch_op.drop_column("charter_pending")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("signatures")
    with op.batch_alter_table("charters", schema=None) as batch_op:
        batch_op.drop_column("signed_at")
        batch_op.drop_column("signatures")
