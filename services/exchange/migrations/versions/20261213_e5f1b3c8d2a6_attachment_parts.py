"""attachment_parts: pieces of other nodes' attachments until they are joined (revision
e5f1b3c8d2a6)."""

from __future__ import annotations

from concordia.kit.ddl import *

revision, down_revision = "e5f1b3c8d2a6", "d4e8a2f7c1b9"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Create ``attachment_parts``."""
    create_table(
        "attachment_parts",
        uuid("practice_id"),
        string("sha256", 64),
        *integers("index", "count"),
        string("media_type", 64),
        integer("size"),
        string("origin", 8),
        binary("content"),
        moment("published_at"),
        key=("practice_id", "sha256", "index"),
    )


def downgrade() -> None:
    """Drop it."""
    drop_tables("attachment_parts")
