"""the coalition's library: the newest revision of every practice the hub relayed.

Revision d15a0e5c1b77 (2026-12-12): ``library_practices``, kept by the broadcast relay and
searched by the dashboard.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "d15a0e5c1b77", "7d4e1b2a9c55"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Create ``library_practices``."""
    op.create_table(
        "library_practices",
        sa.Column("practice", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("standing", sa.String(length=16), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=True),
        sa.Column("what_worked", sa.Text(), nullable=True),
        sa.Column("what_did_not", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("practice", name=op.f("pk_library_practices")),
    )
    op.create_index(
        op.f("ix_library_practices_origin"), "library_practices", ["origin"], unique=False
    )
    op.create_index(
        op.f("ix_library_practices_topic"), "library_practices", ["topic"], unique=False
    )


def downgrade() -> None:
    """Drop ``library_practices``."""
    op.drop_index(op.f("ix_library_practices_topic"), table_name="library_practices")
    op.drop_index(op.f("ix_library_practices_origin"), table_name="library_practices")
    op.drop_table("library_practices")
