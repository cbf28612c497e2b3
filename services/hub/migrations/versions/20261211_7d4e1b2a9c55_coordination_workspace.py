"""the coordination group's workspace: commitments, agenda, comments, decisions, decision log.

Revision 7d4e1b2a9c55 (2026-12-11): commitments with their revisions, agenda items (a signal
raises one at most: ``signal_key`` is unique), comments, decisions with their follow-ups, the
decision log the nodes follow, and ``service_status.decisions_held`` (what a node holds of it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "7d4e1b2a9c55", "3c1a9e7d2b44"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table(
        "agenda_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("signal_key", sa.String(length=255), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("raised_by", sa.String(length=80), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
        sa.UniqueConstraint("signal_key", name=op.f("uq_agenda_items_signal_key")),
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_items_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_items_status"), ["status"], unique=False)

    op.create_table(
        "commitments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("node", sa.String(length=8), nullable=True),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("dimension", sa.String(length=32), nullable=True),
        sa.Column("level", sa.String(length=64), nullable=True),
        sa.Column("target", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitments_member"), ["member"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitments_period"), ["period"], unique=False)

    op.create_table(
        "decision_log",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("decision_id", sa.String(length=36), nullable=False),
        sa.Column("concerns", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_decision_log")),
    )
    with op.batch_alter_table("decision_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decision_log_decision_id"), ["decision_id"], unique=False
        )

    op.create_table(
        "agenda_comments",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agenda_items.id"],
            name=op.f("fk_agenda_comments_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_comments")),
    )
    with op.batch_alter_table("agenda_comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_comments_item_id"), ["item_id"], unique=False)

    op.create_table(
        "commitment_revisions",
        sa.Column("commitment_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_revisions_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("commitment_id", "revision", name=op.f("pk_commitment_revisions")),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("decided", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=True),
        sa.Column("concerns", sa.JSON(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("charter_version", sa.String(length=64), nullable=True),
        sa.Column("charter_payload", sa.JSON(), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["agenda_items.id"], name=op.f("fk_decisions_item_id_agenda_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint("item_id", name=op.f("uq_decisions_item_id")),
    )
    op.create_table(
        "decision_follow_ups",
        sa.Column("decision_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_follow_ups_decision_id_decisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("decision_id", "number", name=op.f("pk_decision_follow_ups")),
    )
    with op.batch_alter_table("service_status", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decisions_held", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""

    with op.batch_alter_table("service_status", schema=None) as batch_op:
        batch_op.drop_column("decisions_held")

    op.drop_table("decision_follow_ups")
    op.drop_table("decisions")
    op.drop_table("commitment_revisions")
    with op.batch_alter_table("agenda_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_comments_item_id"))

    op.drop_table("agenda_comments")
    with op.batch_alter_table("decision_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_log_decision_id"))

    op.drop_table("decision_log")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitments_period"))
        batch_op.drop_index(batch_op.f("ix_commitments_member"))

    op.drop_table("commitments")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_items_status"))
        batch_op.drop_index(batch_op.f("ix_agenda_items_kind"))

    op.drop_table("agenda_items")
