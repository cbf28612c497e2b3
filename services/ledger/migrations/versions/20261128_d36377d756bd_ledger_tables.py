"""the ledger's tables:
donors, recipients, grants, transactions, activities, rates, feed, overlap runs (the first revisions, squashed).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "d36377d756bd", None
branch_labels, depends_on = ("ledger",), None


def upgrade() -> None:
    """Create the ledger's tables."""
    op.create_table(
        "donors",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("identifier", sa.String(length=96), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donors")),
        sa.UniqueConstraint("identifier", name=op.f("uq_donors_identifier")),
    )
    feed_counter = op.create_table(
        "feed_counter",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("value", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_feed_counter")),
    )
    # The grants' feed positions start after 0; the row must exist before the first grant.
    op.bulk_insert(feed_counter, [{"name": "grants", "value": 0}])
    op.create_table(
        "known_organisations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("identifier", sa.String(length=96), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("registration_country", sa.String(length=2), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_organisations")),
    )
    with op.batch_alter_table("known_organisations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_known_organisations_identifier"), ["identifier"], unique=False
        )

    op.create_table(
        "known_persons",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_persons")),
    )
    op.create_table(
        "overlap_runs",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("peer", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_overlap_runs")),
    )
    with op.batch_alter_table("overlap_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_overlap_runs_peer_scope",
            ["peer", "period", "purpose", "role", "created_at"],
            unique=False,
        )

    op.create_table(
        "rates",
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column(
            "rate",
            sa.Numeric(precision=18, scale=8).with_variant(sa.BigInteger(), "sqlite"),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("currency", "date", name=op.f("pk_rates")),
    )
    op.create_table(
        "grants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("donor_id", sa.Uuid(), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("recipient_type", sa.String(length=24), nullable=False),
        sa.Column("recipient_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("recipient_person_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("horizon", sa.String(length=8), nullable=False),
        sa.Column("goals", sa.JSON(), nullable=False),
        sa.Column("gender_marker", sa.SmallInteger(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("ever_visible", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.LargeBinary(length=32), nullable=False),
        sa.Column("feed_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["donor_id"], ["donors.id"], name=op.f("fk_grants_donor_id_donors")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_organisation_id"],
            ["known_organisations.id"],
            name=op.f("fk_grants_recipient_organisation_id_known_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_person_id"],
            ["known_persons.id"],
            name=op.f("fk_grants_recipient_person_id_known_persons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grants")),
        sa.UniqueConstraint("donor_id", "external_id", name=op.f("uq_grants_donor_id_external_id")),
        sa.UniqueConstraint("feed_seq", name=op.f("uq_grants_feed_seq")),
    )
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grants_recipient_organisation_id"),
            ["recipient_organisation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_grants_recipient_person_id"), ["recipient_person_id"], unique=False
        )

    op.create_table(
        "overlap_matches",
        sa.Column("peer", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("identifier", sa.String(length=96), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["overlap_runs.run_id"], name=op.f("fk_overlap_matches_run_id_overlap_runs")
        ),
        sa.PrimaryKeyConstraint(
            "peer", "period", "purpose", "identifier", name=op.f("pk_overlap_matches")
        ),
    )
    with op.batch_alter_table("overlap_matches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_overlap_matches_identifier"), ["identifier"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_overlap_matches_run_id"), ["run_id"], unique=False)

    op.create_table(
        "activities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("grant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("women", sa.Integer(), nullable=False),
        sa.Column("men", sa.Integer(), nullable=False),
        sa.Column("gender_other", sa.Integer(), nullable=False),
        sa.Column("gender_undisclosed", sa.Integer(), nullable=False),
        sa.Column("russian", sa.Integer(), nullable=False),
        sa.Column("non_russian", sa.Integer(), nullable=False),
        sa.Column("origin_undisclosed", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"], ["grants.id"], name=op.f("fk_activities_grant_id_grants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activities_grant_id"), ["grant_id"], unique=False)

    op.create_table(
        "transactions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("grant_id", sa.Uuid(), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=True),
        sa.Column("type", sa.SmallInteger(), nullable=False),
        sa.Column(
            "amount",
            sa.Numeric(precision=18, scale=2).with_variant(sa.BigInteger(), "sqlite"),
            nullable=False,
        ),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"], ["grants.id"], name=op.f("fk_transactions_grant_id_grants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transactions")),
        sa.UniqueConstraint(
            "grant_id", "external_id", name=op.f("uq_transactions_grant_id_external_id")
        ),
    )
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transactions_grant_id_value_date", ["grant_id", "value_date"], unique=False
        )


def downgrade() -> None:
    """Drop the ledger's tables."""
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_transactions_grant_id_value_date")

    op.drop_table("transactions")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_grant_id"))

    op.drop_table("activities")
    with op.batch_alter_table("overlap_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overlap_matches_run_id"))
        batch_op.drop_index(batch_op.f("ix_overlap_matches_identifier"))

    op.drop_table("overlap_matches")
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grants_recipient_person_id"))
        batch_op.drop_index(batch_op.f("ix_grants_recipient_organisation_id"))

    op.drop_table("grants")
    op.drop_table("rates")
    with op.batch_alter_table("overlap_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_overlap_runs_peer_scope")

    op.drop_table("overlap_runs")
    op.drop_table("known_persons")
    with op.batch_alter_table("known_organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_known_organisations_identifier"))

    op.drop_table("known_organisations")
    op.drop_table("feed_counter")
    op.drop_table("donors")
