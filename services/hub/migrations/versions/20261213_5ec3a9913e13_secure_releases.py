"""secure aggregation: the releases of the coalition's secure tables.

Revision 5ec3a9913e13 (2026-12-13): ``secure_releases``, one per table, period and phase (the
signed, append-only log of each table; issue 13).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "5ec3a9913e13", "5e9b2c4d7a10"
branch_labels, depends_on = None, None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create ``secure_releases``."""
    op.create_table(
        "secure_releases",
        sa.Column("seq", _ID, autoincrement=True, nullable=False),
        sa.Column("release_id", sa.String(length=64), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("aggregate", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=64), nullable=False),
        sa.Column("phase", sa.String(length=8), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("measure", sa.String(length=64), nullable=False),
        sa.Column("dimension", sa.String(length=64), nullable=False),
        sa.Column("roster", sa.JSON(), nullable=False),
        sa.Column("survivors", sa.JSON(), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("epsilon", sa.Numeric(precision=8, scale=4), nullable=True),
        sa.Column("sensitivity", sa.Integer(), nullable=False),
        sa.Column("release", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_secure_releases")),
        sa.UniqueConstraint("release_id", name=op.f("uq_secure_releases_release_id")),
        sa.UniqueConstraint(
            "service",
            "aggregate",
            "period",
            "phase",
            name=op.f("uq_secure_releases_service_aggregate_period_phase"),
        ),
    )
    op.create_index(
        op.f("ix_secure_releases_aggregate"), "secure_releases", ["aggregate"], unique=False
    )


def downgrade() -> None:
    """Drop ``secure_releases``."""
    op.drop_index(op.f("ix_secure_releases_aggregate"), table_name="secure_releases")
    op.drop_table("secure_releases")
