"""the coordination group's workspace: commitments, agenda, comments, decisions, decision log.

Revision 7d4e1b2a9c55 (2026-12-11): commitments with their revisions, agenda items (a signal
raises one at most: ``signal_key`` is unique), comments, decisions with their follow-ups, the
decision log the nodes follow, and ``service_status.decisions_held`` (what a node holds of it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from concordia.kit.ddl import *

revision, down_revision = "7d4e1b2a9c55", "3c1a9e7d2b44"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Apply this revision."""
    create_table(
        "agenda_items",
        string("id", 36),
        string("kind", 32),
        string("signal_key", 255, nullable=True),
        text("title", nullable=False),
        string("period", 16, nullable=True),
        json("evidence"),
        string("status", 16),
        string("raised_by", 80),
        moment("raised_at"),
        moment("updated_at"),
        unique=[("signal_key",)],
        indexes=["kind", "status"],
    )
    create_table(
        "commitments",
        string("id", 36),
        string("member", 80),
        string("kind", 16),
        string("period", 16),
        string("node", 8, nullable=True),
        string("measure", 32),
        string("dimension", 32, nullable=True),
        string("level", 64, nullable=True),
        sa.Column("target", sa.Numeric(precision=16, scale=2), nullable=False),
        text("note"),
        boolean("withdrawn"),
        integer("revision"),
        moment("created_at"),
        moment("updated_at"),
        indexes=["member", "period"],
    )
    create_table(
        "decision_log",
        serial(),
        string("decision_id", 36),
        json("concerns"),
        json("payload"),
        moment("at"),
        key=("seq",),
        indexes=["decision_id"],
    )
    create_table(
        "agenda_comments",
        serial("id"),
        string("item_id", 36),
        string("author", 80),
        string("role", 16),
        string("kind", 16),
        text("body", nullable=False),
        moment("at"),
        refs=[ref("item_id", "agenda_items.id", ondelete="CASCADE")],
        indexes=["item_id"],
    )
    create_table(
        "commitment_revisions",
        string("commitment_id", 36),
        sa.Column("revision", sa.Integer(), autoincrement=False, nullable=False),
        json("payload"),
        string("changed_by", 80),
        moment("at"),
        key=("commitment_id", "revision"),
        refs=[ref("commitment_id", "commitments.id", ondelete="CASCADE")],
    )
    create_table(
        "decisions",
        string("id", 36),
        string("item_id", 36),
        text("decided", nullable=False),
        text("rationale", nullable=False),
        string("period", 16, nullable=True),
        json("concerns"),
        day("due", nullable=True),
        string("status", 24),
        string("charter_version", 64, nullable=True),
        json("charter_payload", nullable=True),
        string("decided_by", 80),
        moment("decided_at"),
        moment("updated_at"),
        refs=[ref("item_id", "agenda_items.id")],
        unique=[("item_id",)],
    )
    create_table(
        "decision_follow_ups",
        string("decision_id", 36),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        text("action", nullable=False),
        string("actor", 80),
        day("due", nullable=True),
        moment("done_at", nullable=True),
        string("done_by", 80, nullable=True),
        key=("decision_id", "number"),
        refs=[ref("decision_id", "decisions.id", ondelete="CASCADE")],
    )
    with op.batch_alter_table("service_status", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decisions_held", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("service_status", schema=None) as batch_op:
        batch_op.drop_column("decisions_held")
    drop_tables("decision_follow_ups", "decisions", "commitment_revisions")
    drop_indexed("agenda_comments", "item_id")
    drop_indexed("decision_log", "decision_id")
    drop_indexed("commitments", "period", "member")
    drop_indexed("agenda_items", "status", "kind")
