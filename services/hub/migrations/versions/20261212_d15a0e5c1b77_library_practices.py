"""the coalition's library: the newest revision of every practice the hub relayed.

Revision d15a0e5c1b77 (2026-12-12): ``library_practices``, kept by the broadcast relay and
searched by the dashboard.
"""

from __future__ import annotations

from concordia.kit.ddl import *

revision, down_revision = "d15a0e5c1b77", "7d4e1b2a9c55"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Create ``library_practices``."""
    create_table(
        "library_practices",
        string("practice", 64),
        string("origin", 8),
        integer("revision"),
        string("topic", 64),
        string("standing", 16),
        string("country", 2),
        string("language", 8),
        json("tags"),
        *(text(name, nullable=False) for name in ("title", "summary", "body")),
        *(text(name) for name in ("legal_basis", "what_worked", "what_did_not")),
        moment("published_at"),
        moment("received_at"),
        key=("practice",),
        indexes=["origin", "topic"],
    )


def downgrade() -> None:
    """Drop ``library_practices``."""
    drop_indexed("library_practices", "topic", "origin")
