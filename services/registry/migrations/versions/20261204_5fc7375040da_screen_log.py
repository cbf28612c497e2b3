"""the screen's log of calls (POST /v1/screen) (revision 5fc7375040da, after 6e8f144443c2, 2026-12-04 17:23:28.637279)."""

from __future__ import annotations

from concordia.kit.ddl import *

revision, down_revision = "5fc7375040da", "a1b2c3d4e5f6"
branch_labels, depends_on = None, None


def upgrade() -> None:
    """Apply this revision."""
    create_table(
        "screen_log",
        serial(),
        moment("at"),
        string("token_id", 32),
        string("token_name", 128),
        *integers("texts", "matches"),
        string("purpose", 256, nullable=True),
        key=("seq",),
        indexes=[index("token_id", "at", name="ix_screen_log_token_id_at")],
    )


def downgrade() -> None:
    """Revert this revision."""
    drop_tables("screen_log")
