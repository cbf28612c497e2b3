"""the screen's log of calls (POST /v1/screen) (revision 5fc7375040da, after 6e8f144443c2, 2026-12-04 17:23:28.637279)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "5fc7375040da", "a1b2c3d4e5f6"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "screen_log",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("token_id", sa.String(length=32), nullable=False),
        sa.Column("token_name", sa.String(length=128), nullable=False),
        sa.Column("texts", sa.Integer(), nullable=False),
        sa.Column("matches", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=256), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_screen_log")),
    )
    with op.batch_alter_table("screen_log", schema=None) as batch_op:
        batch_op.create_index("ix_screen_log_token_id_at", ["token_id", "at"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("screen_log", schema=None) as batch_op:
        batch_op.drop_index("ix_screen_log_token_id_at")

    op.drop_table("screen_log")
