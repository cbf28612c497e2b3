"""the ledger's tables:
donors, recipients, grants, transactions, activities, rates, feed, overlap runs (the first revisions, squashed).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from concordia.events.ledger import PARTICIPANT_COUNTS
from concordia.kit.ddl import *

revision, down_revision = "d36377d756bd", None
branch_labels, depends_on = ("ledger",), None


def upgrade() -> None:
    """Create the ledger's tables."""
    create_table(
        "donors",
        uuid("id"),
        string("identifier", 96),
        string("name", 300),
        string("type", 32),
        string("country", 2),
        version(),
        *stamps(),
        unique=[("identifier",)],
    )
    feed_counter = create_table("feed_counter", string("name", 16), big("value"), key=("name",))
    # The grants' feed positions start after 0; the row must exist before the first grant.
    op.bulk_insert(feed_counter, [{"name": "grants", "value": 0}])
    create_table(
        "known_organisations",
        uuid("id"),
        string("identifier", 96),
        string("name", 300),
        string("type", 32),
        string("registration_country", 2),
        version(),
        moment("removed_at", nullable=True),
        moment("updated_at"),
        indexes=["identifier"],
    )
    create_table(
        "known_persons",
        uuid("id"),
        version(),
        moment("erased_at", nullable=True),
        moment("updated_at"),
    )
    create_table(
        "overlap_runs",
        string("run_id", 64),
        string("role", 8),
        string("peer", 64),
        string("period", 16),
        string("purpose", 32),
        string("status", 16),
        string("reason", 32, nullable=True),
        integer("count", nullable=True),
        moment("created_at"),
        moment("finished_at", nullable=True),
        key=("run_id",),
        indexes=[
            index(
                "peer", "period", "purpose", "role", "created_at", name="ix_overlap_runs_peer_scope"
            )
        ],
    )
    create_table(
        "rates",
        string("currency", 3),
        day("date"),
        money("rate", 8),
        moment("updated_at"),
        key=("currency", "date"),
    )
    create_table(
        "grants",
        uuid("id"),
        uuid("donor_id"),
        string("external_id", 128),
        string("recipient_type", 24),
        uuid("recipient_organisation_id", nullable=True),
        uuid("recipient_person_id", nullable=True),
        string("title", 300),
        text("description"),
        string("purpose", 32),
        string("horizon", 8),
        json("goals"),
        small("gender_marker"),
        day("start_date"),
        day("end_date"),
        string("visibility", 16),
        sa.Column("ever_visible", sa.Boolean(), server_default=sa.false(), nullable=False),
        version(),
        binary("digest", 32),
        big("feed_seq"),
        moment("withdrawn_at", nullable=True),
        *stamps(),
        refs=[
            ref("donor_id", "donors.id"),
            ref("recipient_organisation_id", "known_organisations.id"),
            ref("recipient_person_id", "known_persons.id"),
        ],
        unique=[("donor_id", "external_id"), ("feed_seq",)],
        indexes=["recipient_organisation_id", "recipient_person_id"],
    )
    create_table(
        "overlap_matches",
        string("peer", 64),
        string("period", 16),
        string("purpose", 32),
        string("identifier", 96),
        string("run_id", 64),
        moment("found_at"),
        key=("peer", "period", "purpose", "identifier"),
        refs=[ref("run_id", "overlap_runs.run_id")],
        indexes=["identifier", "run_id"],
    )
    create_table(
        "activities",
        uuid("id"),
        uuid("grant_id"),
        string("kind", 16),
        string("title", 300),
        day("start_date"),
        day("end_date"),
        string("country", 2),
        string("city", 120),
        *integers(*PARTICIPANT_COUNTS),
        version(),
        *stamps(),
        refs=[ref("grant_id", "grants.id")],
        indexes=["grant_id"],
    )
    create_table(
        "transactions",
        uuid("id"),
        uuid("grant_id"),
        string("external_id", 128, nullable=True),
        small("type"),
        money("amount", 2),
        string("currency", 3),
        day("value_date"),
        string("description", 500, nullable=True),
        *stamps("created_at"),
        refs=[ref("grant_id", "grants.id")],
        unique=[("grant_id", "external_id")],
        indexes=[index("grant_id", "value_date", name="ix_transactions_grant_id_value_date")],
    )


def downgrade() -> None:
    """Drop the ledger's tables."""
    drop_tables(
        "transactions",
        "activities",
        "overlap_matches",
        "grants",
        "rates",
        "overlap_runs",
        "known_persons",
        "known_organisations",
        "feed_counter",
        "donors",
    )
