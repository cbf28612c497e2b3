"""the hub's tables:
nodes, service status, snapshots, refusals, charters, overlap outcomes (the first revisions, squashed).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "8dc802f39b50", None
branch_labels, depends_on = ("hub",), None


def upgrade() -> None:
    """Create the hub's tables."""
    op.create_table(
        "charters",
        sa.Column("revision", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("revision", name=op.f("pk_charters")),
        sa.UniqueConstraint("version", name=op.f("uq_charters_version")),
    )
    op.create_table(
        "nodes",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_report_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_nodes")),
    )
    op.create_table(
        "overlap_outcomes",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=8), nullable=False),
        sa.Column("server", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("declined_by", sa.String(length=8), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_overlap_outcomes")),
    )
    with op.batch_alter_table("overlap_outcomes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_overlap_outcomes_period"), ["period"], unique=False)

    op.create_table(
        "refusals",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("account", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refusals")),
    )
    with op.batch_alter_table("refusals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refusals_account"), ["account"], unique=False)

    op.create_table(
        "service_status",
        sa.Column("node", sa.String(length=8), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("charter_version", sa.String(length=64), nullable=False),
        sa.Column("charter_revision", sa.Integer(), nullable=False),
        sa.Column("outbox_pending", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("node", "service", name=op.f("pk_service_status")),
    )
    op.create_table(
        "snapshots",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("node", sa.String(length=8), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("aggregate", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=64), nullable=False),
        sa.Column("charter_version", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
        sa.UniqueConstraint(
            "node",
            "service",
            "aggregate",
            "period",
            "version",
            name=op.f("uq_snapshots_node_service_aggregate_period_version"),
        ),
    )


def downgrade() -> None:
    """Drop the hub's tables."""
    op.drop_table("snapshots")
    op.drop_table("service_status")
    with op.batch_alter_table("refusals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refusals_account"))

    op.drop_table("refusals")
    with op.batch_alter_table("overlap_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overlap_outcomes_period"))

    op.drop_table("overlap_outcomes")
    op.drop_table("nodes")
    op.drop_table("charters")
