"""known_permits: what the plurality indicators count of the registry's permits (revision
c3d9f1a0b6e4). Permits announced before this revision are learned when they next change."""

from __future__ import annotations

from concordia.kit.ddl import *

revision, down_revision = "c3d9f1a0b6e4", "b7e2d41c9a05"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Create ``known_permits``."""
    create_table(
        "known_permits",
        uuid("id"),
        string("status", 16),
        day("granted_on", nullable=True),
        boolean("holder_vulnerable"),
        integer("family_members_covered"),
        version(),
        indexes=["granted_on"],
    )


def downgrade() -> None:
    """Drop it."""
    drop_indexed("known_permits", "granted_on")
