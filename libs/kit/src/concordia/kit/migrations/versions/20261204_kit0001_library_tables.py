"""library tables: outbox and relay lease, inbox, idempotency keys, published aggregates,
applied charters (revision kit0001, the base of the kit branch, 2026-12-04).

Databases made before the kit owned these tables already hold them (each service created them
in its own first revisions, identically): those are adopted as they are, not created again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "kit0001", None
branch_labels, depends_on = ("kit",), None


def upgrade() -> None:
    """Create the library tables a database does not hold yet."""
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "applied_charters" not in existing:
        op.create_table(
            "applied_charters",
            sa.Column("revision", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("version", sa.String(length=64), nullable=False),
            sa.Column("payload", sa.JSON(), nullable=False),
            sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("revision", name=op.f("pk_applied_charters")),
            comment="Charters received from the hub; the highest revision applies.",
        )
    if "idempotency_keys" not in existing:
        op.create_table(
            "idempotency_keys",
            sa.Column("key", sa.String(length=128), nullable=False),
            sa.Column("token_id", sa.String(length=32), nullable=False),
            sa.Column("request_hash", sa.LargeBinary(length=32), nullable=False),
            sa.Column("status", sa.Integer(), nullable=False),
            sa.Column("response", sa.LargeBinary(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("key", "token_id", name=op.f("pk_idempotency_keys")),
        )
    if "inbox" not in existing:
        op.create_table(
            "inbox",
            sa.Column("consumer", sa.String(length=128), nullable=False),
            sa.Column("event_id", sa.String(length=64), nullable=False),
            sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f("pk_inbox")),
            comment="Events each consumer applied; makes redelivery harmless.",
        )
        with op.batch_alter_table("inbox", schema=None) as batch_op:
            batch_op.create_index("ix_inbox_processed_at", ["processed_at"], unique=False)
    if "outbox" not in existing:
        op.create_table(
            "outbox",
            sa.Column(
                "seq",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                autoincrement=True,
                nullable=False,
            ),
            sa.Column("event_id", sa.String(length=64), nullable=False),
            sa.Column("subject", sa.String(length=255), nullable=False),
            sa.Column("type", sa.String(length=255), nullable=False),
            sa.Column("payload", sa.LargeBinary(), nullable=False),
            sa.Column("headers", sa.JSON(), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
            sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
            comment="Events committed with their change, waiting for (or sent by) the relay.",
            sqlite_autoincrement=True,
        )
        with op.batch_alter_table("outbox", schema=None) as batch_op:
            batch_op.create_index(
                "ix_outbox_pending",
                ["seq"],
                unique=False,
                postgresql_where=sa.text("published_at IS NULL"),
                sqlite_where=sa.text("published_at IS NULL"),
            )
            batch_op.create_index("ix_outbox_published_at", ["published_at"], unique=False)
    if "outbox_lease" not in existing:
        op.create_table(
            "outbox_lease",
            sa.Column("name", sa.String(length=64), nullable=False),
            sa.Column("holder", sa.String(length=255), nullable=False),
            sa.Column("expires_at_ms", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("name", name=op.f("pk_outbox_lease")),
            comment="Which relay process may publish this database's outbox, until when.",
        )
    if "published_aggregates" not in existing:
        op.create_table(
            "published_aggregates",
            sa.Column("name", sa.String(length=64), nullable=False),
            sa.Column("period", sa.String(length=16), nullable=False),
            sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("digest", sa.LargeBinary(length=32), nullable=False),
            sa.Column("payload", sa.JSON(), nullable=False),
            sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("contributions", sa.JSON(), nullable=True),
            sa.PrimaryKeyConstraint(
                "name", "period", "version", name=op.f("pk_published_aggregates")
            ),
        )


def downgrade() -> None:
    """Drop the library tables."""
    op.drop_table("published_aggregates")
    op.drop_table("outbox_lease")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_published_at")
        batch_op.drop_index(
            "ix_outbox_pending",
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )
    op.drop_table("outbox")
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_processed_at")
    op.drop_table("inbox")
    op.drop_table("idempotency_keys")
    op.drop_table("applied_charters")
