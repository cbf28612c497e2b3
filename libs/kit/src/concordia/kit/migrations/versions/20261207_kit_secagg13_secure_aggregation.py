"""secure aggregation at the node: the participant's rounds, release log and epsilon ledger
(revision kit_secagg13, 2026-12-07).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "kit_secagg13", "kit_dash15"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Create ``secagg_participants`` (unless a database adopted by the kit already has it)."""
    if "secagg_participants" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "secagg_participants",
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("service", name=op.f("pk_secagg_participants")),
        comment="Secure aggregation at this node: rounds, release log, epsilon ledger.",
    )


def downgrade() -> None:
    """Drop ``secagg_participants``."""
    op.drop_table("secagg_participants")
