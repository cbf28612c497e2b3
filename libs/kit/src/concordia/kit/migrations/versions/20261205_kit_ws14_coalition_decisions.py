"""coalition decisions: the coordination group's decisions a node holds (revision kit_ws14).

The hub sends each decision log entry concerning a node; the node keeps the newest entry of
each decision, and one row (decision_id '') with the newest entry it holds in order.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "kit_ws14", "kit0001"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Create ``coalition_decisions`` (kept as it is where an earlier run made it)."""
    if "coalition_decisions" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "coalition_decisions",
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_coalition_decisions")),
        comment="The coalition's decisions concerning this node (newest log entry of each).",
    )
    with op.batch_alter_table("coalition_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coalition_decisions_seq"), ["seq"], unique=False)


def downgrade() -> None:
    """Drop ``coalition_decisions``."""
    with op.batch_alter_table("coalition_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coalition_decisions_seq"))
    op.drop_table("coalition_decisions")
