"""the evaluation service's tables: what it learned from local events, evaluators, conflicts,
draws, assignments, assessments, award panels (revision 5c90e93eb0d3)."""

from __future__ import annotations

import sqlalchemy as sa

from concordia.events.ledger import PARTICIPANT_COUNTS
from concordia.kit.ddl import *

revision, down_revision = "5c90e93eb0d3", None
branch_labels, depends_on = ("evaluation",), None


def upgrade() -> None:
    """Apply this revision."""
    create_table(
        "draws",
        uuid("id"),
        string("item_type", 16),
        uuid("item_id"),
        string("period", 8),
        string("seed", 64),
        json("eligible"),
        json("drawn"),
        owner(),
        moment("created_at"),
    )
    create_table(
        "evaluators",
        uuid("id"),
        binary("name_enc"),
        string("account", 128),
        json("expertise"),
        json("languages"),
        boolean("european"),
        boolean("active"),
        owner(),
        moment("created_at"),
        unique=[("account",)],
    )
    create_table(
        "known_activities",
        uuid("id"),
        uuid("grant_id"),
        string("kind", 16),
        day("start_date"),
        *integers(*PARTICIPANT_COUNTS),
        version(),
        indexes=["grant_id", "start_date"],
    )
    create_table(
        "known_grants",
        uuid("id"),
        uuid("donor_id"),
        uuid("organisation_id", nullable=True),
        string("purpose", 32, nullable=True),
        string("horizon", 8, nullable=True),
        json("goals"),
        day("start_date", nullable=True),
        day("end_date", nullable=True),
        sa.Column("feed_seq", sa.BigInteger(), nullable=False),
        boolean("withdrawn"),
        indexes=["donor_id", "organisation_id"],
    )
    create_table(
        "known_organisations",
        uuid("id"),
        string("identifier", 96),
        string("type", 32),
        json("represents"),
        json("regions_of_focus"),
        version(),
        boolean("removed"),
    )
    create_table(
        "known_transactions",
        uuid("id"),
        uuid("grant_id"),
        small("type"),
        sa.Column("amount_eur", sa.Numeric(precision=18, scale=2), nullable=True),
        day("value_date"),
        indexes=[
            index("grant_id", "value_date", name="ix_known_transactions_grant_date"),
            "value_date",
        ],
    )
    create_table(
        "panels",
        uuid("id"),
        uuid("grant_id"),
        json("members"),
        day("decided_on"),
        owner(),
        moment("created_at"),
        unique=[("grant_id",)],
    )
    create_table(
        "assignments",
        uuid("id"),
        uuid("draw_id"),
        string("item_type", 16),
        uuid("item_id"),
        uuid("organisation_id", nullable=True),
        string("period", 8),
        uuid("evaluator_id"),
        owner(),
        moment("created_at"),
        refs=[ref("draw_id", "draws.id"), ref("evaluator_id", "evaluators.id")],
        unique=[("item_type", "item_id", "period", "evaluator_id")],
        indexes=[
            "evaluator_id",
            index("item_type", "item_id", "period", name="ix_assignments_item"),
            "organisation_id",
        ],
    )
    create_table(
        "conflicts",
        uuid("id"),
        uuid("evaluator_id"),
        uuid("organisation_id", nullable=True),
        uuid("donor_id", nullable=True),
        string("relationship", 32),
        owner(),
        moment("declared_at"),
        refs=[ref("evaluator_id", "evaluators.id")],
        indexes=["evaluator_id", "organisation_id"],
    )
    create_table(
        "assessments",
        uuid("id"),
        uuid("assignment_id"),
        uuid("evaluator_id"),
        string("item_type", 16),
        uuid("item_id"),
        uuid("organisation_id", nullable=True),
        string("period", 8),
        small("standards"),
        small("knowledge"),
        small("inside_support"),
        small("relevance"),
        small("impact"),
        json("evidence"),
        owner(),
        moment("created_at"),
        refs=[ref("assignment_id", "assignments.id"), ref("evaluator_id", "evaluators.id")],
        unique=[("assignment_id",)],
        indexes=["period"],
    )


def downgrade() -> None:
    """Revert this revision."""
    drop_tables(
        "assessments",
        "conflicts",
        "assignments",
        "panels",
        "known_transactions",
        "known_organisations",
        "known_grants",
        "known_activities",
        "evaluators",
        "draws",
    )
