"""the registry's tables:
persons, organisations, memberships, permits, consents, audit, delta feed (the first revisions, squashed).
"""

from __future__ import annotations

from concordia.kit.ddl import *

revision, down_revision = "cf187471128f", None
branch_labels, depends_on = ("registry",), None


def upgrade() -> None:
    """Create the registry's tables."""
    create_table(
        "audit",
        serial(),
        moment("at"),
        string("token_id", 32),
        string("token_name", 128),
        string("action", 16),
        uuid("person_id"),
        string("purpose", 256, nullable=True),
        key=("seq",),
        indexes=["at", "person_id"],
    )
    create_table(
        "changes",
        serial(),
        string("entity", 16),
        uuid("entity_id"),
        string("external_id", 128, nullable=True),
        version(),
        string("op", 8),
        *stamps("at"),
        key=("seq",),
    )
    create_table(
        "organisations",
        uuid("id"),
        string("external_id", 128, nullable=True),
        string("identifier", 96),
        version(),
        binary("digest", 32, nullable=True),
        string("name", 300),
        string("type", 32),
        json("focus"),
        json("languages"),
        string("registration_country", 2),
        *stamps(),
        unique=[("external_id",), ("identifier",)],
    )
    create_table(
        "persons",
        uuid("id"),
        string("external_id", 128, nullable=True),
        version(),
        binary("digest", 32, nullable=True),
        binary("name_enc", nullable=True),
        binary("aliases_enc", nullable=True),
        string("gender", 16, nullable=True),
        string("ethnic_origin", 16, nullable=True),
        string("national_minority", 32, nullable=True),
        string("region_of_origin", 8, nullable=True),
        string("profession_category", 32, nullable=True),
        string("host_country", 2, nullable=True),
        binary("host_city_enc", nullable=True),
        json("vulnerabilities", nullable=True),
        string("risk_level", 16, nullable=True),
        json("family", nullable=True),
        *stamps(),
        moment("erased_at", nullable=True),
        binary("erased_key", 32, nullable=True),
        unique=[("external_id",)],
        indexes=["erased_key"],
    )
    create_table(
        "consents",
        uuid("id"),
        uuid("person_id"),
        string("purpose", 32),
        string("basis", 64),
        moment("given_at"),
        moment("withdrawn_at", nullable=True),
        refs=[ref("person_id", "persons.id", ondelete="CASCADE")],
        indexes=["person_id"],
    )
    create_table(
        "memberships",
        uuid("person_id"),
        uuid("organisation_id"),
        string("role", 64),
        day("since", nullable=True),
        key=("person_id", "organisation_id"),
        refs=[
            ref("organisation_id", "organisations.id", ondelete="CASCADE"),
            ref("person_id", "persons.id", ondelete="CASCADE"),
        ],
    )
    create_table(
        "permits",
        uuid("id"),
        uuid("person_id"),
        string("host_country", 2),
        string("track", 32),
        string("status", 16),
        day("valid_from", nullable=True),
        day("valid_to", nullable=True),
        integer("family_members_covered"),
        version(),
        *stamps(),
        refs=[ref("person_id", "persons.id", ondelete="CASCADE")],
        indexes=["person_id", index("status", "valid_to", name="ix_permits_status_valid_to")],
    )


def downgrade() -> None:
    """Drop the registry's tables."""
    drop_tables(
        "permits", "memberships", "consents", "persons", "organisations", "changes", "audit"
    )
